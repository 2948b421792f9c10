import { afterEach, describe, expect, it } from 'vitest';
import type { EventData } from '../../shared/protocol';
import { Engine, CallError } from '../engine';
import { tempDir } from '../testing/fixtures';
import { startReceiver, until, type Receiver } from '../testing/webhook-receiver';
import { shippedModelDir } from '../ml/anomaly/model';

const engines: Engine[] = [];
const receivers: Receiver[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  for (const r of receivers.splice(0)) await r.close();
});

async function open(dataDir = tempDir(), anomalyModelDir?: string | null): Promise<Engine> {
  const engine = await Engine.open({ dataDir, defaultZone: 'UTC', modelsDir: null, anomalyModelDir });
  engines.push(engine);
  return engine;
}

describe('alerts in the engine (real DuckDB file, real sockets)', () => {
  it('the rule from the issue fires per host from records sent over HTTP: alertsChanged, alertNotice and the webhook', async () => {
    const hook = await startReceiver();
    receivers.push(hook);
    const engine = await open();
    const changes: Array<EventData<'alertsChanged'>> = [];
    const notices: Array<EventData<'alertNotice'>> = [];
    engine.on('alertsChanged', (d) => changes.push(d));
    engine.on('alertNotice', (n) => notices.push(n));
    const rule = await engine.call('alertRuleSave', {
      rule: {
        name: 'db refused',
        query: 'level>=error "connection refused"',
        kind: 'threshold',
        window: '1m',
        above: 20,
        groupBy: ['host'],
        notify: ['os', `webhook:${hook.url}`],
      },
    });
    const http = await engine.call('liveSourceAdd', { kind: 'http', config: { port: 0 } });
    const now = Date.now();
    const lines = (host: string, n: number, level = 'error') =>
      Array.from({ length: n }, (_, i) => JSON.stringify({ ts: new Date(now + i).toISOString(), level, host, message: `db: Connection refused to 10.0.0.${i}` })).join('\n');
    const post = (body: string) => fetch(`http://127.0.0.1:${http.port}/ingest`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson' } });
    // web2 stays under the threshold; warnings do not count.
    expect((await post([lines('web1', 25), lines('web2', 5), lines('web3', 40, 'warn')].join('\n'))).status).toBeLessThan(300);

    await until(() => changes.some((c) => c.open === 1), 'alertsChanged with one open alert');
    const last = changes.at(-1)!;
    const firing = last.alerts.filter((a) => a.state === 'firing');
    expect(firing.map((a) => a.group)).toEqual([{ host: 'web1' }]);
    expect(firing[0]!.value).toBe(25);
    expect(firing[0]!.query).toBe('level>=error "connection refused" host:"web1"');
    await until(() => notices.length > 0 && hook.received.length > 0, 'the notice and the webhook call');
    expect(notices[0]!.alerts[0]!.rule).toBe('db refused');
    expect(JSON.stringify(JSON.parse(hook.received[0]!.body))).toMatch(/db refused/);

    const list = await engine.call('alertsList', {});
    expect(list.open).toBe(1);
    const acked = await engine.call('alertAck', { id: firing[0]!.id });
    expect(acked.acknowledged).toBe(true);
    expect((await engine.call('alertsList', {})).open).toBe(0);
    const history = await engine.call('alertHistory', { ruleId: rule.id });
    expect(history.events.map((e) => e.to)).toEqual(['acknowledged', 'firing']);
    expect(history.events.every((e) => e.live)).toBe(true);

    // Replay over what is stored: the same episode, for web1 only.
    const replay = await engine.call('alertReplay', { rule: rule.spec, from: now - 600_000, to: now + 600_000 });
    expect(replay.episodes.map((e) => [e.group, e.peak])).toEqual([[{ host: 'web1' }, 25]]);
  });

  it('an anomaly rule fires live: the scores computed at commit are on the records the evaluator counts', async () => {
    const engine = await open(tempDir(), shippedModelDir()!);
    const changes: Array<EventData<'alertsChanged'>> = [];
    engine.on('alertsChanged', (d) => changes.push(d));
    // Score ≥ 0 is any scored record: an unscored one (anomaly null) is never counted.
    await engine.call('alertRuleSave', { rule: { name: 'scored', kind: 'anomaly', query: 'host:web1', score: 0, above: 2, window: '1m' } });
    const http = await engine.call('liveSourceAdd', { kind: 'http', config: { port: 0 } });
    const now = Date.now();
    const body = Array.from({ length: 5 }, (_, i) => JSON.stringify({ ts: new Date(now + i).toISOString(), level: 'error', host: i < 4 ? 'web1' : 'web2', message: `worker ${i} crashed` })).join('\n');
    expect((await fetch(`http://127.0.0.1:${http.port}/ingest`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson' } })).status).toBeLessThan(300);
    await until(() => changes.some((c) => c.open === 1), 'the anomaly alert firing');
    const firing = changes.at(-1)!.alerts.find((a) => a.state === 'firing')!;
    expect([firing.rule, firing.value]).toEqual(['scored', 4]);
    const stored = await engine.store.read('SELECT count(*) AS n FROM logs WHERE anomaly IS NOT NULL');
    expect(Number(stored[0]!.n)).toBe(5);
  });

  it('refuses a bad rule at save with the field, and a query error with its position', async () => {
    const engine = await open();
    const err = await engine.call('alertRuleSave', { rule: { name: 'x', kind: 'threshold', above: 1, query: 'level>=error "open' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallError);
    expect((err as CallError).info.code).toBe('query');
    expect((err as CallError).info.query?.start).toBe(13);
    const check = await engine.call('alertRuleCheck', { rule: { name: 'x', kind: 'threshold', above: 1, query: 'hots:web1', groupBy: ['hots'], windw: '1m' } });
    expect(check.problems.map((p) => p.path).sort()).toEqual(['', 'groupBy.0', 'query']);
    expect(check.problems.find((p) => p.path === 'query')!.message).toMatch(/^unknown field "hots"/);
    expect(check.problems.find((p) => p.path === '')!.message).toMatch(/windw/);
  });

  it('ships suggested rules switched off, and keeps rules across a restart', async () => {
    const dir = tempDir();
    const engine = await open(dir);
    const { rules } = await engine.call('alertRules', {});
    expect(rules.filter((r) => r.builtin).map((r) => [r.spec.name, r.spec.enabled])).toEqual([
      ['Error burst', false],
      ['New error pattern', false],
      ['Source gone silent', false],
    ]);
    const saved = await engine.call('alertRuleSave', { rule: { name: 'quiet', kind: 'silence', window: '10m' } });
    await engine.call('alertRuleSetEnabled', { id: 'builtin:error-burst', enabled: true });
    await engine.close();
    engines.splice(0);
    const again = await open(dir);
    const after = (await again.call('alertRules', {})).rules;
    expect(after.find((r) => r.id === saved.id)!.spec.kind).toBe('silence');
    expect(after.find((r) => r.id === 'builtin:error-burst')!.spec.enabled).toBe(true);
    expect(after.length).toBe(4);
  });
});

describe('an imported file is judged as history', () => {
  it('stores what the rules would have done over the file as events that are not live, and notifies nothing', async () => {
    const hook = await startReceiver();
    receivers.push(hook);
    const engine = await open();
    const notices: Array<EventData<'alertNotice'>> = [];
    engine.on('alertNotice', (n) => notices.push(n));
    const rule = await engine.call('alertRuleSave', {
      rule: { name: 'db refused', query: 'level>=error "connection refused"', kind: 'threshold', window: '1m', above: 20, groupBy: ['host'], notify: ['os', `webhook:${hook.url}`] },
    });
    // Last week: web1 has a burst of 30 at 10:00 and 5 (under the threshold) at 12:00; web2 never reaches 20.
    const day = Date.UTC(2026, 10, 30);
    const at = (h: number, i: number) => new Date(day + h * 3_600_000 + i * 1000).toISOString();
    const lines = [
      ...Array.from({ length: 30 }, (_, i) => JSON.stringify({ ts: at(10, i), level: 'error', host: 'web1', message: `db: connection refused (${i})` })),
      ...Array.from({ length: 5 }, (_, i) => JSON.stringify({ ts: at(12, i), level: 'error', host: 'web1', message: `db: connection refused (${i})` })),
      ...Array.from({ length: 19 }, (_, i) => JSON.stringify({ ts: at(11, i), level: 'error', host: 'web2', message: `db: connection refused (${i})` })),
      ...Array.from({ length: 40 }, (_, i) => JSON.stringify({ ts: at(11, i), level: 'info', host: 'web3', message: `db: connection refused, retried (${i})` })),
    ];
    const file = `${tempDir()}/app.ndjson`;
    (await import('node:fs')).writeFileSync(file, lines.join('\n') + '\n');
    const done = new Promise<void>((r) => engine.on('importProgressed', (p) => p.state !== 'running' && r()));
    await engine.call('importStart', { paths: [file] });
    await done;
    let events = (await engine.call('alertHistory', { ruleId: rule.id })).events;
    for (const end = Date.now() + 15_000; events.length < 2 && Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
      events = (await engine.call('alertHistory', { ruleId: rule.id })).events;
    }
    events.sort((a, b) => a.at - b.at);
    // One episode: firing at the end of the step in which the 21st record lands, resolved once the minute has passed.
    expect(events.map((e) => [e.to, e.group, e.live])).toEqual([
      ['firing', { host: 'web1' }, false],
      ['resolved', { host: 'web1' }, false],
    ]);
    expect(events[0]!.at).toBeGreaterThanOrEqual(day + 10 * 3_600_000);
    expect(events[0]!.at).toBeLessThanOrEqual(day + 10 * 3_600_000 + 30_000);
    expect(events[0]!.value).toBe(30);
    // History changes no current alert and tells no one.
    expect((await engine.call('alertsList', {})).alerts).toEqual([]);
    await new Promise((r) => setTimeout(r, 600)); // past the notifier's grouping window
    expect(notices).toEqual([]);
    expect(hook.received).toEqual([]);
  });
});
