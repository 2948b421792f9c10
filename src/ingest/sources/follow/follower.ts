/**
 * Follows files, folders and globs the way `tail -F` does, into a RecordSink, without
 * losing or repeating a line across rotation, truncation and restarts.
 *
 * - Identity: an open file is recognised by device and inode while it is open (it cannot
 *   be reused while we hold it); across restarts, copies and compression by the
 *   fingerprint of its first bytes (fingerprint.ts). Offsets are stored by fingerprint.
 * - Events come from chokidar; a check every `checkIntervalMs` looks again at every
 *   followed path (identity, size), at rotated files, at timers and at failed files, so a
 *   missed event costs a delay, never a line.
 * - Everything runs on one queue, in order: events, checks and reads of files. A read
 *   pass is bounded, so one large file does not hold the others back for long.
 */
import { lstat, readdir, stat, open, type FileHandle } from 'node:fs/promises';
import { existsSync, type BigIntStats } from 'node:fs';
import { dirname, join } from 'node:path';
import chokidar, { type FSWatcher } from 'chokidar';
import { builtinFormats } from '../../formats/load';
import { hasGzipMagic, NotTextError } from '../file-lines';
import type { LiveSource, LiveSourceStatus, RecordSink } from '../sink';
import { parseFollowConfig, type FollowConfig } from './config';
import { fingerprintOf, KnownFiles, readGzipHead, readHead } from './fingerprint';
import type { FollowOffsets } from './offsets';
import { isRotationOf, specFor, type PathSpec } from './path-spec';
import { endOfText, type Position } from './positions';
import { TrackedFile, type FollowContext } from './tracked-file';

export interface FollowedFileStatus {
  /** Where the file is now (a rotated file: its new name, if it was seen). */
  path: string;
  /** The source its records are stored under. */
  source: string;
  /** waiting: a followed path with no file yet; rotated: being read to its end after rotation. */
  state: 'waiting' | 'following' | 'rotated' | 'error';
  /** Bytes stored (committed with their rows). */
  offset: number;
  size: number;
  /** Bytes behind: size − offset. */
  lag: number;
  /** Lines stored. */
  lines: number;
  format: string | null;
  fingerprint: string | null;
  error: string | null;
  warning: string | null;
}

export interface FileFollower extends LiveSource {
  /** Per file: where reading is, how far behind, and what went wrong. */
  files(): FollowedFileStatus[];
  /** Look at every followed path and file now instead of at the next check. */
  checkNow(): Promise<void>;
}

/**
 * Builds a follower; the configuration is validated here (a bad one throws, naming the
 * setting). `offsets` loads stored offsets and makes the statements that store new ones.
 */
export function createFileFollower(config: unknown, sink: RecordSink, offsets: FollowOffsets): FileFollower {
  return new Follower(parseFollowConfig(config), sink, offsets);
}

/** How soon a file that was just read is looked at again (see lookAgainSoon). */
const LOOK_AGAIN_MS = 60;

interface Role {
  /** followed: the path matches a spec; sibling: a rotated name of a followed file. */
  kind: 'followed' | 'sibling';
  /** The source its records go to. */
  source: string;
}

interface Problem {
  error: string;
  retryAt: number;
  /** Failed during the first scan: when it can be read, "start" still applies. */
  initial: boolean;
}

class Follower implements FileFollower {
  readonly name: string;
  private specs: PathSpec[] = [];
  private watchers: FSWatcher[] = [];
  private readonly open = new Set<TrackedFile>();
  /** Followed path → the file now at it. */
  private readonly at = new Map<string, TrackedFile>();
  private readonly problems = new Map<string, Problem>();
  /** Copies of a file that is still being read; looked at again once it is done. */
  private readonly deferred = new Set<string>();
  private readonly missingRoots = new Map<string, number | undefined>();
  private readonly queued = new Set<TrackedFile>();
  private readonly idleTimers = new Map<TrackedFile, NodeJS.Timeout>();
  private readonly soonTimers = new Map<TrackedFile, NodeJS.Timeout>();
  /** Rotated names looked at, with the identity and size they had then (scanSiblings). */
  private readonly settled = new Map<string, string>();
  private known = new KnownFiles();
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private state: LiveSourceStatus['state'] = 'stopped';
  private error: string | null = null;
  /** The watcher's last complaint; the next check looks at everything again and clears it. */
  private watchError: string | null = null;
  private stopping = false;
  private readonly counters = { received: 0, stored: 0, rejected: 0 };
  private readonly ctx: FollowContext;
  private signalStop: () => void = () => {};

