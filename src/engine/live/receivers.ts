/**
 * The receivers `logscope serve` starts, from its flags: one port per receiver (0: off),
 * one address they all listen on, followed paths. Loopback is the default; any other
 * address needs a token for HTTP (generated once and kept in the data folder, mode 0600)
 * and `allowRemote` for syslog and GELF, which carry no credentials at all.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_HTTP_PORT, isLoopback } from '../../ingest/sources/http/config';
import { DEFAULT_PORTS } from '../../ingest/sources/syslog/listen';
import type { LiveKind } from '../../shared/protocol';
import type { LiveSpec } from './manager';

export const DEFAULT_RECEIVER_PORTS = {
  http: DEFAULT_HTTP_PORT,
  syslogUdp: DEFAULT_PORTS.syslogUdp,
  syslogTcp: DEFAULT_PORTS.syslogTcp,
  gelfUdp: DEFAULT_PORTS.gelfUdp,
} as const;

export interface ReceiverPlan {
  /** Address every receiver listens on. */
  listen: string;
  /** HTTP senders must present it; required when `listen` is not loopback. */
  token: string | null;
  /** Ports; 0 turns that receiver off. */
  http: number;
  syslogUdp: number;
  syslogTcp: number;
  gelfUdp: number;
  follow: string[];
}

export const RECEIVER_TOKEN_FILE = 'receiver-token';

/** True for addresses no other machine can reach. */
export function isLoopbackAddress(host: string): boolean {
  return isLoopback(host.replace(/^\[|\]$/g, ''));
}

/** The specs to start, in a stable order (the receivers, then followed files). */
export function receiverSpecs(plan: ReceiverPlan): LiveSpec[] {
  const remote = !isLoopbackAddress(plan.listen);
  const host = plan.listen.replace(/^\[|\]$/g, '');
  const specs: LiveSpec[] = [];
  const add = (kind: LiveKind, port: number, extra: Record<string, unknown> = {}) => {
    if (port > 0) specs.push({ kind, config: { host, port, ...extra } });
  };
  add('http', plan.http, plan.token ? { token: plan.token } : {});
  add('syslog-udp', plan.syslogUdp, remote ? { allowRemote: true } : {});
  add('syslog-tcp', plan.syslogTcp, remote ? { allowRemote: true } : {});
  add('gelf-udp', plan.gelfUdp, remote ? { allowRemote: true } : {});
  // Each path its own source, so one can be removed on its own; existing content is skipped (tail -F).
  for (const path of plan.follow) specs.push({ kind: 'follow', config: { paths: [resolve(path)] } });
  return specs;
}

/**
 * The token for receivers on a non-loopback address: the one kept in the data folder, or
 * a new one written there readable by this user only.
 */
export function loadOrCreateReceiverToken(dataDir: string): { token: string; file: string; created: boolean } {
  const file = join(dataDir, RECEIVER_TOKEN_FILE);
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) {
      // Someone widened it (a copy, a restore): it opens the receivers, so narrow it again.
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
      return { token, file, created: false };
    }
  }
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, token + '\n', { mode: 0o600 });
  chmodSync(file, 0o600); // the mode above applies only when the file is new
  return { token, file, created: true };
}
