import { describe, expect, it } from 'vitest';
import { tempDir, writeFile } from '../engine/testing/fixtures';
import { main } from './index';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

const ISSUE_RULE = `{"name": "db refused", "query": "level>=error \\"connection refused\\"", "kind": "threshold",
 "window": "1m", "above": 20, "groupBy": ["host"],
 "notify": ["os", "webhook:http://127.0.0.1:9000/hook"]}`;

describe('logscope alerts (no engine running: the command opens the store)', () => {
  it('adds the rule from the issue as written, lists it, and replays it over imported records', async () => {
    const data = tempDir();
    const dir = tempDir();
    const T0 = Date.UTC(2024, 4, 1, 12);
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) lines.push(JSON.stringify({ ts: new Date(T0 + i * 1000).toISOString(), level: 'error', host: 'db1', msg: 'Connection refused' }));
    for (let i = 0; i < 5; i++) lines.push(JSON.stringify({ ts: new Date(T0 + i * 1000).toISOString(), level: 'error', host: 'db2', msg: 'Connection refused' }));
    const log = writeFile(dir, 'app.ndjson', lines.join('\n') + '\n');
    expect(await main(['import', '--data', data, log], io().io)).toBe(0);

    const file = writeFile(dir, 'rule.json', ISSUE_RULE);
    const add = io();
    expect(await main(['alerts', 'add', '--data', data, file], add.io)).toBe(0);
    expect(add.out[0]).toMatch(/^added .+ {2}db refused$/);

    const rules = io();
    expect(await main(['alerts', 'rules', '--data', data, '--json'], rules.io)).toBe(0);
    expect(rules.out.map((l) => (JSON.parse(l) as { name: string }).name)).toContain('db refused');

    const replay = io();
    expect(await main(['alerts', 'replay', '--data', data, '--from', new Date(T0 - 3_600_000).toISOString(), '--to', new Date(T0 + 3_600_000).toISOString(), '--json', file], replay.io)).toBe(0);
    const episodes = replay.out.map((l) => JSON.parse(l) as { group: unknown; peak: number; start: number; end: number | null });
    expect(episodes.map((e) => [e.group, e.peak])).toEqual([[{ host: 'db1' }, 30]]);
    expect(episodes[0]!.end).not.toBeNull();

    const list = io();
    expect(await main(['alerts', 'list', '--data', data, '--json'], list.io)).toBe(0);
  });

  it('says the file, rule, field and why, with a caret under a query error', async () => {
    const data = tempDir();
    const file = writeFile(tempDir(), 'rules.json', JSON.stringify([
      { name: 'ok', kind: 'threshold', above: 1 },
      { name: 'bad', kind: 'threshold', above: 1, window: '1 minute', query: 'level>=error hots:web1' },
    ]));
    const r = io();
    expect(await main(['alerts', 'add', '--data', data, file], r.io)).toBe(1);
    expect(r.err).toContain(`${file}: rule 2 of 2 "bad": window: "1 minute" is not a duration (write e.g. 30s, 5m, 1h, 1d)`);
    const q = r.err.findIndex((l) => l.includes('query: unknown field "hots"'));
    expect(q).toBeGreaterThan(-1);
    expect(r.err[q + 1]).toBe('    level>=error hots:web1');
    expect(r.err[q + 2]).toBe('                 ^^^^');
  });
});