  constructor(
    private readonly config: FollowConfig,
    sink: RecordSink,
    offsets: FollowOffsets,
  ) {
    this.name = config.name ?? `follow ${config.paths.join(', ')}`;
    this.ctx = {
      config,
      sink,
      offsets,
      known: this.known,
      formats: builtinFormats(),
      stopping: () => this.stopping,
      stopped: new Promise<void>((r) => (this.signalStop = r)),
      counters: this.counters,
      onRetired: (file) => this.enqueue(() => this.lookForCopies(file)),
    };
  }

  async start(): Promise<void> {
    if (this.state === 'running' || this.state === 'starting') return;
    this.state = 'starting';
    this.stopping = false;
    this.error = null;
    this.ctx.stopped = new Promise<void>((r) => (this.signalStop = r));
    try {
      this.known = this.ctx.known = new KnownFiles(await this.ctx.offsets.load());
      this.specs = await Promise.all(this.config.paths.map((p) => specFor(p, this.config.recursive)));
      const roots = new Map<string, number | undefined>();
      for (const s of this.specs) {
        const depth = roots.has(s.root) ? deeper(roots.get(s.root), s.depth) : s.depth;
        roots.set(s.root, depth);
      }
      for (const [root, depth] of roots) {
        if (existsSync(root)) await this.watch(root, depth, true);
        else this.missingRoots.set(root, depth);
      }
      await this.chain; // the first scan: every file that exists now is placed
      this.timer = setInterval(() => this.enqueue(() => this.check()), this.config.checkIntervalMs);
      this.state = 'running';
    } catch (err) {
      this.state = 'failed';
      this.error = (err as Error).message;
      await this.stop();
      this.state = 'failed';
      throw err;
    }
  }

