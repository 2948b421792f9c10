/**
 * rsyslog as a relay in front of our receivers: logger → rsyslog (imudp) → omfwd to our
 * TCP receiver (octet-counted RFC 5424) and to our UDP receiver (RFC 3164 with
 * rsyslog's high-precision stamps). rsyslog runs with its own config in a temp dir (no
 * imuxsock, no klog), and is killed at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySink, waitUntil } from '../testing/memory-sink';
import { createSyslogTcpReceiver, type SyslogTcpReceiver } from './tcp';
import { createSyslogUdpReceiver, type SyslogUdpReceiver } from './udp';
import { run } from './testing';

const hasRsyslog = await run('rsyslogd', ['-v']).then(
  () => true,
  () => false,
);

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe.skipIf(!hasRsyslog)('rsyslog forwarding to the receivers', () => {
  let dir = '';
  let rsyslog: ChildProcess | null = null;
  let rsyslogPort = 0;
  let stderr = '';
  const tcpSink = new MemorySink();
  const udpSink = new MemorySink();
  let tcp: SyslogTcpReceiver;
  let udp: SyslogUdpReceiver;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'logscope-rsyslog-'));
    tcp = createSyslogTcpReceiver({ port: 0, flushMs: 5, timeZone: 'UTC' }, tcpSink);
    udp = createSyslogUdpReceiver({ port: 0, flushMs: 5, timeZone: 'UTC' }, udpSink);
    await tcp.start();
    await udp.start();
    rsyslogPort = await freeUdpPort();
    writeFileSync(
      join(dir, 'rsyslog.conf'),
      `global(workDirectory="${dir}")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="${rsyslogPort}")
if $programname startswith "rtest" then {
  action(type="omfwd" target="127.0.0.1" port="${tcp.port}" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
  action(type="omfwd" target="127.0.0.1" port="${udp.port}" protocol="udp" template="RSYSLOG_ForwardFormat")
}
`,
    );
    rsyslog = spawn('rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslog.pid')], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, TZ: 'UTC' },
    });
    rsyslog.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // Ready when a probe goes through (rsyslog has no "listening" signal to wait for).
    let probes = 0;
    await waitUntil(
      () => {
        if (tcpSink.records.some((r) => r.app === 'rtest-probe')) return true;
        if (probes++ % 10 === 0)
          void run('logger', ['-n', '127.0.0.1', '-P', String(rsyslogPort), '-d', '-t', 'rtest-probe', 'probe']).catch(
            () => {},
          );
        return false;
      },
      `rsyslog to forward a probe (stderr: ${stderr})`,
      15_000,
    );
  });

  afterAll(async () => {
    rsyslog?.kill('SIGTERM');
    if (rsyslog && rsyslog.exitCode === null) await new Promise((r) => rsyslog!.once('exit', r));
    await tcp?.stop();
    await udp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every message rsyslog forwards over TCP (octet-counted) and UDP, with its header and structured data', async () => {
    const before = { tcp: tcpSink.records.length, udp: udpSink.records.length };
    const t0 = Date.now();
    const lines = Array.from({ length: 20 }, (_, i) => `relayed message ${i}`).join('\n');
    await run(
      'logger',
      [
        '--rfc5424',
        '-n',
        '127.0.0.1',
        '-P',
        String(rsyslogPort),
        '-d',
        '-t',
        'rtest-app',
        '--id=4321',
        '-p',
        'local2.err',
        '--sd-id',
        'relay@1',
        '--sd-param',
        'hop="1"',
        '--msgid',
        'RLY',
      ],
      { TZ: 'UTC' },
      lines,
    );
    const t1 = Date.now();
    const fromTcp = (await tcpSink.waitFor(before.tcp + 20)).slice(before.tcp).filter((r) => r.app === 'rtest-app');
    const fromUdp = (await udpSink.waitFor(before.udp + 20)).slice(before.udp).filter((r) => r.app === 'rtest-app');
    const hostname = (await run('hostname', [])).trim().split('.')[0];
    expect(fromTcp.map((r) => r.message)).toEqual(lines.split('\n'));
    expect(fromUdp.map((r) => r.message)).toEqual(lines.split('\n'));
    for (const r of [...fromTcp, ...fromUdp]) {
      expect(r.level).toBe('error');
      expect(r.host!.split('.')[0]).toBe(hostname);
      expect(r.fields!.facility).toBe('local2');
      expect(r.fields!.pid).toBe(4321);
      expect(r.parseError).toBeNull();
      expect(r.ts).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000);
      expect(r.ts).toBeLessThanOrEqual(t1 + 1);
    }
    // RFC 5424 end to end keeps MSGID and structured data.
    expect(fromTcp[0]!.format).toBe('syslog_rfc5424');
    expect(fromTcp[0]!.fields).toMatchObject({ msgid: 'RLY', 'relay@1.hop': '1' });
    expect(fromUdp[0]!.format).toBe('syslog_rfc3164');
    await waitUntil(() => tcp.status().stored === tcpSink.records.length, 'stored count');
    expect(tcp.status()).toMatchObject({ dropped: 0, rejected: 0 });
  });
});
