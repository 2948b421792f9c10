import { randomBytes } from 'node:crypto';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveSource } from '../sink';
import { MemorySink, waitUntil } from '../testing/memory-sink';
import { PYTHON, run, sendTcp, sendUdp } from '../syslog/testing';
import { createGelfTcpReceiver } from './tcp';
import { createGelfUdpReceiver, type GelfUdpConfig, type GelfUdpReceiver } from './udp';

const started: LiveSource[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
});

async function udpReceiver(sink: MemorySink, extra: Partial<GelfUdpConfig> = {}): Promise<GelfUdpReceiver> {
  const r = createGelfUdpReceiver({ port: 0, flushMs: 5, ...extra }, sink);
  await r.start();
  started.push(r);
  return r;
}

/** Splits a payload into GELF chunks of at most `size` bytes of data each. */
function chunked(payload: Buffer, size: number, id = randomBytes(8)): Buffer[] {
  const count = Math.ceil(payload.length / size);
  return Array.from({ length: count }, (_, seq) =>
    Buffer.concat([
      Buffer.from([0x1e, 0x0f]),
      id,
      Buffer.from([seq, count]),
      payload.subarray(seq * size, (seq + 1) * size),
    ]),
  );
}

describe('GELF UDP receiver', () => {
  it('refuses a non-loopback address without allowRemote', () => {
    expect(() => createGelfUdpReceiver({ host: '0.0.0.0' }, new MemorySink())).toThrow(
      /GELF over UDP has no authentication/,
    );
  });

  it('stores plain, gzip and zlib messages, and chunked gzip ones reassembled out of order', async () => {
    const sink = new MemorySink();
    const r = await udpReceiver(sink);
    const msg = (n: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        version: '1.1',
        host: 'gelf-host',
        short_message: n,
        timestamp: 1700000000.25,
        level: 4,
        _app: 'gelfapp',
        ...extra,
      });
    await sendUdp(r.port, [Buffer.from(msg('plain')), gzipSync(msg('gzip')), deflateSync(msg('zlib'))]);
    await sink.waitFor(3);
    // A big message (random hex compresses only about half), gzip, in several chunks sent in reverse.
    const big = randomBytes(30_000).toString('hex');
    const chunks = chunked(gzipSync(msg('chunked', { _blob: big })), 4000);
    expect(chunks.length).toBeGreaterThan(4);
    await sendUdp(r.port, chunks.reverse());
    const recs = await sink.waitFor(4);
    expect(recs.map((x) => x.message)).toEqual(['plain', 'gzip', 'zlib', 'chunked']);
    for (const x of recs) {
      expect(x).toMatchObject({
        ts: 1700000000250,
        level: 'warn',
        host: 'gelf-host',
        app: 'gelfapp',
        format: 'gelf',
        parseError: null,
      });
      expect(x.source).toEqual({ name: 'gelf-udp', kind: 'gelf', format: 'gelf' });
    }
    expect(recs[3]!.fields!.blob).toBe(big);
    await waitUntil(() => r.status().stored === 4, 'stored count');
    expect(r.status()).toMatchObject({ received: 3 + chunks.length, stored: 4, dropped: 0 });
  });

  it('drops and counts a chunk set that never completes, once it expires', async () => {
    const sink = new MemorySink();
    const r = await udpReceiver(sink, { chunkExpiryMs: 200 });
    const parts = chunked(
      Buffer.from(JSON.stringify({ host: 'h', short_message: 'never whole', _pad: 'p'.repeat(3000) })),
      1000,
    );
    await sendUdp(r.port, parts.slice(0, -1));
    await waitUntil(() => r.status().detail.chunkSetsPending === 1, 'the set to be pending');
    await waitUntil(() => r.status().detail.chunkSetsExpired === 1, 'the set to expire');
    expect(r.status()).toMatchObject({ dropped: 1, stored: 0 });
    expect(r.status().detail.chunkSetsPending).toBe(0);
    // The last chunk, late: it starts a new set, which expires too; nothing half-made is stored.
    await sendUdp(r.port, parts.slice(-1));
    await waitUntil(() => r.status().detail.chunkSetsExpired === 2, 'the late chunk to expire');
    expect(sink.records).toEqual([]);
  });

  it('stores bad payloads raw and marked', async () => {
    const sink = new MemorySink();
    const r = await udpReceiver(sink);
    const gz = gzipSync('{"host":"h","short_message":"x"}');
    await sendUdp(r.port, ['not json', '{"host":"h"}', gz.subarray(0, 12)]);
    const recs = await sink.waitFor(3);
    expect(recs.map((x) => [x.format, x.parseError])).toEqual([
      ['raw', expect.stringMatching(/gelf: not JSON/)],
      ['raw', expect.stringMatching(/short_message is required/)],
      ['raw', expect.stringMatching(/gzip payload is corrupt/)],
    ]);
    expect(recs[0]!.message).toBe('not json');
    expect(Buffer.from(String(recs[2]!.fields!.payload_base64), 'base64')).toEqual(gz.subarray(0, 12));
  });

  it('stores chunked zlib messages from a Python sender', async () => {
    const sink = new MemorySink();
    const r = await udpReceiver(sink);
    const script = `
import json, os, socket, sys, zlib, random
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for n in range(3):
    msg = {'version': '1.1', 'host': 'py-host', 'short_message': 'py %d' % n, 'level': 6, 'timestamp': 1700000001 + n,
           '_application_name': 'pygelf', '_n': n, '_pad': os.urandom(6000).hex()}
    data = zlib.compress(json.dumps(msg).encode())
    mid = os.urandom(8)
    size = 1400
    parts = [data[i:i + size] for i in range(0, len(data), size)]
    for seq, p in enumerate(parts):
        s.sendto(b'\\x1e\\x0f' + mid + bytes([seq, len(parts)]) + p, ('127.0.0.1', port))
`;
    await run(PYTHON, ['-c', script, String(r.port)]);
    const recs = await sink.waitFor(3);
    expect(recs.map((x) => [x.message, x.ts, x.level, x.host, x.app, x.fields!.n])).toEqual([
      ['py 0', 1700000001000, 'info', 'py-host', 'pygelf', 0],
      ['py 1', 1700000002000, 'info', 'py-host', 'pygelf', 1],
      ['py 2', 1700000003000, 'info', 'py-host', 'pygelf', 2],
    ]);
  });
});