  /** Stops watching and reading, waits for the write in flight to commit, closes the files. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.signalStop();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.watchers.splice(0).map((w) => w.close()));
    await this.chain;
    for (const t of [...this.idleTimers.values(), ...this.soonTimers.values()]) clearTimeout(t);
    this.idleTimers.clear();
    this.soonTimers.clear();
    for (const f of this.open) await f.close();
    this.open.clear();
    this.at.clear();
    this.queued.clear();
    this.deferred.clear();
    this.missingRoots.clear();
    if (this.state !== 'failed') this.state = 'stopped';
  }

  async checkNow(): Promise<void> {
    await this.enqueue(() => this.check());
  }

  status(): LiveSourceStatus {
    const fileError = this.files().find((f) => f.error)?.error ?? null;
    return {
      name: this.name,
      kind: 'follow',
      address: this.config.paths.join(', '),
      state: this.state,
      error: fileError ?? this.error ?? this.watchError,
      received: this.counters.received,
      stored: this.counters.stored,
      rejected: this.counters.rejected,
      dropped: 0,
    };
  }

  files(): FollowedFileStatus[] {
    const out: FollowedFileStatus[] = [];
    for (const f of this.open) {
      out.push({
        path: f.path,
        source: f.source,
        state: f.error ? 'error' : f.state,
        offset: f.committed.pos,
        size: f.size,
        lag: Math.max(0, f.size - f.committed.pos),
        lines: f.committed.line,
        format: f.formatName,
        fingerprint: f.key,
        error: f.error,
        warning: f.warning,
      });
    }
    const listed = new Set(out.map((f) => f.path));
    const empty = { offset: 0, size: 0, lag: 0, lines: 0, format: null, fingerprint: null, warning: null };
    for (const [path, p] of this.problems) {
      if (!listed.has(path)) out.push({ ...empty, path, source: path, state: 'error', error: p.error });
      listed.add(path);
    }
    for (const s of this.specs) {
      if (s.kind === 'file' && !listed.has(s.path)) out.push({ ...empty, path: s.path, source: s.path, state: 'waiting', error: null });
    }
    return out;
  }

  // ------------------------------------------------------------------------------------
  // Events

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(async () => {
      if (this.stopping) return;
      try {
        await task();
      } catch (err) {
        this.error = (err as Error).message;
      }
    });
    this.chain = run;
    return run;
  }

  private async watch(root: string, depth: number | undefined, initial: boolean): Promise<void> {
    const onlyFiles = this.specs.filter((s) => s.root === root).every((s) => s.kind === 'file');
    const fileSpecs = this.specs.filter((s) => s.kind === 'file' && s.root === root).map((s) => s.path);
    const watcher = chokidar.watch(root, {
      depth,
      persistent: true,
      ignoreInitial: !initial,
      usePolling: this.config.poll,
      interval: this.config.pollIntervalMs,
      binaryInterval: this.config.pollIntervalMs,
      // A delete and re-create must be seen as such, not folded into a change.
      atomic: false,
      // A folder that holds only followed files: watch just them and their rotated names.
      ignored: onlyFiles ? (p: string) => p !== root && !fileSpecs.some((f) => p === f || isRotationOf(p, f)) : undefined,
    });
    this.watchers.push(watcher);
    let first = initial;
    watcher.on('add', (p) => {
      const initialScan = first; // read now: the task may run after 'ready'
      void this.enqueue(() => this.visit(p, initialScan));
    });
    watcher.on('change', (p) => void this.enqueue(() => this.visit(p, false)));
    watcher.on('unlink', (p) => void this.enqueue(async () => this.gone(p)));
    watcher.on('error', (e) => (this.watchError = `watching ${root}: ${(e as Error).message}`));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    first = false;
  }

  private roleOf(path: string): Role | null {
    if (this.specs.some((s) => s.matches(path))) return { kind: 'followed', source: path };
    const owners = [...this.specs.filter((s) => s.kind === 'file').map((s) => s.path), ...this.at.keys()];
    let owner: string | null = null;
    for (const o of owners) if (isRotationOf(path, o) && (!owner || o.length > owner.length)) owner = o;
    if (!owner) return null;
    const t = this.at.get(owner);
    return { kind: 'sibling', source: t ? t.source : owner };
  }

  /** A path appeared or changed: same file (maybe renamed here), or a new one. */
  private async visit(path: string, initial: boolean): Promise<void> {
    const role = this.roleOf(path);
    if (!role) return;
    let st: BigIntStats;
    try {
      st = await stat(path, { bigint: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.gone(path);
      else this.problem(path, err as Error, initial);
      return;
    }
    if (!st.isFile()) return;
    const same = this.findOpen(st.dev, st.ino);
    if (same) {
      this.problems.delete(path);
      if (same.path !== path) this.moved(same, path, role);
      this.schedule(same);
      return;
    }
    const previous = this.at.get(path);
    if (previous) this.rotatedAway(previous);
    await this.adopt(path, st, role, initial);
  }

  /** A path went away: the file that was there is read to its end, then let go. */
  private gone(path: string): void {
    this.deferred.delete(path);
    const t = this.at.get(path);
    if (t) this.rotatedAway(t);
  }

  private moved(t: TrackedFile, path: string, role: Role): void {
    if (this.at.get(t.path) === t) this.at.delete(t.path);
    t.path = path;
    if (role.kind === 'followed') {
      const other = this.at.get(path);
      if (other && other !== t) this.rotatedAway(other);
      this.at.set(path, t);
      t.state = 'following';
    } else {
      t.state = 'rotated';
      t.lastActivity = Date.now();
    }
  }

  private rotatedAway(t: TrackedFile): void {
    if (this.at.get(t.path) === t) this.at.delete(t.path);
    t.state = 'rotated';
    t.lastActivity = Date.now();
    this.schedule(t);
  }

  /**
   * A file not open yet: resume it where its fingerprint says reading stopped, or start
   * it — at its start if it is new, at its end if it existed when following began
   * (`start: 'end'`), or only remember it if it is a rotated name we never read.
   */
  private async adopt(path: string, st: BigIntStats, role: Role, initial: boolean): Promise<void> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      this.problem(path, err as Error, initial);
      return;
    }
    let keep = false;
    try {
      this.problems.delete(path);
      const fpBytes = this.config.fingerprintBytes;
      const gz = await hasGzipMagic(fh);
      const head = gz ? await readGzipHead(fh, fpBytes) : await readHead(fh, fpBytes);
      const match = head.length ? this.known.match(head) : null;
      if (match && this.isOpen(match.fingerprint)) {
        // A copy of a file still being read (copytruncate's copy, a .gz being written):
        // its lines come from the original; if that is truncated, the copy gives the rest.
        this.deferred.add(path);
        return;
      }
      this.deferred.delete(path);
      const size = Number(st.size);
      let start: Position = { pos: 0, line: 0 };
      let savedKey: string | null = null;
      let recordOnly = false;
      if (match && (gz || match.offset <= size)) {
        start = { pos: match.offset, line: match.line };
        savedKey = match.fingerprint;
      } else if (role.kind === 'sibling' && !(gz && !initial)) {
        // A rotated name we never read: not ours to import. Remembered as read, so that
        // its compressed copy later is not taken for a new file.
        if (!initial || !head.length) return;
        start = await endOfText(fh, gz);
        recordOnly = true;
      } else if (initial && this.config.start === 'end' && !this.known.followedBefore(path)) {
        start = await endOfText(fh, gz);
        recordOnly = gz;
      }
      const t = new TrackedFile(this.ctx, fh, st.dev, st.ino, path, role.source, gz, {
        start,
        key: head.length ? fingerprintOf(head) : null,
        savedKey,
        state: role.kind === 'followed' ? 'following' : 'rotated',
      });
      if (start.pos > 0 && !savedKey) {
        try {
          await t.saveNow();
        } catch (err) {
          this.problem(path, err as Error, initial);
          return;
        }
      }
      if (recordOnly) return;
      keep = true;
      this.open.add(t);
      if (role.kind === 'followed') this.at.set(path, t);
      this.schedule(t);
    } finally {
      if (!keep) await fh.close().catch(() => {});
    }
  }

