import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine';
import { removeEngineFile, writeEngineFile } from '../engine/host/engine-file';
import { startHttpHost } from '../engine/host/http-host';
import { tempDir, writeFile } from '../engine/testing/fixtures';
import { main } from './index';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

const T0 = Date.UTC(2024, 4, 1);
/** A day of a steady job log (6 lines a minute), and at 18:00 a burst of errors. */
function lines(): string {
  const out: string[] = [];
  for (let m = 0; m < 24 * 60; m++) {
    for (let k = 0; k < 6; k++) {
      const ts = new Date(T0 + m * 60_000 + k * 9_000).toISOString();
      out.push(JSON.stringify({ ts, level: 'info', msg: `job ${m * 6 + k} done in ${40 + ((m * 7 + k) % 13)} ms` }));
    }
    if (m >= 18 * 60 && m < 18 * 60 + 20) {
      for (let k = 0; k < 30; k++) out.push(JSON.stringify({ ts: new Date(T0 + m * 60_000 + k * 1000).toISOString(), level: 'error', msg: `queue ${k % 3} is full` }));
    }
  }
  return out.join('\n') + '\n';
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('logscope anomalies', () => {
  it('lists anomaly windows, as text or one JSON object per line, from the store or a running engine', async () => {
    const data = tempDir();
    const file = writeFile(tempDir(), 'jobs.ndjson', lines());
    expect(await main(['import', '--data', data, file], io().io)).toBe(0);

    const j = io();
    expect(await main(['anomalies', '--data', data, '--json'], j.io)).toBe(0);
    const windows = j.out.map((l) => JSON.parse(l));
    const burst = windows.find((w) => w.template === 'queue <*> is full');
    expect(burst, j.out.join('\n')).toMatchObject({ source: file });
    expect(['new', 'spike']).toContain(burst.kind);
    expect(burst.start).toBeGreaterThanOrEqual(T0 + 17.5 * 3_600_000);
    expect(burst.start).toBeLessThan(T0 + 18.5 * 3_600_000);

    const t = io();
    expect(await main(['anomalies', '--data', data, '--from', new Date(T0 + 17 * 3_600_000).toISOString()], t.io)).toBe(0);
    expect(t.out.join('\n')).toMatch(/queue <\*> is full/);

    // An empty range says so, on stderr.
    const none = io();
    expect(await main(['anomalies', '--data', data, '--from', new Date(T0 + 2 * 3_600_000).toISOString(), '--to', new Date(T0 + 3 * 3_600_000).toISOString()], none.io)).toBe(0);
    expect(none.out).toEqual([]);
    expect(none.err.join('\n')).toMatch(/no anomalies/);

    // The same answer through an engine that holds the folder.
    const engine = await Engine.open({ dataDir: data, defaultZone: 'UTC' });
    const host = await startHttpHost(engine, {});
    writeEngineFile(data, { pid: process.pid, port: host.port, token: host.token, startedAt: Date.now() });
    cleanups.push(async () => {
      removeEngineFile(data);
      await host.close();
      await engine.close();
    });
    const r = io();
    expect(await main(['anomalies', '--data', data, '--json'], r.io)).toBe(0);
    expect(r.err[0]).toMatch(/using the LogScope engine already running/);
    expect(r.out).toEqual(j.out);
  });

  it('says what it could not read', async () => {
    const e = io();
    expect(await main(['anomalies', '--data', tempDir(), '--from', 'last tuesday'], e.io)).toBe(1);
    expect(e.err[0]).toMatch(/cannot read the time "last tuesday"/);
  });
});
