import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { tempDir, writeFile } from '../testing/fixtures';
import { writeTinyModels } from '../ml/testing';

// Syslog lines carry no level a format reads, so severity is inferred from the pattern.
const LINES = [
  'Mar  2 10:00:01 web1 sshd[100]: Failed password for root from 10.0.0.1 port 22 ssh2',
  'Mar  2 10:00:02 web1 sshd[101]: Failed password for admin from 10.0.0.2 port 2222 ssh2',
  'Mar  2 10:20:03 web1 nginx[7]: connect() failed (111: Connection refused) while connecting to upstream',
  'Mar  2 10:40:04 web1 nginx[7]: connect() failed (111: Connection refused) while connecting to upstream',
  'Mar  2 10:50:05 web1 app[9]: User 42 added item 7 to cart',
];

const dirs: string[] = [];
let models: string;
let engine: Engine;
beforeAll(async () => {
  models = tempDir('logscope-models-');
  writeTinyModels(models);
  const data = tempDir();
  dirs.push(models, data);
  engine = await Engine.open({ dataDir: data, defaultZone: 'UTC', modelsDir: models });
  const file = writeFile(data, 'syslog.log', LINES.join('\n') + '\n');
  await engine.importer.wait(engine.importFiles([{ path: file }]));
  await engine.ml.flush();
  // The models' answers ride the writer's next commit.
  await engine.writer.append({ source: { name: '', kind: 'file', format: null }, records: [], fallbackTs: Date.now() });
});
afterAll(async () => {
  await engine.close();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const sumOf = (counts: number[]) => counts.reduce((a, b) => a + b, 0);

describe('categoryHistogram on a real DuckDB file', () => {
  it('splits each bucket by category, buckets lined up with the level histogram', async () => {
    const from = Date.UTC(new Date().getUTCFullYear(), 2, 2, 10, 0);
    const params = { query: '', from, to: from + 3_600_000, buckets: 6 };
    const [cats, levels] = await Promise.all([
      engine.call('categoryHistogram', params),
      engine.call('histogram', params),
    ]);
    expect(cats.total).toBe(5);
    expect({ start: cats.start, bucketMs: cats.bucketMs }).toEqual({ start: levels.start, bucketMs: levels.bucketMs });
    const by = Object.fromEntries(cats.series.map((s) => [s.category ?? 'none', s.counts]));
    expect(sumOf(by.security ?? [])).toBe(2);
    expect(sumOf(by.network ?? [])).toBe(2);
    // 10:20 and 10:40 are in the third and fifth 10-minute buckets.
    expect(by.network).toEqual([0, 0, 1, 0, 1, 0]);
    // A query narrows it like any view.
    const narrowed = await engine.call('categoryHistogram', { ...params, query: '"Failed password"' });
    expect(narrowed.series.map((s) => s.category)).toEqual(['security']);
  });

  it('follows a correction at once', async () => {
    const [row] = await engine.store.read(`SELECT template_id FROM logs WHERE message LIKE '%added item%'`);
    const id = Number(row!.template_id);
    await engine.call('patternOverride', { id, category: 'storage', severity: null });
    const h = await engine.call('categoryHistogram', { query: 'added', from: null, to: null, buckets: 4 });
    expect(h.series.map((s) => [s.category, sumOf(s.counts)])).toEqual([['storage', 1]]);
    await engine.call('patternOverride', { id, category: null, severity: null });
  });

  it("counts a row still pointing at a merged-away pattern under its survivor's class", async () => {
    const [row] = await engine.store.read(
      `SELECT id::DOUBLE AS id, template_id::INTEGER AS tid FROM logs WHERE message LIKE '%Failed password for admin%'`,
    );
    const survivor = Number(row!.tid);
    await engine.store.write(
      `INSERT INTO templates (id, template, first_ts, last_ts, count, example, merged_into)
       VALUES (99999, 'Failed <*>', now()::TIMESTAMP, now()::TIMESTAMP, 1, 'x', ?)`,
      [survivor],
    );
    await engine.store.write(`UPDATE logs SET template_id = 99999 WHERE id = ?`, [Number(row!.id)]);
    try {
      const res = await engine.call('search', { query: '"Failed password for admin"', limit: 5 });
      expect(res.rows[0]).toMatchObject({ pattern: survivor, category: 'security', severityInferred: true });
      const h = await engine.call('categoryHistogram', { query: '"Failed password"', from: null, to: null, buckets: 4 });
      expect(h.series.map((s) => [s.category, sumOf(s.counts)])).toEqual([['security', 2]]);
    } finally {
      await engine.store.write(`UPDATE logs SET template_id = ? WHERE id = ?`, [survivor, Number(row!.id)]);
      await engine.store.write(`DELETE FROM templates WHERE id = 99999`);
    }
  });

  it('puts pattern, category and effective severity (marked inferred) on rows', async () => {
    const res = await engine.call('search', { query: '"Failed password"', limit: 10 });
    expect(res.rows).toHaveLength(2);
    for (const r of res.rows) {
      expect(r.level).toBeNull();
      expect(r.category).toBe('security');
      expect(r.pattern).toEqual(expect.any(Number));
      expect(r.severityInferred).toBe(true);
      expect(r.severity).not.toBeNull();
    }
    const rec = await engine.call('record', { id: res.rows[0]!.id });
    expect(rec).toMatchObject({ category: 'security', severityInferred: true, classifiedBy: expect.stringMatching(/^category@/) });
    expect(rec!.categoryConfidence).toBeGreaterThan(0);
    expect(rec!.categoryConfidence).toBeLessThanOrEqual(1);
  });
});
