/**
 * The receivers the settings ask for (Settings view, settings.json), applied to the live
 * source manager: the desktop app starts them with the engine, and any engine applies a
 * change to them while it runs. Only receivers whose settings changed are touched, so
 * saving the theme does not restart a listening socket.
 */
import type { ReceiverSettings } from '../../shared/settings';
import type { LiveKind } from '../../shared/protocol';
import { isLoopbackAddress } from './receivers';
import type { LiveManager, LiveSpec } from './manager';

const KINDS: Array<[keyof Omit<ReceiverSettings, 'listenAddress' | 'token'>, LiveKind]> = [
  ['http', 'http'],
  ['syslogUdp', 'syslog-udp'],
  ['syslogTcp', 'syslog-tcp'],
  ['gelf', 'gelf-udp'],
];

/** Per receiver kind: the spec to run, or null when the settings turn it off. */
export function specsFromSettings(r: ReceiverSettings): Map<LiveKind, LiveSpec | null> {
  const remote = !isLoopbackAddress(r.listenAddress);
  const out = new Map<LiveKind, LiveSpec | null>();
  for (const [key, kind] of KINDS) {
    const s = r[key];
    if (!s.enabled) {
      out.set(kind, null);
      continue;
    }
    const config: Record<string, unknown> = { host: r.listenAddress, port: s.port };
    if (kind === 'http' && r.token) config.token = r.token;
    if (kind !== 'http' && remote) config.allowRemote = true;
    out.set(kind, { kind, config });
  }
  return out;
}

/**
 * Start, restart or stop what changed between `prev` (null: everything is new) and `next`.
 * A receiver that cannot start is reported through `log` and stays listed as failed.
 */
export async function applyReceiverSettings(
  live: LiveManager,
  next: ReceiverSettings,
  prev: ReceiverSettings | null,
  log: (message: string) => void,
): Promise<void> {
  const want = specsFromSettings(next);
  const had = prev ? specsFromSettings(prev) : null;
  for (const [kind, spec] of want) {
    const before = had?.get(kind);
    if (had && JSON.stringify(before) === JSON.stringify(spec)) continue;
    try {
      if (spec) {
        const info = await live.add(spec);
        if (info.state === 'failed') log(`${kind} receiver not started: ${info.error}`);
      } else if (had && before) await live.remove(kind);
    } catch (err) {
      log(`${kind} receiver not started: ${(err as Error).message}`);
    }
  }
}
