/**
 * Runs the engine's live sources (receivers, followed files): starts them from specs,
 * adds, removes and turns them on and off while the engine runs, keeps what each last
 * reported, and sums their counters for health. Every source writes into the one sink the
 * engine gives it; the kinds come from a registry of factories (registry.ts), so the
 * manager knows no protocol.
 *
 * Changes are serialised (a toggle pressed twice must not start two servers on one
 * port). A source that fails to start stays in the list, failed, with its error: the
 * Sources view shows it and the user can fix it, turn it off, or remove it.
 */
import type { LiveSource, LiveSourceStatus, RecordSink } from '../../ingest/sources/sink';
import type { LiveKind, LiveSourceInfo } from '../../shared/protocol';
import {
  builtinFactories,
  type FactoryContext,
  type FactoryRegistry,
  type LiveSourceFactory,
  type SourcePlace,
} from './registry';

export interface LiveSpec {
  kind: LiveKind;
  /** The kind's own config; checked against its schema. */
  config?: Record<string, unknown>;
  /** Defaults to the kind's (`http`, `follow:/var/log/app.log`). */
  id?: string;
  /** Off: listed, not started. */
  enabled?: boolean;
}

/** A spec the manager refused: unknown kind, bad config. Says what and where. */
export class LiveSourceError extends Error {
  constructor(
    message: string,
    readonly code: 'bad_request' | 'not_found' = 'bad_request',
  ) {
    super(message);
    this.name = 'LiveSourceError';
  }
}

export interface LiveSummary {
  running: number;
  failed: number;
  stored: number;
  dropped: number;
  rate: number;
}

interface Entry {
  id: string;
  kind: LiveKind;
  factory: LiveSourceFactory;
  config: unknown;
  place: SourcePlace;
  enabled: boolean;
  source: LiveSource | null;
  /** What the source said when it last stopped (counters stay visible when off). */
  last: LiveSourceStatus | null;
  /** Set when building or starting it threw. */
  startError: string | null;
  /** (time, stored) samples for the rate, oldest first. */
  samples: Array<[number, number]>;
  /** State and error as last announced, to tell a change. */
  announced: string;
}

const RATE_WINDOW_MS = 5_000;
const SAMPLE_MS = 1_000;
const STANDARD_KEYS = new Set([
  'name',
  'kind',
  'address',
  'state',
  'error',
  'received',
  'stored',
  'rejected',
  'dropped',
  'detail',
]);

export interface LiveManagerOptions {
  factories?: FactoryRegistry;
  context?: Partial<FactoryContext>;
  /** Told when the list or a source's state changes (not on every counter tick). */
  onChange?: (sources: LiveSourceInfo[]) => void;
  now?: () => number;
}

export class LiveManager {
  private readonly entries = new Map<string, Entry>();
  private readonly factories: FactoryRegistry;
  private readonly ctx: FactoryContext;
  private readonly now: () => number;
  private chain: Promise<unknown> = Promise.resolve();
  private sampler: NodeJS.Timeout | null = null;
  private closed = false;
  onChange: (sources: LiveSourceInfo[]) => void;

  constructor(
    /** The engine's sink (miner, models, writer): what every live source writes into. */
    readonly sink: RecordSink,
    opts: LiveManagerOptions = {},
  ) {
    this.factories = opts.factories ?? builtinFactories;
    this.ctx = {
      log: opts.context?.log ?? ((m) => console.error(`logscope: ${m}`)),
      engineFigures: opts.context?.engineFigures ?? (() => ({})),
      fileOffsets: opts.context?.fileOffsets ?? null,
    };
    this.onChange = opts.onChange ?? (() => {});
    this.now = opts.now ?? Date.now;
  }

  /** Kinds this build can run. */
  available(): LiveKind[] {
    return [...this.factories.keys()];
  }