describe('GELF TCP receiver', () => {
  it('stores NUL-delimited messages, pretty-printed ones too, and bad ones raw', async () => {
    const sink = new MemorySink();
    const r = createGelfTcpReceiver({ port: 0, flushMs: 5 }, sink);
    await r.start();
    started.push(r);
    const a = JSON.stringify({
      host: 'tcp-host',
      short_message: 'one',
      level: 2,
      timestamp: 1700000000,
      _service: 'svc',
    });
    const b = JSON.stringify({ host: 'tcp-host', short_message: 'two\nlines', level: 7 }, null, 2);
    await sendTcp(r.port, `${a}\u0000${b}\u0000{broken\u0000`);
    const recs = await sink.waitFor(3);
    expect(recs[0]).toMatchObject({
      message: 'one',
      level: 'fatal',
      host: 'tcp-host',
      app: 'svc',
      ts: 1700000000000,
      format: 'gelf',
    });
    expect(recs[1]).toMatchObject({ message: 'two\nlines', level: 'debug', format: 'gelf' });
    expect(recs[2]).toMatchObject({ message: '{broken', format: 'raw', host: '127.0.0.1' });
    expect(recs[2]!.parseError).toMatch(/not JSON/);
    expect(recs[0]!.source).toEqual({ name: 'gelf-tcp', kind: 'gelf', format: 'gelf' });
  });
});
