/**
 * The miner in a real worker thread: the same ids, parameters and changes as the miner run
 * in-process on the same batches, state carried over through save/start, and clear errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TemplateMiner, type TemplateChange } from '../../ingest/patterns/miner';
import { MinerClient } from './miner-client';
import { packStrings, unpackStrings } from './miner-wire';

const clients: MinerClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});
async function start(opts: Parameters<typeof MinerClient.start>[0] = {}): Promise<MinerClient> {
  const c = await MinerClient.start(opts);
  clients.push(c);
  return c;
}

/** Lines with merges (users vary), values, lists of varying length and odd text. */
function lines(n: number, seed: number): string[] {
  let s = seed >>> 0;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.floor((s / 2 ** 32) * k);
  };
  const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'root'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const ip = `10.${rnd(255)}.${rnd(255)}.${rnd(255)}`;
    switch (rnd(6)) {
      case 0:
        out.push(`session opened for user ${users[rnd(users.length)]} by (uid=${rnd(1000)})`);
        break;
      case 1:
        out.push(`Failed password for ${users[rnd(users.length)]} from ${ip} port ${rnd(65535)} ssh2`);
        break;
      case 2:
        out.push(`Served block blk_${rnd(1e9)} to /${ip} in ${rnd(900)} ms`);
        break;
      case 3:
        out.push(`nodes ${Array.from({ length: 1 + rnd(4) }, () => `node-${rnd(40)}`).join(' ')} joined the ring`);
        break;
      case 4:
        out.push(`GET /api/items/${rnd(1e5)}?page=${rnd(9)} 200 ${rnd(5000)} "Mozilla/5.0 (X11; Linux x86_64)"`);
        break;
      default:
        out.push(`worker ${rnd(8)} ünïcödé ${'<*>'} täsk ${rnd(10)} done\twith\u00a0spaces`);
    }
  }
  return out;
}

const batches = (all: string[], size: number): string[][] =>
  Array.from({ length: Math.ceil(all.length / size) }, (_, i) => all.slice(i * size, (i + 1) * size));

describe('MinerClient (a real worker thread)', () => {
  it('gives the ids, parameters, changes and texts the in-process miner gives', async () => {
    const all = lines(6000, 1);
    const localChanges: TemplateChange[] = [];
    const local = new TemplateMiner({ onChange: (c) => localChanges.push(c) });
    const remoteChanges: TemplateChange[] = [];
    const client = await start({ onChange: (c) => remoteChanges.push(c) });
    for (const batch of batches(all, 700)) {
      const expected = batch.map((m) => local.add(m));
      const changesSoFar = localChanges.length;
      const got = await client.mine(batch);
      expect(Array.from(got.ids)).toEqual(expected.map((e) => e.id));
      expect(got.params).toEqual(expected.map((e) => e.params));
      // A batch's changes arrive before its result.
      expect(remoteChanges).toEqual(localChanges.slice(0, changesSoFar));
    }
    expect(localChanges.some((c) => c.kind === 'merged')).toBe(true);
    for (const t of local.templates()) expect(client.template(t.id)).toBe(t.template);
    expect((await client.stats()).templates).toBe(local.stats().templates);
  });

  it('keeps batches in the order they were sent when several are in flight', async () => {
    const all = lines(3000, 2);
    const local = new TemplateMiner();
    const expected = all.map((m) => local.add(m).id);
    const client = await start();
    const results = await Promise.all(batches(all, 250).map((b) => client.mine(b)));
    expect(results.flatMap((r) => Array.from(r.ids))).toEqual(expected);
  });

  it('carries the state over: save, start anew with it, same ids as a miner that never stopped', async () => {
    const [first, second] = [lines(2000, 3), lines(2000, 4)];
    const local = new TemplateMiner();
    for (const m of first) local.add(m);
    const expected = second.map((m) => local.add(m).id);

    const a = await start();
    await a.mine(first);
    const state = await a.save();
    await a.close();
    const b = await start({ state: JSON.parse(JSON.stringify(state)) });
    // Texts of the patterns the state holds are there before any batch.
    for (const t of TemplateMiner.fromJSON(state).templates()) expect(b.template(t.id)).toBe(t.template);
    const got = await b.mine(second);
    expect(Array.from(got.ids)).toEqual(expected);
  });

  it('refuses a damaged state at start, with the reason', async () => {
    await expect(MinerClient.start({ state: { version: 2, patterns: 'no' } })).rejects.toThrow(
      /pattern miner worker|state could not be loaded/,
    );
  });

  it('rejects work after close, and an empty batch is fine', async () => {
    const client = await start();
    expect(await client.mine([])).toEqual({ ids: new Uint32Array(0), params: [] });
    const r = await client.mine(['', '   ', 'x']);
    expect(r.params).toEqual([[], [], []]);
    await client.close();
    await expect(client.mine(['a b c'])).rejects.toThrow('closed');
  });
});

describe('packed strings', () => {
  it('round-trips any strings, empty ones and separators included', () => {
    const parts = ['', 'a', '\u0000', 'b\nc', 'ü€😀', '', 'x'.repeat(1000)];
    const { text, lengths } = packStrings(parts);
    expect(unpackStrings(text, lengths)).toEqual(parts);
    expect(() => unpackStrings(text + 'z', lengths)).toThrow('lengths add up');
  });
});