  private problem(path: string, err: Error, initial: boolean): void {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : err.message;
    const retry = `retrying every ${fmtMs(this.config.retryMs)}`;
    const was = this.problems.get(path);
    this.problems.set(path, { error: `cannot read ${path}: ${why} (${retry})`, retryAt: Date.now() + this.config.retryMs, initial: was?.initial ?? initial });
  }

  // ------------------------------------------------------------------------------------
  // Reading

  private schedule(t: TrackedFile): void {
    if (this.queued.has(t) || t.closed) return;
    this.queued.add(t);
    void this.enqueue(async () => {
      this.queued.delete(t);
      await this.pumpFile(t);
    });
  }

  private async pumpFile(t: TrackedFile): Promise<void> {
    if (t.closed) return;
    if (t.error && Date.now() < t.retryAt) return;
    try {
      const before = t.read.pos;
      const more = await t.pump();
      if (!t.blocked) t.error = null;
      if (t.holdsRecord) this.armIdleFlush(t);
      if (t.gz) await this.finish(t);
      else if (more) this.schedule(t);
      else if (t.read.pos !== before) this.lookAgainSoon(t);
    } catch (err) {
      this.failed(t, err as Error);
    }
  }

  /**
   * A file that was just written to is looked at again shortly: chokidar throttles change
   * events, so the next append of a busy file may bring none.
   */
  private lookAgainSoon(t: TrackedFile): void {
    if (this.soonTimers.has(t)) return;
    const timer = setTimeout(() => {
      this.soonTimers.delete(t);
      this.schedule(t);
    }, LOOK_AGAIN_MS);
    timer.unref();
    this.soonTimers.set(t, timer);
  }

  /** A held-back multi-line record is stored once nothing has continued it for multilineIdleMs. */
  private armIdleFlush(t: TrackedFile): void {
    clearTimeout(this.idleTimers.get(t));
    const timer = setTimeout(() => {
      this.idleTimers.delete(t);
      void this.enqueue(async () => {
        if (t.closed || !t.holdsRecord) return;
        const quiet = Date.now() - t.lastActivity;
        if (quiet + 5 < this.config.multilineIdleMs) return this.armIdleFlush(t);
        try {
          await t.flushHeld();
        } catch (err) {
          this.failed(t, err as Error);
        }
      });
    }, this.config.multilineIdleMs);
    timer.unref();
    this.idleTimers.set(t, timer);
  }

  private failed(t: TrackedFile, err: Error): void {
    if (err instanceof NotTextError) {
      t.blocked = true;
      t.error = `${t.path}: ${err.message}`;
      return;
    }
    t.error = `${t.path}: ${err.message} (${`retrying every ${fmtMs(this.config.retryMs)}`})`;
    t.retryAt = Date.now() + this.config.retryMs;
    t.rewind();
  }

