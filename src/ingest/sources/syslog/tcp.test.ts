import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemorySink, waitUntil } from '../testing/memory-sink';
import { createSyslogTcpReceiver, type SyslogTcpConfig, type SyslogTcpReceiver } from './tcp';
import { PYTHON, octetFrame, run, sendTcp } from './testing';

let receiver: SyslogTcpReceiver | null = null;
afterEach(async () => {
  await receiver?.stop();
  receiver = null;
});

async function start(sink: MemorySink, extra: Partial<SyslogTcpConfig> = {}): Promise<SyslogTcpReceiver> {
  receiver = createSyslogTcpReceiver({ port: 0, timeZone: 'UTC', flushMs: 5, ...extra }, sink);
  await receiver.start();
  return receiver;
}

describe('syslog TCP receiver', () => {
  it('refuses a non-loopback address without allowRemote, and requestCert without a CA', () => {
    const sink = new MemorySink();
    expect(() => createSyslogTcpReceiver({ host: '192.0.2.10', port: 0 }, sink)).toThrow(
      /syslog over TCP has no authentication/,
    );
    expect(() =>
      createSyslogTcpReceiver({ port: 0, tls: { certFile: 'c', keyFile: 'k', requestCert: true } }, sink),
    ).toThrow(/tls.caFile: requestCert needs caFile/);
  });

  it('fails to start on a port in use, saying so', async () => {
    const sink = new MemorySink();
    const first = await start(sink);
    const second = createSyslogTcpReceiver({ port: first.port }, sink);
    await expect(second.start()).rejects.toThrow(
      new RegExp(`cannot listen on tcp://127.0.0.1:${first.port}: .*EADDRINUSE`),
    );
    expect(second.status().state).toBe('failed');
    await second.stop();
  });

  it('stores what logger sends over TCP, octet-counted and LF-framed, RFC 5424 and 3164', async () => {
    const sink = new MemorySink();
    const r = await start(sink);
    const port = String(r.port);
    const env = { TZ: 'UTC' };
    const t0 = Date.now();
    await run(
      'logger',
      [
        '-T',
        '--octet-count',
        '--rfc5424',
        '-n',
        '127.0.0.1',
        '-P',
        port,
        '-t',
        'oc5424',
        '-p',
        'daemon.notice',
        '--sd-id',
        'origin@1',
        '--sd-param',
        'ip="10.0.0.1"',
        'counted five',
      ],
      env,
    );
    await run(
      'logger',
      ['-T', '--rfc5424', '-n', '127.0.0.1', '-P', port, '-t', 'lf5424', '-p', 'mail.crit', 'framed five'],
      env,
    );
    await run(
      'logger',
      [
        '-T',
        '--octet-count',
        '--rfc3164',
        '-n',
        '127.0.0.1',
        '-P',
        port,
        '-t',
        'oc3164',
        '--id=77',
        '-p',
        'auth.info',
        'counted three',
      ],
      env,
    );
    await run(
      'logger',
      ['-T', '--rfc3164', '-n', '127.0.0.1', '-P', port, '-t', 'lf3164', '-p', 'local7.debug', 'framed three'],
      env,
    );
    // Several lines from stdin: one message each, over one connection.
    await run(
      'logger',
      ['-T', '--octet-count', '--rfc5424', '-n', '127.0.0.1', '-P', port, '-t', 'stdin', '-p', 'user.warning'],
      env,
      'one\ntwo\nthree\n',
    );
    const t1 = Date.now();
    const recs = await sink.waitFor(7);
    expect(recs.map((x) => [x.app, x.message, x.level, x.fields!.facility, x.format])).toEqual([
      ['oc5424', 'counted five', 'notice', 'daemon', 'syslog_rfc5424'],
      ['lf5424', 'framed five', 'fatal', 'mail', 'syslog_rfc5424'],
      ['oc3164', 'counted three', 'info', 'auth', 'syslog_rfc3164'],
      ['lf3164', 'framed three', 'debug', 'local7', 'syslog_rfc3164'],
      ['stdin', 'one', 'warn', 'user', 'syslog_rfc5424'],
      ['stdin', 'two', 'warn', 'user', 'syslog_rfc5424'],
      ['stdin', 'three', 'warn', 'user', 'syslog_rfc5424'],
    ]);
    const hostname = (await run('hostname', [])).trim().split('.')[0];
    for (const x of recs) {
      expect(x.host!.split('.')[0]).toBe(hostname);
      expect(x.ts).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000);
      expect(x.ts).toBeLessThanOrEqual(t1);
      expect(x.parseError).toBeNull();
      expect(x.source.name).toBe('syslog-tcp');
    }
    expect(recs[0]!.fields!['origin@1.ip']).toBe('10.0.0.1');
    expect(recs[2]!.fields!.pid).toBe(77);
    await waitUntil(() => r.status().stored === 7, 'stored count');
    expect(r.status()).toMatchObject({ received: 7, stored: 7, dropped: 0, rejected: 0 });
    expect(r.status().detail.connectionsTotal).toBe(5);
  });

  it("stores Python's SysLogHandler over TCP (NUL-framed)", async () => {
    const sink = new MemorySink();
    const r = await start(sink);
    const script = `
import logging, logging.handlers, socket, sys
h = logging.handlers.SysLogHandler(address=('127.0.0.1', int(sys.argv[1])), facility=logging.handlers.SysLogHandler.LOG_DAEMON, socktype=socket.SOCK_STREAM)
h.setFormatter(logging.Formatter('pytcp[%(process)d]: %(message)s'))
log = logging.getLogger('t'); log.addHandler(h); log.setLevel(logging.DEBUG)
for i in range(50): log.warning('message %d', i)
log.error('multi\\nline')
h.close()`;
    await run(PYTHON, ['-c', script, String(r.port)]);
    const recs = await sink.waitFor(51);
    expect(recs.slice(0, 50).map((x) => x.message)).toEqual(Array.from({ length: 50 }, (_, i) => `message ${i}`));
    expect(recs[50]).toMatchObject({ message: 'multi\nline', level: 'error', app: 'pytcp', host: '127.0.0.1' });
    expect(recs[0]).toMatchObject({ level: 'warn', app: 'pytcp', host: '127.0.0.1', format: 'syslog_rfc3164' });
    expect(typeof recs[0]!.fields!.pid).toBe('number');
    expect(recs[0]!.fields!.facility).toBe('daemon');
  });

  it('stores a 1 MiB message whole, octet-counted and LF-framed', async () => {
    const sink = new MemorySink();
    const r = await start(sink);
    const head = '<13>1 2024-05-06T07:08:09.5Z big app - - - ';
    const body = 'm'.repeat(1024 * 1024 - head.length);
    await sendTcp(r.port, octetFrame(head + body) + `${head}${body}\n`);
    const recs = await sink.waitFor(2);
    for (const x of recs) {
      expect(x.message.length).toBe(body.length);
      expect(x.message === body).toBe(true);
      expect(x.fields!.truncated).toBeUndefined();
      expect(new Date(x.ts!).toISOString()).toBe('2024-05-06T07:08:09.500Z');
    }
  });

  it('cuts messages over the limit and marks them; the stream goes on after them', async () => {
    const sink = new MemorySink();
    const r = await start(sink, { maxMessageBytes: 4096 });
    const huge = `<13>1 - h app - - - ${'h'.repeat(10_000)}`;
    await sendTcp(
      r.port,
      `${octetFrame(huge)}${octetFrame('<13>1 - h app - - - after counted')}<13>1 - h app - - - ${'l'.repeat(9000)}\n<13>1 - h app - - - after line\n`,
    );
    const recs = await sink.waitFor(4);
    expect(recs[0]!.message.length).toBe(4096 - '<13>1 - h app - - - '.length);
    expect(recs[0]!.fields).toMatchObject({
      truncated: true,
      frame_error: `octet count ${huge.length} is over the limit of 4096 bytes: message cut`,
    });
    expect(recs[1]).toMatchObject({ message: 'after counted' });
    expect(recs[1]!.fields!.truncated).toBeUndefined();
    expect(recs[2]!.fields).toMatchObject({
      truncated: true,
      frame_error: 'no end of message within 4096 bytes: message cut',
    });
    expect(recs[3]).toMatchObject({ message: 'after line' });
    expect(r.status().detail.cut).toBe(2);
  });

  it('keeps what a client sent before it disconnected mid-frame (octet count larger than the frame), marked', async () => {
    const sink = new MemorySink();
    const r = await start(sink);
    await sendTcp(r.port, `${octetFrame('<13>1 - h app - - - whole')}500 <13>1 - h app - - - only part of it`);
    const recs = await sink.waitFor(2);
    expect(recs[0]).toMatchObject({ message: 'whole' });
    expect(recs[1]).toMatchObject({ message: 'only part of it', app: 'app' });
    expect(recs[1]!.fields).toMatchObject({ truncated: true, frame_error: 'connection closed after 35 of 500 octets' });
    // A reset connection too.
    await new Promise<void>((resolve) => {
      const s = connect(r.port, '127.0.0.1', () => {
        s.write('40 <13>1 - h app - - - reset', () => setImmediate(() => s.resetAndDestroy()));
      });
      s.on('close', () => resolve());
      s.on('error', () => {});
    });
    const after = await sink.waitFor(3);
    expect(after[2]).toMatchObject({ message: 'reset' });
    expect(after[2]!.fields!.frame_error).toBe('connection closed after 25 of 40 octets');
  });

  it('stores bad PRIs raw and marked', async () => {
    const sink = new MemorySink();
    const r = await start(sink);
    await sendTcp(r.port, 'no pri\n<200>too high\n<x>what\n');
    const recs = await sink.waitFor(3);
    expect(recs.map((x) => [x.message, x.format])).toEqual([
      ['no pri', 'raw'],
      ['<200>too high', 'raw'],
      ['<x>what', 'raw'],
    ]);
    expect(recs.every((x) => x.parseError !== null)).toBe(true);
  });

  it('pauses its connections while the sink is full, and stores everything after', async () => {
    const sink = new MemorySink();
    sink.setFull(true);
    const r = await start(sink);
    // 20 MB: more than loopback's socket buffers hold, so a receiver that did not pause would have read it all.
    const total = 40_000;
    const payload = Buffer.from(
      Array.from(
        { length: total },
        (_, i) => `<13>1 - h app - - - message ${String(i).padStart(6, '0')} ${'z'.repeat(480)}\n`,
      ).join(''),
    );
    let written = false;
    const client = connect(r.port, '127.0.0.1', () => client.end(payload, () => (written = true)));
    const closed = new Promise((resolve) => client.on('close', resolve));
    await waitUntil(() => r.status().detail.paused, 'the receiver to pause');
    // Paused, the receiver reads nothing more: the client's queue stops moving with most
    // of its 20 MB still in it (a receiver that kept reading would drain it to 0).
    let last = -1;
    let still = 0;
    await waitUntil(() => {
      const queued = client.writableLength;
      still = queued === last ? still + 1 : 0;
      last = queued;
      return still >= 20;
    }, 'the client to stall');
    expect(client.writableLength).toBeGreaterThan(0);
    expect(r.status().received).toBeLessThan(total / 2);
    expect(written).toBe(false);
    sink.setFull(false);
    await sink.waitFor(total, 20_000);
    await closed;
    expect(sink.records.length).toBe(total);
    expect(sink.records[total - 1]!.message.startsWith(`message ${String(total - 1).padStart(6, '0')} `)).toBe(true);
    await waitUntil(() => r.status().stored === total, 'stored count');
    expect(r.status()).toMatchObject({ received: total, stored: total, dropped: 0 });
    expect(r.status().detail.pauses).toBeGreaterThanOrEqual(1);
  });

  describe('over TLS', () => {
    let dir = '';
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'logscope-tls-'));
      const req = (name: string, cn: string) =>
        run('openssl', [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '2',
          '-subj',
          `/CN=${cn}`,
          '-addext',
          'subjectAltName=IP:127.0.0.1,DNS:localhost',
          '-keyout',
          join(dir, `${name}.key`),
          '-out',
          join(dir, `${name}.crt`),
        ]);
      await req('server', 'localhost');
      await req('client', 'a-sender');
      await req('stranger', 'not-trusted');
      writeFileSync(join(dir, 'empty.pem'), '');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    function sendTls(port: number, data: string, cert?: string): Promise<Error | null> {
      return new Promise((resolve) => {
        const opts = {
          port,
          host: '127.0.0.1',
          ca: [readFileSync(join(dir, 'server.crt'))],
          ...(cert
            ? { cert: readFileSync(join(dir, `${cert}.crt`)), key: readFileSync(join(dir, `${cert}.key`)) }
            : {}),
        };
        const s = tlsConnect(opts, () => s.end(data));
        s.on('error', (err) => resolve(err));
        s.on('close', () => resolve(null));
        s.resume();
      });
    }

    it('takes messages over TLS with the given certificate and key', async () => {
      const sink = new MemorySink();
      const r = await start(sink, { tls: { certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key') } });
      expect(r.status().address).toBe(`tls://127.0.0.1:${r.port}`);
      expect(await sendTls(r.port, octetFrame('<13>1 2024-01-01T00:00:00Z tlshost tlsapp - - - secret'))).toBeNull();
      const [rec] = await sink.waitFor(1);
      expect(rec).toMatchObject({ host: 'tlshost', app: 'tlsapp', message: 'secret' });
      expect(rec!.source.name).toBe('syslog-tls');
    });

    it('with requestCert, takes only clients whose certificate the CA signed', async () => {
      const sink = new MemorySink();
      const r = await start(sink, {
        tls: {
          certFile: join(dir, 'server.crt'),
          keyFile: join(dir, 'server.key'),
          caFile: join(dir, 'client.crt'),
          requestCert: true,
        },
      });
      await sendTls(r.port, '<13>1 - h app - - - no certificate\n');
      await sendTls(r.port, '<13>1 - h app - - - wrong certificate\n', 'stranger');
      await waitUntil(() => r.status().detail.connectionErrors >= 2, 'refused handshakes');
      expect(await sendTls(r.port, '<13>1 - h app - - - trusted\n', 'client')).toBeNull();
      await sink.waitFor(1);
      await r.stop();
      expect(sink.records.map((x) => x.message)).toEqual(['trusted']);
      expect(r.status().detail.lastConnectionError).toMatch(/TLS handshake failed/);
    });

    it('says which file it cannot read or use', async () => {
      const sink = new MemorySink();
      await expect(
        start(sink, { tls: { certFile: join(dir, 'missing.crt'), keyFile: join(dir, 'server.key') } }),
      ).rejects.toThrow(/cannot read the TLS certificate .*missing\.crt/);
      await expect(
        start(sink, { tls: { certFile: join(dir, 'empty.pem'), keyFile: join(dir, 'server.key') } }),
      ).rejects.toThrow(/TLS certificate or key is not usable/);
    });
  });
});
