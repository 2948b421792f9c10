/**
 * Starts the engine's utility process, restarts it with back-off when it dies, gives up
 * after a run of crashes, and stops it cleanly on quit.
 *
 * It knows nothing about windows: when the engine is ready it calls `onReady`, and the
 * shell asks `connect()` for a fresh MessagePort to hand to the page. Electron stays out
 * of this module (only types are imported), so tests drive it with a fake process.
 */
import type { MessagePortMain } from 'electron';
import { MAX_PATHS, parseEngineMessage, type EngineToMain, type MainToEngine } from '../shared/engine-messages';

/** The part of Electron's UtilityProcess the supervisor uses. */
export interface EngineProcess {
  postMessage(message: MainToEngine, transfer?: MessagePortMain[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface RestartPolicy {
  /** Wait before the n-th consecutive restart; the last value repeats. */
  backoffMs: readonly number[];
  /** This many consecutive crashes and we stop restarting and say so. */
  maxCrashes: number;
  /** An engine that ran this long before dying starts a fresh count: it was not a crash loop. */
  stableMs: number;
  /** A start that never says `ready` is killed after this long and counts as a crash. */
  readyTimeoutMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  backoffMs: [1_000, 2_000, 4_000, 8_000, 16_000],
  maxCrashes: 5,
  stableMs: 60_000,
  readyTimeoutMs: 60_000,
};

export interface GiveUpInfo {
  crashes: number;
  lastExitCode: number | null;
}

export interface SupervisorOptions {
  fork(): EngineProcess;
  createChannel(): { port1: MessagePortMain; port2: MessagePortMain };
  /** The engine (re)started and is ready for clients. */
  onReady(): void;
  onNotify(notification: Omit<Extract<EngineToMain, { type: 'notify' }>, 'type'>): void;
  /** The number of open alerts changed. */
  onAlerts?(open: number): void;
  /** The settings main acts on (theme, notifications), after `ready` and on every change. */
  onSettings?(settings: Omit<Extract<EngineToMain, { type: 'settings' }>, 'type'>): void;
  onGiveUp(info: GiveUpInfo): void;
  policy?: Partial<RestartPolicy>;
  log?: (message: string) => void;
}

export type SupervisorState = 'idle' | 'starting' | 'ready' | 'restarting' | 'gave-up' | 'stopping' | 'stopped';

export type StopOutcome = 'closed' | 'exited' | 'killed' | 'not-running';

type Timer = ReturnType<typeof setTimeout>;

export class EngineSupervisor {
  private readonly policy: RestartPolicy;
  private readonly log: (message: string) => void;
  private child: EngineProcess | null = null;
  private currentState: SupervisorState = 'idle';
  private startedAt = 0;
  private crashes = 0;
  private readyTimer: Timer | null = null;
  private restartTimer: Timer | null = null;
  /** Files asked for before the engine was ready; sent on the next `ready`. */
  private pendingImports: string[] = [];
  private pendingFollows: string[] = [];
  /** Settles a running stop() when the engine says `closed` or exits. */
  private settleStop: ((outcome: StopOutcome) => void) | null = null;

  constructor(private readonly options: SupervisorOptions) {
    this.policy = { ...DEFAULT_RESTART_POLICY, ...options.policy };
    this.log = options.log ?? ((message) => console.warn(`[engine] ${message}`));
  }

  get state(): SupervisorState {
    return this.currentState;
  }

  start(): void {
    if (this.currentState !== 'idle') return;
    this.spawn();
  }

  /** After giving up, the user may ask to try again: a fresh crash count. */
  retry(): void {
    if (this.currentState !== 'gave-up') return;
    this.crashes = 0;
    this.spawn();
  }

  /**
   * A new client connection: port1 goes to the engine, port2 is returned for the window.
   * Null while the engine is not ready; `onReady` fires when it is.
   */
  connect(): MessagePortMain | null {
    if (this.currentState !== 'ready' || !this.child) return null;
    const { port1, port2 } = this.options.createChannel();
    if (!this.send({ type: 'connect' }, [port1])) return null;
    return port2;
  }

  /** Files to import; held until the engine is ready, so none are lost during a restart. */
  importFiles(paths: readonly string[]): void {
    this.queue('import', paths);
  }

  /** Files to follow (File ▸ Follow file…); held like imports. */
  followFiles(paths: readonly string[]): void {
    this.queue('follow', paths);
  }

  /**
   * One message per MAX_PATHS paths: a drop of thousands of files is one or a few import
   * jobs, never one per file.
   */
  private queue(type: 'import' | 'follow', paths: readonly string[]): void {
    if (paths.length === 0 || this.currentState === 'stopping' || this.currentState === 'stopped') return;
    const pending = type === 'import' ? this.pendingImports : this.pendingFollows;
    if (this.currentState === 'ready') {
      for (let i = 0; i < paths.length; i += MAX_PATHS) {
        const chunk = paths.slice(i, i + MAX_PATHS);
        if (!this.send({ type, paths: chunk })) pending.push(...chunk);
      }
      return;
    }
    pending.push(...paths);
  }

  /**
   * Ask the engine to flush and close, wait for `closed` (or its exit), and kill it if it
   * takes longer than `timeoutMs`. No restart happens after this.
   */
  stop(timeoutMs: number): Promise<StopOutcome> {
    this.clearTimers();
    const child = this.child;
    if (!child || this.currentState === 'stopped') {
      this.currentState = 'stopped';
      return Promise.resolve('not-running');
    }
    if (this.currentState === 'stopping') {
      return new Promise((resolve) => {
        const previous = this.settleStop;
        this.settleStop = (outcome) => {
          previous?.(outcome);
          resolve(outcome);
        };
      });
    }
    this.currentState = 'stopping';
    return new Promise<StopOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.log(`did not close within ${timeoutMs} ms; killing it`);
        finish('killed');
        child.kill();
      }, timeoutMs);
      const finish = (outcome: StopOutcome) => {
        if (!this.settleStop) return;
        this.settleStop = null;
        clearTimeout(timer);
        this.currentState = 'stopped';
        resolve(outcome);
      };
      this.settleStop = finish;
      if (!this.send({ type: 'shutdown' })) finish('exited');
    });
  }

  private spawn(): void {
    this.clearTimers();
    this.currentState = 'starting';
    this.startedAt = Date.now();
    let child: EngineProcess;
    try {
      child = this.options.fork();
    } catch (error) {
      // A fork that throws is a crash like any other: same back-off, same limit.
      this.log(`could not start: ${describe(error)}`);
      this.child = null;
      this.onCrash(null);
      return;
    }
    this.child = child;
    child.on('message', (raw) => this.onMessage(child, raw));
    child.on('exit', (code) => this.onExit(child, code));
    this.readyTimer = setTimeout(() => {
      this.log(`not ready after ${this.policy.readyTimeoutMs} ms; killing it`);
      child.kill();
    }, this.policy.readyTimeoutMs);
  }

  private onMessage(child: EngineProcess, raw: unknown): void {
    if (child !== this.child) return;
    const message = parseEngineMessage(raw);
    if (!message) {
      this.log(`ignored an unknown control message: ${preview(raw)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        if (this.currentState !== 'starting') return;
        this.clearTimers();
        this.currentState = 'ready';
        if (this.pendingImports.length > 0) this.importFiles(this.pendingImports.splice(0));
        if (this.pendingFollows.length > 0) this.followFiles(this.pendingFollows.splice(0));
        this.options.onReady();
        return;
      case 'notify': {
        const { type: _type, ...notification } = message;
        this.options.onNotify(notification);
        return;
      }
      case 'alerts':
        this.options.onAlerts?.(message.open);
        return;
      case 'settings':
        this.options.onSettings?.({ theme: message.theme, notifications: message.notifications });
        return;
      case 'closed':
        this.settleStop?.('closed');
        return;
    }
  }

  private onExit(child: EngineProcess, code: number): void {
    if (child !== this.child) return;
    this.child = null;
    this.clearTimers();
    if (this.currentState === 'stopping' || this.currentState === 'stopped') {
      this.settleStop?.('exited');
      return;
    }
    this.onCrash(code);
  }

  private onCrash(code: number | null): void {
    // A long, healthy run followed by a crash is bad luck, not a crash loop.
    const ranFor = Date.now() - this.startedAt;
    this.crashes = ranFor >= this.policy.stableMs ? 1 : this.crashes + 1;
    if (this.crashes >= this.policy.maxCrashes) {
      this.currentState = 'gave-up';
      this.log(`exited with code ${code ?? 'none'}; ${this.crashes} crashes in a row, not restarting`);
      this.options.onGiveUp({ crashes: this.crashes, lastExitCode: code });
      return;
    }
    const delays = this.policy.backoffMs;
    const delay = delays[Math.min(this.crashes - 1, delays.length - 1)] ?? 0;
    this.currentState = 'restarting';
    this.log(
      `exited with code ${code ?? 'none'}; restarting in ${delay} ms (crash ${this.crashes} of ${this.policy.maxCrashes})`,
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.spawn();
    }, delay);
  }

  /** postMessage to a process that is going away throws; that is not worth crashing main for. */
  private send(message: MainToEngine, transfer?: MessagePortMain[]): boolean {
    if (!this.child) return false;
    try {
      this.child.postMessage(message, transfer);
      return true;
    } catch (error) {
      this.log(`could not send ${message.type}: ${describe(error)}`);
      return false;
    }
  }

  private clearTimers(): void {
    if (this.readyTimer) clearTimeout(this.readyTimer);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.readyTimer = null;
    this.restartTimer = null;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function preview(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 200);
  } catch {
    return String(value).slice(0, 200);
  }
}
