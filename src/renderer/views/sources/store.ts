/**
 * The Sources view's state: receivers and followed files as the engine reports them
 * (`liveSources`, refreshed while the view is open and on `liveSourcesChanged`), the
 * kinds this engine can run, what is in flight, and the last error per source.
 */
import { create } from 'zustand';
import type { LiveKind, LiveSourceInfo } from '../../../shared/protocol';

export interface LiveSourcesState {
  sources: LiveSourceInfo[];
  available: LiveKind[];
  loaded: boolean;
  /** The list could not be had (the engine is away); the last one stays shown. */
  error: string | null;
  /** Ids (or kinds, for a receiver being added) with a change in flight. */
  busy: string[];
  /** A refused add/toggle, by id or kind: shown beside it. */
  actionErrors: Record<string, string>;
}

export const useLiveSourcesStore = create<LiveSourcesState>()(() => ({
  sources: [],
  available: [],
  loaded: false,
  error: null,
  busy: [],
  actionErrors: {},
}));

export const liveSourcesActions = {
  receive(sources: LiveSourceInfo[], available?: LiveKind[]) {
    useLiveSourcesStore.setState((s) => ({ sources, available: available ?? s.available, loaded: true, error: null }));
  },
  fail(error: string) {
    useLiveSourcesStore.setState({ error });
  },
  busy(key: string, on: boolean) {
    useLiveSourcesStore.setState((s) => ({ busy: on ? [...s.busy, key] : s.busy.filter((k) => k !== key) }));
  },
  actionError(key: string, message: string | null) {
    useLiveSourcesStore.setState((s) => {
      const actionErrors = { ...s.actionErrors };
      if (message === null) delete actionErrors[key];
      else actionErrors[key] = message;
      return { actionErrors };
    });
  },
};

export const RECEIVER_KINDS = [
  'http',
  'syslog-udp',
  'syslog-tcp',
  'gelf-udp',
  'gelf-tcp',
] as const satisfies readonly LiveKind[];
export type ReceiverKind = (typeof RECEIVER_KINDS)[number];

export const KIND_LABELS: Record<LiveKind, string> = {
  http: 'HTTP',
  'syslog-udp': 'Syslog · UDP',
  'syslog-tcp': 'Syslog · TCP',
  'gelf-udp': 'GELF · UDP',
  'gelf-tcp': 'GELF · TCP',
  follow: 'File',
};

export const KIND_HINTS: Record<ReceiverKind, string> = {
  http: 'JSON lines, OTLP, Loki push, Elasticsearch bulk, GELF over HTTP',
  'syslog-udp': 'RFC 5424 and 3164, one message per datagram',
  'syslog-tcp': 'RFC 5424 and 3164, octet-counted or newline framing',
  'gelf-udp': 'Graylog Extended Log Format, chunked and compressed too',
  'gelf-tcp': 'GELF, NUL-terminated',
};

/** Ports a receiver gets when it is turned on here for the first time (as `logscope serve`). */
export const DEFAULT_PORTS: Record<ReceiverKind, number> = {
  http: 9880,
  'syslog-udp': 5514,
  'syslog-tcp': 5514,
  'gelf-udp': 12201,
  'gelf-tcp': 12201,
};

export const selectReceivers = (s: LiveSourcesState) => s.sources.filter((x) => x.kind !== 'follow');
export const selectFollowed = (s: LiveSourcesState) => s.sources.filter((x) => x.kind === 'follow');
