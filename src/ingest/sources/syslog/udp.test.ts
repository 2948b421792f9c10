import { afterEach, describe, expect, it } from 'vitest';
import { MemorySink, waitUntil } from '../testing/memory-sink';
import { createSyslogUdpReceiver, type SyslogUdpReceiver } from './udp';
import { PYTHON, run, sendUdp } from './testing';

let receiver: SyslogUdpReceiver | null = null;
afterEach(async () => {
  await receiver?.stop();
  receiver = null;
});

async function start(sink: MemorySink, extra: Record<string, unknown> = {}): Promise<SyslogUdpReceiver> {
  receiver = createSyslogUdpReceiver({ port: 0, timeZone: 'Asia/Kolkata', flushMs: 5, ...extra }, sink);
  await receiver.start();
  return receiver;
}

/** Whole seconds around now, as RFC 3164 stamps have them. */
function around(t0: number, t1: number): [number, number] {
  return [Math.floor(t0 / 1000) * 1000, t1];
}

describe('syslog UDP receiver', () => {
  it('refuses a non-loopback address without allowRemote, and bad config, saying what is wrong', () => {
    const sink = new MemorySink();
    expect(() => createSyslogUdpReceiver({ host: '0.0.0.0', port: 0 }, sink)).toThrow(
      /host: syslog over UDP has no authentication.*allowRemote: true/,
    );
    expect(() => createSyslogUdpReceiver({ port: 70000 }, sink)).toThrow(/syslog UDP receiver config: port:/);
    expect(() => createSyslogUdpReceiver({ port: 0, bogus: 1 } as never, sink)).toThrow(/bogus/);
    expect(() => createSyslogUdpReceiver({ host: '::1', port: 0 }, sink)).not.toThrow();
    expect(() => createSyslogUdpReceiver({ host: '0.0.0.0', port: 0, allowRemote: true }, sink)).not.toThrow();
  });

  it('fails to start on a port in use, saying so', async () => {
    const sink = new MemorySink();
    const first = await start(sink);
    const second = createSyslogUdpReceiver({ port: first.port }, sink);
    await expect(second.start()).rejects.toThrow(
      new RegExp(`cannot listen on udp 127.0.0.1:${first.port}: .*EADDRINUSE`),
    );
    expect(second.status()).toMatchObject({ state: 'failed', error: expect.stringMatching(/EADDRINUSE/) });
    await second.stop();
  });

  it('stores what logger sends, RFC 5424 and RFC 3164, with time, level, host, app and fields', async () => {
    const sink = new MemorySink();
    const r = await start(sink);
    expect(r.status()).toMatchObject({ state: 'running', kind: 'syslog', address: `udp://127.0.0.1:${r.port}` });
    const port = String(r.port);
    const t0 = Date.now();
    // logger writes RFC 3164 stamps in its local zone: the receiver reads them in the same one.
    const env = { TZ: 'Asia/Kolkata' };
    await run(
      'logger',
      [
        '--rfc5424',
        '-n',
        '127.0.0.1',
        '-P',
        port,
        '-d',
        '-t',
        'app5424',
        '-p',
        'local3.warning',
        '--sd-id',
        'zoo@123',
        '--sd-param',
        'tiger="hungry"',
        '--sd-param',
        'zebra="striped"',
        '--msgid',
        'M1',
        'hello 5424',
      ],
      env,
    );
    await run(
      'logger',
      ['--rfc3164', '-n', '127.0.0.1', '-P', port, '-d', '-t', 'app3164', '--id=4242', '-p', 'user.err', 'hello 3164'],
      env,
    );
    const t1 = Date.now();
    const [a, b] = await sink.waitFor(2);
    const hostname = (await run('hostname', [])).trim().split('.')[0];

    expect(a).toMatchObject({
      level: 'warn',
      app: 'app5424',
      message: 'hello 5424',
      format: 'syslog_rfc5424',
      parseError: null,
    });
    expect(a!.host!.split('.')[0]).toBe(hostname);
    expect(a!.ts).toBeGreaterThanOrEqual(t0 - 1);
    expect(a!.ts).toBeLessThanOrEqual(t1);
    expect(a!.fields).toMatchObject({
      facility: 'local3',
      severity: 'warning',
      msgid: 'M1',
      'zoo@123.tiger': 'hungry',
      'zoo@123.zebra': 'striped',
      'timeQuality.tzKnown': '1',
    });
    expect(a!.source).toEqual({ name: 'syslog-udp', kind: 'syslog', format: null });

    expect(b).toMatchObject({
      level: 'error',
      app: 'app3164',
      message: 'hello 3164',
      format: 'syslog_rfc3164',
      parseError: null,
    });
    expect(b!.host!.split('.')[0]).toBe(hostname);
    const [lo, hi] = around(t0, t1);
    expect(b!.ts).toBeGreaterThanOrEqual(lo);
    expect(b!.ts).toBeLessThanOrEqual(hi);
    expect(b!.fields).toEqual({ facility: 'user', severity: 'err', pid: 4242 });
    expect(a!.line).toBe(1);
    expect(b!.line).toBe(2);
    await waitUntil(() => r.status().stored === 2, 'stored count');
    expect(r.status()).toMatchObject({ received: 2, stored: 2, dropped: 0, rejected: 0 });
  });

  it("stores Python's SysLogHandler over UDP, with the sender as host when asked to keep it", async () => {
    const sink = new MemorySink();
    const r = await start(sink, { senderAddress: true });
    const script = `
import logging, logging.handlers, socket, sys
h = logging.handlers.SysLogHandler(address=('127.0.0.1', int(sys.argv[1])), facility=logging.handlers.SysLogHandler.LOG_LOCAL1, socktype=socket.SOCK_DGRAM)
h.ident = 'pyapp: '
log = logging.getLogger('t'); log.addHandler(h); log.setLevel(logging.DEBUG)
log.debug('debug line'); log.info('info line'); log.warning('warn line'); log.error('error line'); log.critical('critical line')
h.close()`;
    const t0 = Date.now();
    await run(PYTHON, ['-c', script, String(r.port)]);
    const recs = await sink.waitFor(5);
    expect(recs.map((x) => [x.level, x.fields!.severity, x.message])).toEqual([
      ['debug', 'debug', 'debug line'],
      ['info', 'info', 'info line'],
      ['warn', 'warning', 'warn line'],
      ['error', 'err', 'error line'],
      ['fatal', 'crit', 'critical line'],
    ]);
    for (const x of recs) {
      // No stamp and no host in what Python sends: the sender's address, the time of arrival.
      expect(x).toMatchObject({ host: '127.0.0.1', app: 'pyapp', format: 'syslog_rfc3164', parseError: null });
      expect(x.fields!.facility).toBe('local1');
      expect(x.ts).toBeGreaterThanOrEqual(t0);
    }
  });

  it('stores bad PRIs raw and marked, never drops them', async () => {
    const sink = new MemorySink();
    const r = await start(sink, { senderAddress: true });
    await sendUdp(r.port, ['no pri here', '<999>too big', '<x>nan', '<13>1 2024-01-02T03:04:05Z h a - - - ok']);
    const recs = await sink.waitFor(4);
    expect(recs.map((x) => [x.message, x.format, x.parseError === null])).toEqual([
      ['no pri here', 'raw', false],
      ['<999>too big', 'raw', false],
      ['<x>nan', 'raw', false],
      ['ok', 'syslog_rfc5424', true],
    ]);
    expect(recs[1]!.parseError).toMatch(/PRI 999 is out of range/);
    expect(recs[0]!.host).toBe('127.0.0.1');
    expect(r.status().detail.socketReader).toBe('events');
  });

  it('leaves host empty for a message that names none, unless senderAddress is on', async () => {
    const sink = new MemorySink();
    const r = await start(sink);
    await sendUdp(r.port, ['<14>myapp: no host here']);
    const [rec] = await sink.waitFor(1);
    expect(rec).toMatchObject({ host: null, app: 'myapp', message: 'no host here' });
    expect(r.status().detail.socketReader).toBe(process.platform === 'linux' ? 'read-loop' : 'events');
  });

  it.skipIf(process.platform !== 'linux')(
    'keeps receiving after a quiet spell, when its read loop has rested',
    async () => {
      const sink = new MemorySink();
      const r = await start(sink);
      await sendUdp(r.port, ['<14>a: before']);
      await sink.waitFor(1);
      await waitUntil(() => r.status().detail.socketResting, 'the read loop to rest');
      await sendUdp(r.port, ['<14>a: after one', '<14>a: after two']);
      await sink.waitFor(3);
      expect(sink.records.map((x) => x.message)).toEqual(['before', 'after one', 'after two']);
      if (process.platform === 'linux')
        await waitUntil(() => r.status().detail.socketResting, 'the read loop to rest again');
    },
  );

  it('stores a datagram as large as UDP allows', async () => {
    const sink = new MemorySink();
    const r = await start(sink);
    const body = 'x'.repeat(65_507 - 40);
    await sendUdp(r.port, [`<13>Jan  2 03:04:05 host app: ${body}`]);
    const [rec] = await sink.waitFor(1);
    expect(rec!.message).toBe(body);
  });

  it('while the sink is full, holds what its buffer takes and counts the rest as dropped', async () => {
    const sink = new MemorySink();
    sink.setFull(true);
    // A buffer of ~2 KiB holds 20 of these 90-byte datagrams (with their 6-byte headers).
    const r = await start(sink, { maxBufferedBytes: 2048 });
    const msgs = Array.from(
      { length: 60 },
      (_, i) => `<13>Jan  2 03:04:05 host app: message number ${String(i).padStart(4, '0')} ${'p'.repeat(40)}`,
    );
    await sendUdp(r.port, msgs);
    await waitUntil(() => r.status().received === 60, 'all datagrams received by the socket');
    await waitUntil(
      () => r.status().detail.bufferDropped > 0 && r.status().detail.bufferDropped === r.status().dropped,
      'drops counted',
    );
    expect(sink.records.length).toBe(0);
    sink.setFull(false);
    const kept = 60 - r.status().detail.bufferDropped;
    await sink.waitFor(kept);
    await waitUntil(() => r.status().stored === kept, 'stored count');
    const s = r.status();
    expect(s.stored + s.detail.bufferDropped).toBe(60);
    expect(s.detail.bufferDropped).toBeGreaterThanOrEqual(30);
    expect(s.detail.kernelDropped).toBe(0);
    expect(s.detail.kernelDropScope).toBe('socket');
    // The first ones were kept, in order.
    expect(sink.records.map((x) => x.message)).toEqual(
      msgs.slice(0, kept).map((m) => m.slice('<13>Jan  2 03:04:05 host app: '.length)),
    );
  });

  it('says what the kernel granted for the receive buffer, and commits everything on stop', async () => {
    const sink = new MemorySink();
    const r = await start(sink, { flushMs: 10_000, batchSize: 100_000 });
    await sendUdp(r.port, ['<13>Jan  2 03:04:05 host app: one', '<13>Jan  2 03:04:05 host app: two']);
    await waitUntil(() => r.status().received === 2, 'datagrams received');
    const d = r.status().detail;
    expect(d.recvBufferRequested).toBe(32 * 1024 * 1024);
    expect(d.recvBufferGranted).toBeGreaterThan(0);
    if (d.recvBufferMax !== null)
      expect(d.recvBufferGranted).toBeLessThanOrEqual(Math.max(2 * d.recvBufferMax, 2 * 32 * 1024 * 1024));
    await r.stop();
    expect(sink.records.map((x) => x.message)).toEqual(['one', 'two']);
    expect(r.status()).toMatchObject({ state: 'stopped', stored: 2 });
  });
});
