import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine';
import { tempDir, writeFile } from '../../testing/fixtures';
import { generateLogs, type GeneratedLogs } from './generate';

const LEVELS = ['none', 'trace', 'debug', 'info', 'notice', 'warn', 'error', 'fatal'];
const BUCKET = 10 * 60_000;

/** The generated records as one NDJSON file per service (the file path is the source). */
function writeSources(logs: GeneratedLogs): Map<string, string> {
  const dir = tempDir();
  const bySource = new Map<string, string[]>();
  for (const r of logs.records) {
    const params = [...r.params];
    const message = logs.templates.get(r.pattern)!.replace(/<\*>/g, () => params.shift() ?? '');
    const lines = bySource.get(r.source) ?? [];
    lines.push(JSON.stringify({ ts: new Date(r.ts).toISOString(), level: LEVELS[r.level], msg: message }));
    bySource.set(r.source, lines);
  }
  return new Map([...bySource].map(([source, lines]) => [source, writeFile(dir, `${source}.ndjson`, lines.join('\n') + '\n')]));
}

describe('anomalies over a real store', () => {
  let engine: Engine;
  let logs: GeneratedLogs;
  let files: Map<string, string>;
  beforeAll(async () => {
    // Four days, lighter traffic: enough for a baseline and the incidents on the fourth day.
    logs = generateLogs(3, 4, { volume: 0.3 });
    files = writeSources(logs);
    engine = await Engine.open({ dataDir: tempDir(), defaultZone: 'UTC' });
    const id = engine.importFiles([...files.values()].map((path) => ({ path })));
    const p = await engine.importer.wait(id);
    expect(p.state).toBe('done');
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
  });

  it('finds the error burst, the silent source and the new pattern from one GROUP BY over the store', async () => {
    const from = logs.start + 3 * 86_400_000;
    const r = await engine.call('anomalies', { from, to: logs.end, bucketMs: BUCKET });
    expect(r.bucketMs).toBe(BUCKET);
    const within2 = (start: number, incStart: number) => start <= Math.floor(incStart / BUCKET) * BUCKET + 2 * BUCKET;
    for (const inc of logs.incidents) {
      const source = files.get(inc.source)!;
      const hits = r.windows.filter((w) => w.source === source && w.start < inc.end + 2 * BUCKET && w.end > inc.start);
      if (inc.kind === 'param-drift') continue; // needs per-record scores in the store
      const kind = { 'error-burst': 'spike', silence: 'drop', 'new-pattern': 'new' }[inc.kind];
      const hit = hits.find((w) => w.kind === kind);
      expect(hit, `${inc.kind} in ${JSON.stringify(r.windows)}`).toBeDefined();
      expect(within2(hit!.start, inc.start)).toBe(true);
      if (inc.kind === 'silence') expect(hit!.pattern).toBeNull();
      else expect(hit!.template).toBe(logs.templates.get(inc.pattern!));
    }
    // Every window is about an incident: no false alarms on this day.
    const stray = r.windows.filter(
      (w) => !logs.incidents.some((inc) => w.source === files.get(inc.source) && w.start < inc.end + 2 * BUCKET && w.end > inc.start),
    );
    expect(stray).toEqual([]);
  });

  it('is not fooled into calling every pattern new: the first day has no new windows', async () => {
    const r = await engine.call('anomalies', { from: logs.start, to: logs.start + 86_400_000, bucketMs: BUCKET });
    expect(r.windows.filter((w) => w.kind === 'new')).toEqual([]);
  });

  it('validates its params', async () => {
    await expect(engine.call('anomalies', { bucketMs: 5 })).rejects.toThrow(/bucketMs/);
  });
});
