import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine';
import { removeEngineFile, writeEngineFile } from '../engine/host/engine-file';
import { startHttpHost } from '../engine/host/http-host';
import { nginxLines, tempDir, writeFile } from '../engine/testing/fixtures';
import { main } from './index';
import { parseTimeArg } from './time-arg';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('logscope CLI', () => {
  it('imports files, prints a summary per file, then queries them', async () => {
    const data = tempDir();
    const file = writeFile(tempDir(), 'access.log', nginxLines(40).join('\n'));
    const a = io();
    expect(await main(['import', '--data', data, file], a.io)).toBe(0);
    expect(a.out[0]).toMatch(/access\.log: \S+, 40 lines, 40 records, 0 unparsed, [\d.]+ s, [\d.]+ MB\/s/);
    expect(a.out.at(-1)).toMatch(/^imported 40 records \(0 unparsed\) from 1 file/);

    const c = io();
    expect(await main(['query', '--data', data, '--count', 'status:500'], c.io)).toBe(0);
    expect(c.out).toEqual(['4']);

    const j = io();
    expect(await main(['query', '--data', data, '--json', '--limit', '2', ''], j.io)).toBe(0);
    const rows = j.out.map((l) => JSON.parse(l));
    expect(rows.map((r) => r.line)).toEqual([40, 39]);
  });

  it('exits non-zero with one clear line on a failed file, a bad query or bad usage', async () => {
    const data = tempDir();
    const bad = io();
    expect(await main(['import', '--data', data, '/no/such/file.log'], bad.io)).toBe(1);
    expect(bad.err.join('\n')).toMatch(/no such file/);

    const q = io();
    expect(await main(['query', '--data', data, 'level:(error'], q.io)).toBe(1);
    expect(q.err).toHaveLength(1);
    expect(q.err[0]).toMatch(/^logscope: .*\(at character \d+\)$/);

    const u = io();
    expect(await main(['frobnicate'], u.io)).toBe(2);
    expect(u.err[0]).toMatch(/unknown command "frobnicate"/);
    expect(await main(['query', '--limit', 'lots', 'x'], io().io)).toBe(2);
  });

  it('talks to an engine already running on the folder instead of failing on the lock', async () => {
    const data = tempDir();
    const engine = await Engine.open({ dataDir: data, defaultZone: 'UTC' });
    const host = await startHttpHost(engine, {});
    writeEngineFile(data, { pid: process.pid, port: host.port, token: host.token, startedAt: Date.now() });
    cleanups.push(async () => {
      removeEngineFile(data);
      await host.close();
      await engine.close();
    });
    const file = writeFile(tempDir(), 'access.log', nginxLines(12).join('\n'));
    const a = io();
    expect(await main(['import', '--data', data, file], a.io)).toBe(0);
    expect(a.err[0]).toMatch(/using the LogScope engine already running/);
    const c = io();
    expect(await main(['query', '--data', data, '--count', ''], c.io)).toBe(0);
    expect(c.out).toEqual(['12']);
  });
});

describe('time arguments', () => {
  const now = Date.UTC(2024, 0, 10, 12);
  it('reads relative, absolute and epoch forms', () => {
    expect(parseTimeArg('15m', now)).toBe(now - 15 * 60e3);
    expect(parseTimeArg('now-2h', now)).toBe(now - 2 * 3600e3);
    expect(parseTimeArg('2024-01-01T00:00:00Z', now)).toBe(Date.UTC(2024, 0, 1));
    expect(parseTimeArg('1704067200000', now)).toBe(Date.UTC(2024, 0, 1));
  });
  it('says what it could not read', () => {
    expect(() => parseTimeArg('yesterday-ish', now)).toThrow(/cannot read the time "yesterday-ish"/);
  });
});
