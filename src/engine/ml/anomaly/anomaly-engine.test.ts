import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../engine';
import { tempDir, writeFile } from '../../testing/fixtures';
import { AnomalyCardSchema } from './fit';
import { fitForest } from './isolation-forest';
import { CARD_FILE, MODEL_FILE, shippedModelDir, writeModelFiles } from './model';
import { forestToOnnx } from './onnx-forest';

const shipped = shippedModelDir()!;
const shippedCard = () => AnomalyCardSchema.parse(JSON.parse(readFileSync(join(shipped, CARD_FILE), 'utf8')));
const dirs: string[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Syslog lines over a day: three steady patterns with a latency, then a burst of rare errors. */
function lines(): string[] {
  const out: string[] = [];
  const t0 = Date.UTC(2024, 2, 2, 0, 0);
  const stamp = (ms: number) => {
    const d = new Date(ms);
    const hh = String(d.getUTCHours()).padStart(2, '0');
    const mm = String(d.getUTCMinutes()).padStart(2, '0');
    const ss = String(d.getUTCSeconds()).padStart(2, '0');
    return `Mar  2 ${hh}:${mm}:${ss}`;
  };
  for (let i = 0; i < 3000; i++) {
    const ts = t0 + i * 20_000;
    const k = i % 3;
    if (k === 0) out.push(`${stamp(ts)} web1 app[9]: request ${i} served in ${20 + (i % 7)} ms`);
    else if (k === 1) out.push(`${stamp(ts)} web1 app[9]: user ${i % 50} logged in from 10.0.0.${i % 200}`);
    else out.push(`${stamp(ts)} web1 cron[3]: job ${i % 5} finished`);
  }
  const late = t0 + 3000 * 20_000;
  for (let i = 0; i < 30; i++) out.push(`${stamp(late + i * 100)} web1 kernel: EXT4-fs error (device sda${i % 2}): journal aborted`);
  return out;
}

async function open(data: string, anomalyModelDir: string | null = shipped): Promise<Engine> {
  const e = await Engine.open({ dataDir: data, defaultZone: 'UTC', modelsDir: null, anomalyModelDir });
  engines.push(e);
  return e;
}

async function importLines(e: Engine, dir: string, name: string, text: string[]): Promise<void> {
  const file = writeFile(dir, name, text.join('\n') + '\n');
  await e.importer.wait(e.importFiles([{ path: file }]));
}

const count = async (e: Engine, query: string) => (await e.call('search', { query, limit: 1 })).total;

describe('per-record anomaly scores at ingest', () => {
  it('stores a score in [0, 1] and a decision with every record; the query terms find them; the record has reasons', async () => {
    const data = tempDir();
    dirs.push(data);
    const e = await open(data);
    await importLines(e, data, 'app.log', lines());
    const [s] = await e.store.read(
      `SELECT count(*)::INTEGER AS n, count(anomaly)::INTEGER AS scored, min(anomaly)::DOUBLE AS lo, max(anomaly)::DOUBLE AS hi,
         count(*) FILTER (WHERE anomalous)::INTEGER AS flagged, count(*) FILTER (WHERE anomaly >= 0.6)::INTEGER AS high FROM logs`,
    );
    expect(s!.n).toBe(3030);
    expect(s!.scored).toBe(3030);
    expect(Number(s!.lo)).toBeGreaterThanOrEqual(0);
    expect(Number(s!.hi)).toBeLessThanOrEqual(1);
    expect(s!.flagged).toBeGreaterThan(0);
    expect(s!.flagged).toBeLessThan(3030);
    expect(await count(e, 'anomalous:true')).toBe(s!.flagged);
    expect(await count(e, 'anomalous:false')).toBe(3030 - Number(s!.flagged));
    expect(await count(e, 'anomaly>=0.6')).toBe(s!.high);
    // The burst of kernel errors (new, rare, error severity) is where the flags are.
    const flagged = await e.call('search', { query: 'anomalous:true', limit: 1000 });
    const kernel = flagged.rows.filter((r) => r.message.includes('EXT4-fs'));
    expect(kernel.length).toBeGreaterThan(0);
    const rec = await e.call('record', { id: kernel[0]!.id });
    expect(rec!.anomalous).toBe(true);
    expect(rec!.anomalyReasons!.length).toBeGreaterThan(0);
    expect(rec!.anomalyReasons![0]!.text.length).toBeGreaterThan(0);
    const health = await e.call('health', {});
    expect(health.models!.find((m) => m.name === 'anomaly')).toMatchObject({ state: 'ready' });
  });

  it('runs without a model when it is missing, truncated or of another shape: scores NULL, health says why', async () => {
    const cases: Array<[string, (dir: string) => void, string, RegExp]> = [
      ['missing', () => {}, 'missing', /no anomaly model/],
      [
        'truncated',
        (dir) => {
          copyFileSync(join(shipped, CARD_FILE), join(dir, CARD_FILE));
          const bytes = readFileSync(join(shipped, MODEL_FILE));
          writeFileSync(join(dir, MODEL_FILE), bytes.subarray(0, bytes.length >> 1));
        },
        'failed',
        /sha256|truncated/,
      ],
      [
        'another shape',
        (dir) => {
          // A valid ONNX forest over 3 features, with a card and a hash that match it.
          const rows = Float32Array.from({ length: 900 }, (_, i) => ((i * 7919) % 101) / 10);
          const forest = fitForest(rows, 3, { seed: 1, trees: 5, sampleSize: 64 });
          writeModelFiles(dir, forestToOnnx(forest, { featureNames: ['a', 'b', 'c'], threshold: 0.6 }), shippedCard());
        },
        'failed',
        /3 features; this LogScope computes 6/,
      ],
    ];
    for (const [name, make, state, why] of cases) {
      const data = tempDir();
      const models = tempDir('logscope-anomaly-model-');
      dirs.push(data, models);
      mkdirSync(models, { recursive: true });
      make(models);
      const e = await open(data, models);
      await importLines(e, data, 'app.log', lines().slice(0, 100));
      const [s] = await e.store.read(`SELECT count(*)::INTEGER AS n, count(anomaly)::INTEGER AS scored FROM logs`);
      expect({ name, n: s!.n, scored: s!.scored }).toEqual({ name, n: 100, scored: 0 });
      const m = (await e.call('health', {})).models!.find((x) => x.name === 'anomaly')!;
      expect({ name, state: m.state }).toEqual({ name, state });
      expect(m.reason).toMatch(why);
      expect((await e.call('search', { query: '', limit: 1 })).rows[0]!.anomaly).toBeNull();
    }
  });
});

describe('verdicts', () => {
  it('a pattern marked normal scores 0 at once and from then on, across a reopen; unknown targets are not_found', async () => {
    const data = tempDir();
    dirs.push(data);
    let e = await open(data);
    await importLines(e, data, 'app.log', lines());
    const [k] = await e.store.read(`SELECT template_id, count(*)::INTEGER AS n FROM logs WHERE message LIKE '%EXT4-fs%' GROUP BY 1 ORDER BY 2 DESC LIMIT 1`);
    const pattern = Number(k!.template_id);
    const res = await e.call('anomalyOverride', { templateId: pattern, verdict: 'normal' });
    expect(res.updated).toBe(k!.n);
    const check = async (eng: Engine) =>
      (await eng.store.read(`SELECT count(*) FILTER (WHERE anomaly <> 0 OR anomalous)::INTEGER AS bad, count(*)::INTEGER AS n FROM logs WHERE template_id = ?`, [pattern]))[0]!;
    expect((await check(e)).bad).toBe(0);
    // A record of another pattern marked anomalous.
    const [other] = await e.store.read(`SELECT id::DOUBLE AS id FROM logs WHERE message LIKE '%logged in%' LIMIT 1`);
    await e.call('anomalyOverride', { recordId: Number(other!.id), verdict: 'anomalous' });
    expect((await e.call('record', { id: Number(other!.id) }))).toMatchObject({ anomaly: 1, anomalous: true, anomalyVerdict: { verdict: 'anomalous', on: 'record' } });

    await e.close();
    engines.splice(engines.indexOf(e), 1);
    e = await open(data);
    expect((await e.call('anomalyOverrides', {})).overrides.map((o) => o.verdict).sort()).toEqual(['anomalous', 'normal']);
    // New records of the pattern, after the restart, score 0 too.
    await importLines(e, data, 'more.log', lines().slice(-30));
    const after = await check(e);
    expect(after.n).toBeGreaterThan(k!.n as number);
    expect(after.bad).toBe(0);

    await expect(e.call('anomalyOverride', { templateId: 987654, verdict: 'normal' })).rejects.toMatchObject({ info: { code: 'not_found' } });
    await expect(e.call('anomalyOverride', { recordId: 987654321, verdict: 'normal' })).rejects.toMatchObject({ info: { code: 'not_found' } });
    await expect(e.call('anomalyOverride', { verdict: 'normal' })).rejects.toMatchObject({ info: { code: 'bad_request' } });
  });
});

describe('refit from a range', () => {
  it('is refused on an empty or tiny range, with a message', async () => {
    const data = tempDir();
    dirs.push(data);
    const e = await open(data);
    await importLines(e, data, 'app.log', lines().slice(0, 50));
    const [span] = await e.store.read(`SELECT epoch_ms(min(ts))::DOUBLE AS t FROM logs`);
    const t = Number(span!.t);
    await expect(e.call('anomalyRefit', { from: t, to: t })).rejects.toMatchObject({ info: { code: 'bad_request', message: expect.stringMatching(/empty/) } });
    await expect(e.call('anomalyRefit', { from: t, to: t + 86_400_000 })).rejects.toMatchObject({
      info: { code: 'bad_request', message: expect.stringMatching(/not enough records/) },
    });
  });

  it('fits on the range in a worker, says so in events, leaves out records marked anomalous, and the new model scores', async () => {
    const data = tempDir();
    dirs.push(data);
    const e = await open(data);
    await importLines(e, data, 'app.log', lines());
    const [rec] = await e.store.read(`SELECT id::DOUBLE AS id FROM logs ORDER BY id LIMIT 1`);
    await e.call('anomalyOverride', { recordId: Number(rec!.id), verdict: 'anomalous' });
    const events: string[] = [];
    const ended = new Promise<string>((resolve) =>
      e.on('anomalyRefitProgressed', (ev) => {
        events.push(ev.state);
        if (ev.state !== 'running') resolve(`${ev.state}: ${ev.message}`);
      }),
    );
    const [span] = await e.store.read(`SELECT epoch_ms(min(ts))::DOUBLE AS lo, epoch_ms(max(ts))::DOUBLE AS hi FROM logs`);
    const { jobId } = await e.call('anomalyRefit', { from: Number(span!.lo), to: Number(span!.hi) + 1 });
    expect(jobId).toMatch(/\w/);
    const end = await ended;
    // 3030 records, one marked anomalous and left out.
    expect(end).toBe('done: fitted on 3029 records of 4 patterns');
    expect(events).toContain('running');
    expect(e.anomaly.service.model!.card.trainedOn.kind).toBe('range');
    await importLines(e, data, 'more.log', lines().slice(0, 60));
    const [s] = await e.store.read(`SELECT count(anomaly)::INTEGER AS scored FROM logs WHERE source LIKE '%more.log'`);
    expect(s!.scored).toBe(60);
  });
});