  /** A rotated-away file is quiet, or a .gz is read: store its last line, let it go. */
  private async finish(t: TrackedFile): Promise<void> {
    try {
      await t.finish();
    } catch (err) {
      this.failed(t, err as Error);
      return;
    }
    if (this.stopping) return;
    this.open.delete(t);
    if (this.at.get(t.path) === t) this.at.delete(t.path);
    await t.close();
    for (const p of this.deferred) void this.enqueue(() => this.visit(p, false));
  }

  /** After a truncation: a copy beside the file (copytruncate) may hold lines not yet read. */
  private async lookForCopies(t: TrackedFile): Promise<void> {
    const dir = dirname(t.path);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const n of names) {
      const p = join(dir, n);
      if (p !== t.path && isRotationOf(p, t.path) && !this.openAt(p)) await this.visit(p, false);
    }
    for (const p of this.deferred) await this.visit(p, false);
  }

  /** The safety net under the events: identities, sizes, timers, retries. */
  private async check(): Promise<void> {
    const now = Date.now();
    this.watchError = null;
    const cfg = this.config;
    for (const [root, depth] of this.missingRoots) {
      if (!existsSync(root)) continue;
      this.missingRoots.delete(root);
      await this.watch(root, depth, false);
    }
    for (const [path, t] of [...this.at]) {
      let st: BigIntStats;
      try {
        st = await stat(path, { bigint: true });
      } catch {
        this.gone(path);
        continue;
      }
      if (st.ino !== t.ino || st.dev !== t.dev) await this.visit(path, false);
      else if (Number(st.size) !== t.size || (t.error && !t.blocked && now >= t.retryAt)) this.schedule(t);
    }
    for (const s of this.specs) {
      if (s.kind !== 'file' || this.at.has(s.path) || this.openAt(s.path)) continue;
      const p = this.problems.get(s.path);
      if (p && now < p.retryAt) continue;
      // lstat: a broken or looping link is there too, and its error is worth showing.
      if (await lstat(s.path).then(() => true, () => false)) await this.visit(s.path, p?.initial ?? false);
    }
    await this.scanSiblings();
    for (const [path, p] of [...this.problems]) if (now >= p.retryAt && !this.at.has(path)) await this.visit(path, p.initial);
    for (const t of [...this.open]) {
      if (t.state === 'rotated') {
        const { size } = await t.fh.stat();
        if (size !== t.size || (t.error && now >= t.retryAt)) this.schedule(t);
        else if (now - t.lastActivity >= cfg.rotateWaitMs && !this.queued.has(t)) await this.finish(t);
      } else if (t.holdsRecord && now - t.lastActivity >= cfg.multilineIdleMs) {
        try {
          await t.flushHeld();
        } catch (err) {
          this.failed(t, err as Error);
        }
      }
    }
    for (const p of [...this.deferred]) await this.visit(p, false);
  }

  /**
   * Rotated names beside followed files (app.log.1, app.log.2.gz) that changed since last
   * looked at: what events missed, such as a compressed copy written while no event came.
   */
  private async scanSiblings(): Promise<void> {
    const bases = [...this.specs.filter((s) => s.kind === 'file').map((s) => s.path), ...this.at.keys()];
    const dirs = new Set(bases.map((b) => dirname(b)));
    for (const dir of dirs) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const n of names) {
        const p = join(dir, n);
        if (this.roleOf(p)?.kind !== 'sibling' || this.openAt(p) || this.deferred.has(p)) continue;
        const st = await stat(p, { bigint: true }).catch(() => null);
        if (!st?.isFile()) continue;
        const sig = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
        if (this.settled.get(p) === sig) continue;
        this.settled.set(p, sig);
        await this.visit(p, false);
      }
    }
  }

  private findOpen(dev: bigint, ino: bigint): TrackedFile | null {
    for (const t of this.open) if (t.ino === ino && t.dev === dev) return t;
    return null;
  }

  private openAt(path: string): boolean {
    for (const t of this.open) if (t.path === path) return true;
    return false;
  }

  private isOpen(key: string): boolean {
    for (const t of this.open) if (t.key === key || t.savedKey === key) return true;
    return false;
  }
}

function deeper(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : Math.max(a, b);
}

function fmtMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
