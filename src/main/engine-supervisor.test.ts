import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessagePortMain } from 'electron';
import { EngineSupervisor, type GiveUpInfo, type SupervisorOptions } from './engine-supervisor';
import { FakeEngine, flush, type FakePort } from './fake-electron';
import { MAX_PATHS } from '../shared/engine-messages';

const policy = { backoffMs: [1_000, 2_000, 4_000], maxCrashes: 4, stableMs: 60_000, readyTimeoutMs: 30_000 };

function setup(overrides: Partial<SupervisorOptions> = {}) {
  const timeline: string[] = [];
  const engines: FakeEngine[] = [];
  const ready = vi.fn();
  const notify = vi.fn();
  const gaveUp: GiveUpInfo[] = [];
  const logs: string[] = [];
  let ports = 0;
  const supervisor = new EngineSupervisor({
    fork: () => {
      const engine = new FakeEngine(timeline);
      engines.push(engine);
      return engine;
    },
    createChannel: () => {
      const n = ++ports;
      return {
        port1: { name: `port1#${n}` } as unknown as MessagePortMain,
        port2: { name: `port2#${n}` } as unknown as MessagePortMain,
      };
    },
    onReady: ready,
    onNotify: notify,
    onGiveUp: (info) => gaveUp.push(info),
    policy,
    log: (message) => logs.push(message),
    ...overrides,
  });
  const last = () => engines.at(-1)!;
  return { supervisor, engines, last, ready, notify, gaveUp, logs, timeline };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('EngineSupervisor: start and connect', () => {
  it('forks once and reports ready only when the engine says so', () => {
    const t = setup();
    t.supervisor.start();
    t.supervisor.start();
    expect(t.engines).toHaveLength(1);
    expect(t.supervisor.state).toBe('starting');
    expect(t.ready).not.toHaveBeenCalled();
    t.last().say({ type: 'ready' });
    expect(t.supervisor.state).toBe('ready');
    expect(t.ready).toHaveBeenCalledTimes(1);
  });

  it('connect() sends port1 to the engine with {type: connect} and returns port2 for the window', () => {
    const t = setup();
    t.supervisor.start();
    expect(t.supervisor.connect()).toBeNull(); // not ready yet
    t.last().say({ type: 'ready' });
    const port = t.supervisor.connect() as unknown as FakePort;
    expect(port.name).toBe('port2#1');
    expect(t.last().received).toEqual([{ message: { type: 'connect' }, transfer: [{ name: 'port1#1' }] }]);
  });

  it('passes notifications through and ignores (and logs) messages it does not know', () => {
    const t = setup();
    t.supervisor.start();
    t.last().say({ type: 'notify', title: 'Alert fired', body: 'errors > 10/min' });
    t.last().say({ type: 'notify', title: 42 });
    t.last().say('ready');
    t.last().say({ type: 'rm -rf' });
    expect(t.notify).toHaveBeenCalledTimes(1);
    expect(t.notify).toHaveBeenCalledWith({ title: 'Alert fired', body: 'errors > 10/min', topic: 'alert' });
    expect(t.logs.filter((l) => l.includes('unknown control message'))).toHaveLength(3);
    expect(t.supervisor.state).toBe('starting');
  });

  it('holds imports until the engine is ready, then sends them in one message', () => {
    const t = setup();
    t.supervisor.importFiles(['/a.log']);
    t.supervisor.start();
    t.supervisor.importFiles(['/b.log']);
    expect(t.last().sent('import')).toEqual([]);
    t.last().say({ type: 'ready' });
    expect(t.last().sent('import')).toEqual([{ type: 'import', paths: ['/a.log', '/b.log'] }]);
    t.supervisor.importFiles(['/c.log']);
    expect(t.last().sent('import').at(-1)).toEqual({ type: 'import', paths: ['/c.log'] });
  });
});

describe('EngineSupervisor: alerts, settings, follow and large imports', () => {
  it('passes the open-alert count and the shell settings on', () => {
    const alerts: number[] = [];
    const settings: unknown[] = [];
    const t = setup({ onAlerts: (n) => alerts.push(n), onSettings: (s) => settings.push(s) });
    t.supervisor.start();
    t.last().say({ type: 'ready' });
    t.last().say({ type: 'alerts', open: 4 });
    t.last().say({ type: 'alerts', open: -4 });
    const notifications = { enabled: true, doNotDisturb: true, imports: true, receivers: true };
    t.last().say({ type: 'settings', theme: 'dark', notifications });
    expect(alerts).toEqual([4]);
    expect(settings).toEqual([{ theme: 'dark', notifications }]);
  });

  it('holds files to follow until ready, like imports', () => {
    const t = setup();
    t.supervisor.start();
    t.supervisor.followFiles(['/var/log/syslog']);
    expect(t.last().sent('follow')).toEqual([]);
    t.last().say({ type: 'ready' });
    expect(t.last().sent('follow')).toEqual([{ type: 'follow', paths: ['/var/log/syslog'] }]);
  });

  it('a huge hand-over (25,000 files) becomes three import jobs, not 25,000', () => {
    const t = setup();
    t.supervisor.start();
    t.last().say({ type: 'ready' });
    const paths = Array.from({ length: 25_000 }, (_, i) => `/logs/f${i}.log`);
    t.supervisor.importFiles(paths);
    const sent = t.last().sent('import');
    expect(sent.map((m) => m.paths.length)).toEqual([MAX_PATHS, MAX_PATHS, 5_000]);
    expect(sent.flatMap((m) => m.paths)).toEqual(paths);
  });
});

describe('EngineSupervisor: crashes', () => {
  it('restarts with growing back-off, not before the delay is up', () => {
    const t = setup();
    t.supervisor.start();
    t.last().say({ type: 'ready' });

    t.last().crash(1);
    expect(t.supervisor.state).toBe('restarting');
    vi.advanceTimersByTime(999);
    expect(t.engines).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(t.engines).toHaveLength(2);

    t.last().crash(1);
    vi.advanceTimersByTime(1_999);
    expect(t.engines).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(t.engines).toHaveLength(3);

    t.last().crash(1);
    vi.advanceTimersByTime(3_999);
    expect(t.engines).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(t.engines).toHaveLength(4);
  });

  it('reports ready again after a restart, so the window gets a new port', () => {
    const t = setup();
    t.supervisor.start();
    t.last().say({ type: 'ready' });
    t.last().crash(139);
    vi.advanceTimersByTime(1_000);
    t.last().say({ type: 'ready' });
    expect(t.ready).toHaveBeenCalledTimes(2);
    expect((t.supervisor.connect() as unknown as FakePort).name).toBe('port2#1');
    expect(t.engines[0]!.received).toEqual([]);
    expect(t.last().sent('connect')).toHaveLength(1);
  });

  it('gives up after maxCrashes in a row, says so once, and stays down', () => {
    const t = setup();
    t.supervisor.start();
    for (let i = 0; i < policy.maxCrashes; i++) {
      t.last().crash(134);
      vi.advanceTimersByTime(10_000);
    }
    expect(t.engines).toHaveLength(policy.maxCrashes);
    expect(t.supervisor.state).toBe('gave-up');
    expect(t.gaveUp).toEqual([{ crashes: policy.maxCrashes, lastExitCode: 134 }]);
    vi.advanceTimersByTime(10 * 60_000);
    expect(t.engines).toHaveLength(policy.maxCrashes);
  });

  it('retry() after giving up starts again with a fresh count', () => {
    const t = setup();
    t.supervisor.start();
    for (let i = 0; i < policy.maxCrashes; i++) {
      t.last().crash(1);
      vi.advanceTimersByTime(10_000);
    }
    t.supervisor.retry();
    expect(t.engines).toHaveLength(policy.maxCrashes + 1);
    t.last().crash(1);
    expect(t.supervisor.state).toBe('restarting'); // crash 1 of a new run, not give-up
  });

  it('a crash after a long healthy run starts a fresh count (first back-off delay)', () => {
    const t = setup();
    t.supervisor.start();
    t.last().crash(1);
    vi.advanceTimersByTime(1_000);
    t.last().crash(1);
    vi.advanceTimersByTime(2_000);
    t.last().say({ type: 'ready' });
    vi.advanceTimersByTime(policy.stableMs);
    t.last().crash(1);
    vi.advanceTimersByTime(1_000);
    expect(t.engines).toHaveLength(4);
  });

  it('kills a start that never becomes ready and counts it as a crash', async () => {
    const t = setup();
    t.supervisor.start();
    vi.advanceTimersByTime(policy.readyTimeoutMs);
    expect(t.engines[0]!.killed).toBe(true);
    await flush(); // the fake's exit arrives asynchronously, like the real one
    expect(t.supervisor.state).toBe('restarting');
    vi.advanceTimersByTime(1_000);
    expect(t.engines).toHaveLength(2);
  });

  it('treats a fork that throws as a crash', () => {
    let fail = true;
    const engines: FakeEngine[] = [];
    const t = setup({
      fork: () => {
        if (fail) throw new Error('ENOENT utility.js');
        const engine = new FakeEngine([]);
        engines.push(engine);
        return engine;
      },
    });
    t.supervisor.start();
    expect(t.supervisor.state).toBe('restarting');
    expect(t.logs.some((l) => l.includes('ENOENT utility.js'))).toBe(true);
    fail = false;
    vi.advanceTimersByTime(1_000);
    expect(engines).toHaveLength(1);
  });

  it('ignores events from an engine that has already been replaced', () => {
    const t = setup();
    t.supervisor.start();
    const first = t.last();
    first.crash(1);
    vi.advanceTimersByTime(1_000);
    first.say({ type: 'ready' });
    first.crash(1);
    expect(t.ready).not.toHaveBeenCalled();
    expect(t.supervisor.state).toBe('starting');
  });
});

describe('EngineSupervisor: stop', () => {
  it('asks the engine to shut down and resolves when it answers closed; no restart follows', async () => {
    const t = setup();
    t.supervisor.start();
    t.last().say({ type: 'ready' });
    const outcome = t.supervisor.stop(5_000);
    expect(t.last().sent('shutdown')).toHaveLength(1);
    await expect(outcome).resolves.toBe('closed');
    expect(t.timeline).toEqual(['engine:shutdown', 'engine:closed']);
    vi.advanceTimersByTime(60_000);
    expect(t.engines).toHaveLength(1);
    expect(t.supervisor.state).toBe('stopped');
  });

  it('kills the engine when it does not close in time', async () => {
    const t = setup();
    t.supervisor.start();
    t.last().say({ type: 'ready' });
    t.last().answersShutdown = false;
    const outcome = t.supervisor.stop(5_000);
    vi.advanceTimersByTime(4_999);
    expect(t.last().killed).toBe(false);
    vi.advanceTimersByTime(1);
    await expect(outcome).resolves.toBe('killed');
    expect(t.last().killed).toBe(true);
    await flush();
    vi.advanceTimersByTime(60_000);
    expect(t.engines).toHaveLength(1);
  });

  it('an exit during shutdown is not a crash', async () => {
    const t = setup();
    t.supervisor.start();
    t.last().say({ type: 'ready' });
    t.last().answersShutdown = false;
    const outcome = t.supervisor.stop(5_000);
    t.last().crash(0);
    await expect(outcome).resolves.toBe('exited');
    vi.advanceTimersByTime(60_000);
    expect(t.engines).toHaveLength(1);
  });

  it('stopping while waiting to restart cancels the restart', async () => {
    const t = setup();
    t.supervisor.start();
    t.last().crash(1);
    await expect(t.supervisor.stop(5_000)).resolves.toBe('not-running');
    vi.advanceTimersByTime(60_000);
    expect(t.engines).toHaveLength(1);
  });

  it('a second stop() waits for the same shutdown', async () => {
    const t = setup();
    t.supervisor.start();
    t.last().say({ type: 'ready' });
    const [a, b] = [t.supervisor.stop(5_000), t.supervisor.stop(5_000)];
    await expect(Promise.all([a, b])).resolves.toEqual(['closed', 'closed']);
    expect(t.last().sent('shutdown')).toHaveLength(1);
  });
});
