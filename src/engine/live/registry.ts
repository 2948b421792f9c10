/**
 * The kinds of live source the engine can run, each as a factory: its config schema
 * (checked when the source is added, so a wrong port fails there with what and where) and
 * how to build it over the engine's sink. A source kind plugs in by adding one entry here;
 * the manager, the protocol and the Sources view need nothing else.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { LiveSource, RecordSink } from '../../ingest/sources/sink';
import type { FollowOffsets } from '../../ingest/sources/follow/offsets';
import { createFileFollower } from '../../ingest/sources/follow/follower';
import { followConfigSchema } from '../../ingest/sources/follow/config';
import { createGelfTcpReceiver, gelfTcpConfigSchema } from '../../ingest/sources/gelf/tcp';
import { createGelfUdpReceiver, gelfUdpConfigSchema } from '../../ingest/sources/gelf/udp';
import { gelfToRecord } from '../../ingest/sources/gelf/decode';
import { createHttpReceiver } from '../../ingest/sources/http/receiver';
import { httpReceiverConfigSchema } from '../../ingest/sources/http/config';
import type { EngineFigures } from '../../ingest/sources/http/metrics';
import { createSyslogUdpReceiver, syslogUdpConfigSchema } from '../../ingest/sources/syslog/udp';
import { createSyslogTcpReceiver, syslogTcpConfigSchema } from '../../ingest/sources/syslog/tcp';
import type { IngestRecord } from '../../ingest/record';
import type { LiveKind } from '../../shared/protocol';

/** What the engine lends a source beyond the sink. */
export interface FactoryContext {
  /** Problems that are the receiver's, not a sender's (a store error). */
  log: (message: string) => void;
  /** Writer figures for a receiver's own /health and /metrics. */
  engineFigures: () => EngineFigures;
  /** Followed files' read offsets, stored with their rows. */
  fileOffsets: FollowOffsets | null;
}

/** Where a source will listen or what it follows, known before it starts. */
export interface SourcePlace {
  address: string;
  host: string | null;
  port: number | null;
  token: string | null;
}

export interface LiveSourceFactory<S extends z.ZodType = z.ZodType> {
  kind: LiveKind;
  configSchema: S;
  /** The id a source of this kind gets when the caller names none (one receiver per kind; one entry per path). */
  idFor(config: z.output<S>): string;
  place(config: z.output<S>): SourcePlace;
  create(config: z.output<S>, sink: RecordSink, ctx: FactoryContext): LiveSource;
}

export type FactoryRegistry = ReadonlyMap<LiveKind, LiveSourceFactory>;

/** Typed helper: the schema's output is what `create` gets. */
export function defineFactory<S extends z.ZodType>(f: LiveSourceFactory<S>): LiveSourceFactory {
  return f as unknown as LiveSourceFactory;
}

/** "udp://127.0.0.1:5514", with brackets for IPv6. */
export function formatListen(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

const network = (scheme: string, c: { host: string; port: number }, token: string | null = null): SourcePlace => ({
  address: formatListen(scheme, c.host, c.port),
  host: c.host,
  port: c.port,
  token,
});

/** The HTTP receiver's `POST /gelf` reads GELF as the UDP and TCP receivers do. */
function decodeGelfObject(obj: unknown): IngestRecord {
  const r = gelfToRecord(obj, 0);
  if (!r.ok) throw new Error(r.error);
  return r.record;
}

export const builtinFactories: FactoryRegistry = new Map<LiveKind, LiveSourceFactory>([
  [
    'http',
    defineFactory({
      kind: 'http',
      configSchema: httpReceiverConfigSchema,
      idFor: () => 'http',
      place: (c) => network('http', c, c.token ?? null),
      create: (c, sink, ctx) =>
        createHttpReceiver(c, sink, { log: ctx.log, engineFigures: ctx.engineFigures, decodeGelf: decodeGelfObject }),
    }),
  ],
  [
    'syslog-udp',
    defineFactory({
      kind: 'syslog-udp',
      configSchema: syslogUdpConfigSchema,
      idFor: () => 'syslog-udp',
      place: (c) => network('udp', c),
      create: (c, sink) => createSyslogUdpReceiver(c, sink),
    }),
  ],
  [
    'syslog-tcp',
    defineFactory({
      kind: 'syslog-tcp',
      configSchema: syslogTcpConfigSchema,
      idFor: () => 'syslog-tcp',
      place: (c) => network(c.tls ? 'tls' : 'tcp', c),
      create: (c, sink) => createSyslogTcpReceiver(c, sink),
    }),
  ],
  [
    'gelf-udp',
    defineFactory({
      kind: 'gelf-udp',
      configSchema: gelfUdpConfigSchema,
      idFor: () => 'gelf-udp',
      place: (c) => network('udp', c),
      create: (c, sink) => createGelfUdpReceiver(c, sink),
    }),
  ],
  [
    'gelf-tcp',
    defineFactory({
      kind: 'gelf-tcp',
      configSchema: gelfTcpConfigSchema,
      idFor: () => 'gelf-tcp',
      place: (c) => network(c.tls ? 'tls' : 'tcp', c),
      create: (c, sink) => createGelfTcpReceiver(c, sink),
    }),
  ],
  [
    'follow',
    defineFactory({
      kind: 'follow',
      configSchema: followConfigSchema,
      // One entry per set of paths, by their absolute form: following a path twice replaces it.
      idFor: (c) => `follow:${c.paths.map((p) => resolve(p)).join(',')}`,
      place: (c) => ({ address: c.paths.map((p) => resolve(p)).join(', '), host: null, port: null, token: null }),
      create: (c, sink, ctx) => {
        if (!ctx.fileOffsets) throw new Error('following files needs the store for read offsets');
        return createFileFollower(c, sink, ctx.fileOffsets);
      },
    }),
  ],
]);
