/**
 * Merged patterns in the store: `pattern:ID` finds the records of patterns merged into ID,
 * `pattern:OLD` for a merged-away id finds its survivor's, chains stay one hop, and health
 * shows the miner's bounds.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { tempDir, writeFile } from '../testing/fixtures';

const engines: Engine[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
async function open(): Promise<{ engine: Engine; dir: string }> {
  const dir = tempDir('logscope-merged-');
  dirs.push(dir);
  const engine = await Engine.open({ dataDir: dir, defaultZone: 'UTC' });
  engines.push(engine);
  return { engine, dir };
}

// Four users at one position make it a variable: the patterns of bob, carol and dave merge
// into alice's (the oldest id), after bob's and carol's lines were stored with their own ids.
const SESSIONS = ['alice', 'bob', 'carol', 'dave', 'erin'].map(
  (u, i) => `Mar 10 00:00:0${i} host sshd[${100 + i}]: session opened for user ${u} by (uid=0)`,
);
const OTHER = ['Mar 10 00:01:00 host cron[7]: job started', 'Mar 10 00:01:01 host cron[8]: job started'];

async function ids(engine: Engine, query: string): Promise<number[]> {
  const r = await engine.call('search', { query, limit: 100 });
  return r.rows.map((row) => row.line).sort((a, b) => a - b);
}

describe('pattern:ID with merged patterns', () => {
  it('finds the records of patterns merged into ID, and the survivor’s for a merged-away id', async () => {
    const { engine, dir } = await open();
    const file = writeFile(dir, 'auth.log', [...SESSIONS, ...OTHER].join('\n'));
    await engine.importer.wait(engine.importFiles([{ path: file }]));

    const stored = await engine.store.read('SELECT line, template_id::DOUBLE AS t FROM logs ORDER BY line');
    const byLine = stored.map((r) => Number(r.t));
    // As mined: bob's and carol's lines kept the ids they had then.
    expect(new Set(byLine.slice(0, 5)).size).toBeGreaterThan(1);
    const survivor = byLine[0]!;
    const merged = byLine[1]!;
    expect(merged).not.toBe(survivor);
    const [row] = await engine.store.read('SELECT merged_into::DOUBLE AS m FROM templates WHERE id = ?', [merged]);
    expect(Number(row!.m)).toBe(survivor);

    expect(await ids(engine, `pattern:${survivor}`)).toEqual([1, 2, 3, 4, 5]);
    expect(await ids(engine, `pattern:${merged}`)).toEqual([1, 2, 3, 4, 5]);
    expect(await ids(engine, `-pattern:${survivor}`)).toEqual([6, 7]);
    expect(await ids(engine, `pattern:${byLine[5]!}`)).toEqual([6, 7]);
    expect(await ids(engine, `pattern:${survivor} OR pattern:${byLine[5]!}`)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await ids(engine, 'pattern:999999')).toEqual([]);

    // The Patterns view folds them the same way.
    const list = await engine.call('patterns', { query: '', limit: 10 });
    expect(list.patterns.map((p) => [p.id, p.count])).toEqual([
      [survivor, 5],
      [byLine[5]!, 2],
    ]);
    expect(list.patterns[0]!.template).toBe('session opened for user <*> by (uid=<*>)');
  });

  it('keeps merged_into one hop when a survivor merges again', async () => {
    const { engine, dir } = await open();
    const file = writeFile(dir, 'auth.log', SESSIONS.join('\n'));
    await engine.importer.wait(engine.importFiles([{ path: file }]));
    const stored = await engine.store.read('SELECT template_id::DOUBLE AS t FROM logs ORDER BY line');
    const [survivor, merged] = [Number(stored[0]!.t), Number(stored[1]!.t)];
    const later = writeFile(dir, 'later.log', OTHER.join('\n'));
    await engine.importer.wait(engine.importFiles([{ path: later }]));
    const other = Number((await engine.store.read('SELECT template_id::DOUBLE AS t FROM logs WHERE line = 1 AND source LIKE ?', ['%later.log']))[0]!.t);
    // What the miner reports when a survivor itself merges into an older pattern.
    engine.patterns.miner.onChange?.({ kind: 'merged', from: survivor, into: other, template: 'x' });
    await engine.writer.append({ source: { name: 'flush', kind: 'file', format: null }, records: [], fallbackTs: 0 });
    const rows = await engine.store.read('SELECT id::DOUBLE AS id, merged_into::DOUBLE AS m FROM templates WHERE id IN (?, ?)', [survivor, merged]);
    expect(rows.map((r) => Number(r.m))).toEqual([other, other]);
    expect(await ids(engine, `pattern:${merged}`)).toEqual([1, 1, 2, 2, 3, 4, 5]);
  });

  it('shows the miner in health: templates, cap, evictions, merges, memory', async () => {
    const { engine, dir } = await open();
    const file = writeFile(dir, 'auth.log', [...SESSIONS, ...OTHER].join('\n'));
    await engine.importer.wait(engine.importFiles([{ path: file }]));
    const h = await engine.call('health', {});
    expect(h.patterns).toMatchObject({ templates: 2, cap: 5000, evicted: 0, lines: 7 });
    expect(h.patterns!.merged).toBeGreaterThanOrEqual(2);
    expect(h.patterns!.memoryBytes).toBeGreaterThan(0);
    const m = engine.patterns.metrics();
    expect(m.logscope_patterns_templates).toBe(2);
    expect(m.logscope_patterns_cap).toBe(5000);
    expect(m.logscope_patterns_lines_total).toBe(7);
    expect(Object.values(m).every((v) => Number.isFinite(v))).toBe(true);
  });
});