  /** Add (or replace, by id) and start a source. Resolves with its state once started or failed. */
  add(spec: LiveSpec): Promise<LiveSourceInfo> {
    return this.serial(async () => {
      if (this.closed) throw new LiveSourceError('the engine is stopping');
      const factory = this.factories.get(spec.kind);
      if (!factory) {
        throw new LiveSourceError(
          `live source kind "${spec.kind}" is not in this build (available: ${this.available().join(', ') || 'none'})`,
        );
      }
      const parsed = factory.configSchema.safeParse(spec.config ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'config'}: ${i.message}`);
        throw new LiveSourceError(`${spec.kind} source config: ${issues.join('; ')}`);
      }
      const id = spec.id ?? factory.idFor(parsed.data);
      const old = this.entries.get(id);
      if (old) await this.stopEntry(old);
      const entry: Entry = {
        id,
        kind: spec.kind,
        factory,
        config: parsed.data,
        place: factory.place(parsed.data),
        enabled: spec.enabled ?? true,
        source: null,
        last: null,
        startError: null,
        samples: [],
        announced: '',
      };
      this.entries.set(id, entry);
      if (entry.enabled) await this.startEntry(entry);
      this.ensureSampler();
      this.announce(true);
      return this.info(entry);
    });
  }

  /** Stop a source and forget it. */
  remove(id: string): Promise<boolean> {
    return this.serial(async () => {
      const entry = this.entries.get(id);
      if (!entry) return false;
      this.entries.delete(id);
      await this.stopEntry(entry);
      this.announce(true);
      return true;
    });
  }

  /** Turn a source off (stopped, kept) or on (built afresh from its config and started). */
  setEnabled(id: string, enabled: boolean): Promise<LiveSourceInfo> {
    return this.serial(async () => {
      const entry = this.entries.get(id);
      if (!entry) throw new LiveSourceError(`no live source "${id}"`, 'not_found');
      if (this.closed && enabled) throw new LiveSourceError('the engine is stopping');
      entry.enabled = enabled;
      if (enabled && !entry.source) await this.startEntry(entry);
      if (!enabled) await this.stopEntry(entry);
      this.announce(true);
      return this.info(entry);
    });
  }

  list(): LiveSourceInfo[] {
    return [...this.entries.values()].map((e) => this.info(e));
  }

  get(id: string): LiveSourceInfo | null {
    const e = this.entries.get(id);
    return e ? this.info(e) : null;
  }

  /** The running source itself (tests, and receivers' own figures). */
  source(id: string): LiveSource | null {
    return this.entries.get(id)?.source ?? null;
  }

  summary(): LiveSummary {
    const s: LiveSummary = { running: 0, failed: 0, stored: 0, dropped: 0, rate: 0 };
    for (const info of this.list()) {
      if (info.state === 'running') s.running++;
      if (info.state === 'failed') s.failed++;
      s.stored += info.stored;
      s.dropped += info.dropped;
      s.rate += info.rate;
    }
    return s;
  }

  /**
   * Stop every source: each stops accepting and waits for what it accepted to be
   * committed. Called before the writer is flushed at shutdown.
   */
  close(): Promise<void> {
    this.closed = true;
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    return this.serial(async () => {
      await Promise.all([...this.entries.values()].map((e) => this.stopEntry(e)));
    });
  }

  // -------------------------------------------------------------------------------------

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private async startEntry(entry: Entry): Promise<void> {
    entry.startError = null;
    entry.samples = [];
    entry.last = null;
    let source: LiveSource;
    try {
      source = entry.factory.create(entry.config, this.sink, this.ctx);
    } catch (err) {
      entry.startError = (err as Error).message;
      return;
    }
    entry.source = source;
    try {
      await source.start();
    } catch (err) {
      entry.startError = describeStartError(err, entry.place);
      // Whatever it opened before failing is closed again; it is rebuilt on the next start.
      await source.stop().catch(() => {});
      entry.last = safeStatus(source);
      entry.source = null;
    }
  }

  private async stopEntry(entry: Entry): Promise<void> {
    const source = entry.source;
    if (!source) return;
    entry.source = null;
    try {
      await source.stop();
    } catch (err) {
      entry.startError = `stopping failed: ${(err as Error).message}`;
    }
    entry.last = safeStatus(source);
  }

  private info(e: Entry): LiveSourceInfo {
    const st = (e.source ? safeStatus(e.source) : null) ?? e.last;
    const address = st?.address || e.place.address;
    const parsed = parseAddress(address);
    const state: LiveSourceInfo['state'] =
      e.startError && !e.source ? 'failed' : e.source ? (st?.state ?? 'starting') : 'stopped';
    return {
      id: e.id,
      kind: e.kind,
      name: st?.name ?? e.id,
      address,
      host: parsed?.host ?? e.place.host,
      port: parsed?.port ?? e.place.port,
      token: e.place.token,
      enabled: e.enabled,
      state,
      error: e.startError ?? st?.error ?? null,
      received: st?.received ?? 0,
      stored: st?.stored ?? 0,
      rejected: st?.rejected ?? 0,
      dropped: st?.dropped ?? 0,
      rate: e.source ? rateOf(e.samples) : 0,
      detail: st ? detailOf(st) : {},
      files: e.source ? filesOf(e.source) : [],
    };
  }

  private ensureSampler(): void {
    if (this.sampler || this.closed) return;
    this.sampler = setInterval(() => this.sample(), SAMPLE_MS);
    this.sampler.unref();
  }

  /** Once a second: counters for the rates, and a change of state (a receiver that died) announced. */
  private sample(): void {
    const t = this.now();
    for (const e of this.entries.values()) {
      if (!e.source) continue;
      const st = safeStatus(e.source);
      if (!st) continue;
      e.samples.push([t, st.stored]);
      while (e.samples.length > 2 && t - e.samples[0]![0] > RATE_WINDOW_MS) e.samples.shift();
    }
    this.announce(false);
  }

  /** Tell the listener when the list changed, or any source's state or error did. */
  private announce(force: boolean): void {
    const list = [...this.entries.values()].map((e) => [e, this.info(e)] as const);
    let changed = force;
    for (const [e, info] of list) {
      const key = `${info.state}|${info.error ?? ''}|${info.enabled}`;
      if (key !== e.announced) changed = true;
      e.announced = key;
    }
    if (changed) this.onChange(list.map(([, info]) => info));
  }
}

/** Port in use and refused binds say which address; the rest as they came. */
function describeStartError(err: unknown, place: SourcePlace): string {
  const e = err as NodeJS.ErrnoException;
  // Receivers may wrap the system error in their own message; its code is still in there.
  const has = (code: string) => e.code === code || String(e.message).includes(code);
  if (has('EADDRINUSE')) return `${place.address} is already in use by another program`;
  if (has('EACCES')) return `not allowed to listen on ${place.address} (ports below 1024 need privileges)`;
  if (has('EADDRNOTAVAIL')) return `${place.host ?? place.address} is not an address of this machine`;
  return e.message ?? String(err);
}

function safeStatus(s: LiveSource): LiveSourceStatus | null {
  try {
    return s.status();
  } catch {
    return null;
  }
}

/** A follower's files (follow/follower.ts), when the source is one. */
function filesOf(s: LiveSource): LiveSourceInfo['files'] {
  const files = (s as Partial<{ files(): LiveSourceInfo['files'] }>).files;
  if (typeof files !== 'function') return [];
  try {
    return files.call(s).map((f) => ({
      path: f.path,
      source: f.source,
      state: f.state,
      offset: f.offset,
      size: f.size,
      lag: f.lag,
      lines: f.lines,
      error: f.error,
    }));
  } catch {
    return [];
  }
}

function rateOf(samples: Array<[number, number]>): number {
  if (samples.length < 2) return 0;
  const [t0, n0] = samples[0]!;
  const [t1, n1] = samples[samples.length - 1]!;
  return t1 > t0 ? Math.max(0, ((n1 - n0) * 1000) / (t1 - t0)) : 0;
}

/** The scalar parts of a status beyond the standard counters (offsets, buffer sizes). */
function detailOf(st: LiveSourceStatus): LiveSourceInfo['detail'] {
  const out: LiveSourceInfo['detail'] = {};
  const take = (obj: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(obj)) {
      if (
        v === null ||
        typeof v === 'string' ||
        typeof v === 'boolean' ||
        (typeof v === 'number' && Number.isFinite(v))
      )
        out[k] = v;
    }
  };
  const all = st as unknown as Record<string, unknown>;
  take(Object.fromEntries(Object.entries(all).filter(([k]) => !STANDARD_KEYS.has(k))));
  if (all.detail && typeof all.detail === 'object') take(all.detail as Record<string, unknown>);
  return out;
}

/** Host and port of "udp://127.0.0.1:5514" or "http://[::1]:9880"; null for a path. */
export function parseAddress(address: string): { host: string; port: number } | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]+\]|[^/:]+):(\d+)/i.exec(address);
  if (!m) return null;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}
