import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { openTempStore, tempDir, writeFile } from '../testing/fixtures';
import { MlService, OVERRIDES_EXPORT } from './ml-service';
import { writeTinyModels } from './testing';

// Lines with no level a format could read, so severity must be inferred.
const LINES = [
  'Mar  2 10:00:01 web1 sshd[100]: Failed password for root from 10.0.0.1 port 22 ssh2',
  'Mar  2 10:00:02 web1 sshd[101]: Failed password for admin from 10.0.0.2 port 2222 ssh2',
  'Mar  2 10:00:03 web1 nginx[7]: connect() failed (111: Connection refused) while connecting to upstream',
  'Mar  2 10:00:04 web1 nginx[7]: connect() failed (111: Connection refused) while connecting to upstream',
  'Mar  2 10:00:05 web1 app[9]: User 42 added item 7 to cart',
];

let models: string;
const dirs: string[] = [];
beforeAll(() => {
  models = tempDir('logscope-models-');
  dirs.push(models);
  writeTinyModels(models);
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function openEngine(dataDir: string, modelsDir: string | null = models): Promise<Engine> {
  return Engine.open({ dataDir, defaultZone: 'UTC', modelsDir });
}

async function importLines(engine: Engine, dir: string): Promise<void> {
  const file = writeFile(dir, 'syslog.log', LINES.join('\n') + '\n');
  await engine.importer.wait(engine.importFiles([{ path: file }]));
  await engine.ml.flush();
  // The answers ride the writer's next commit: make one and wait for it.
  await engine.writer.append({ source: { name: '', kind: 'file', format: null }, records: [], fallbackTs: Date.now() });
}

async function count(engine: Engine, query: string): Promise<number> {
  return (await engine.call('search', { query, limit: 100 })).total ?? -1;
}

describe('classification in the engine', () => {
  it('classifies each pattern once, stores it, and answers category: and severity>= queries', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const engine = await openEngine(dir);
    try {
      await importLines(engine, dir);
      expect(await count(engine, 'category:security')).toBe(2);
      expect(await count(engine, 'category:network')).toBe(2);
      expect(await count(engine, 'level:none severity>=warn')).toBe(4);
      expect(await count(engine, 'severity:debug')).toBe(1);
      expect(await count(engine, 'category:nonsense')).toBe(0);
      const stored = await engine.store.read('SELECT count(*)::INTEGER AS n FROM templates WHERE category IS NOT NULL AND classified_by LIKE ?', ['category@%']);
      const patterns = await engine.store.read('SELECT count(DISTINCT template_id)::INTEGER AS n FROM logs');
      expect(stored[0]!.n).toBe(patterns[0]!.n);
      const health = await engine.call('health', {});
      expect(health.models?.map((m) => m.state)).toEqual(['ready', 'ready', 'missing']); // the tiny models' folder has no anomaly model
    } finally {
      await engine.close();
    }
  });

  it('runs without models, and health says which and why', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const engine = await openEngine(dir, join(dir, 'no-models-here'));
    try {
      await importLines(engine, dir);
      expect(await count(engine, '*')).toBe(5);
      expect(await count(engine, 'category:security')).toBe(0);
      const health = await engine.call('health', {});
      expect(health.models).toEqual([
        { name: 'category', state: 'missing', reason: expect.stringMatching(/no models folder/), version: null },
        { name: 'severity', state: 'missing', reason: expect.stringMatching(/no models folder/), version: null },
        { name: 'anomaly', state: 'missing', reason: expect.any(String), version: null },
      ]);
    } finally {
      await engine.close();
    }
  });

  it('applies a person\'s override at once, keeps it across a restart and exports it for training', async () => {
    const dir = tempDir();
    dirs.push(dir);
    let engine = await openEngine(dir);
    let id: number;
    try {
      await importLines(engine, dir);
      const [row] = await engine.store.read(`SELECT template_id FROM logs WHERE message LIKE '%added item%'`);
      id = Number(row!.template_id);
      const res = await engine.call('patternOverride', { id, category: 'storage', severity: 'error' });
      expect(res.class).toMatchObject({ category: 'storage', severity: 'error', source: 'override' });
      expect(engine.ml.classOf(id)?.category).toBe('storage');
      expect(await count(engine, 'category:storage')).toBe(1);
      expect(await count(engine, 'severity:error category:storage')).toBe(1);
    } finally {
      await engine.close();
    }
    const exported = readFileSync(join(dir, OVERRIDES_EXPORT), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(exported).toEqual([{ id, template: expect.stringContaining('added item'), category: 'storage', severity: 'error' }]);
    engine = await openEngine(dir);
    try {
      expect(engine.ml.classOf(id)?.category).toBe('storage');
      expect(await count(engine, 'category:storage')).toBe(1);
      // Clearing it gives the model's answer back.
      const res = await engine.call('patternOverride', { id, category: null, severity: null });
      expect(res.class?.source).toBe('model');
      expect(await count(engine, 'category:storage')).toBe(0);
      expect(existsSync(join(dir, OVERRIDES_EXPORT))).toBe(true);
    } finally {
      await engine.close();
    }
  });
});

describe('MlService at start', () => {
  it("redoes stored answers with a person's override applied, however late the overrides are read", async () => {
    const { store, writer, close } = await openTempStore();
    try {
      const text = 'GET /api/users 200 in 12 ms';
      await store.write(
        `INSERT INTO templates (id, template, first_ts, last_ts, count, example, category, classified_by)
         VALUES (7, ?, now()::TIMESTAMP, now()::TIMESTAMP, 1, ?, 'storage', 'override')`,
        [text, text],
      );
      await store.write(`INSERT INTO pattern_overrides VALUES (7, 'storage', NULL, ?, now()::TIMESTAMP)`, [text]);
      // The same store, with the overrides' read held back: the models (tiny, quick to load)
      // and their redo of pattern 7 would otherwise be done first.
      const slow = Object.create(store) as typeof store;
      slow.read = async (sql, params) => {
        if (sql.includes('pattern_overrides')) await new Promise((r) => setTimeout(r, 300));
        return store.read(sql, params);
      };
      const ml = await MlService.open({ modelsDir: models, store: slow, writer, templateText: () => text, exportDir: null });
      await ml.ready;
      await ml.close(); // waits for the classification under way
      await writer.append({ source: { name: '', kind: 'file', format: null }, records: [], fallbackTs: 0 });
      const [row] = await store.read('SELECT category, classified_by FROM templates WHERE id = 7');
      expect(row).toEqual({ category: 'storage', classified_by: 'override' });
    } finally {
      await close();
    }
  });
});
