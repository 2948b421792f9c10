/**
 * Patterns of files without storing them (`logscope patterns`): each file read, its format
 * detected and its lines assembled into records exactly as import does (readLines →
 * assembleRecords), every record's message through one miner, and the result kept per
 * physical line.
 *
 * Lines and records: a record's pattern belongs to every physical line of it — its first
 * line, its continuation lines (a stack trace) and blank lines inside it. Blank lines after
 * a record's last non-blank line (before the next record) are in no record, as import
 * stores none of them: their pattern is null, as for blank lines before the first record.
 *
 * Ids are the miner's, stable when a template generalises; a pattern that merged into
 * another is reported as the survivor (ids and texts are taken at the end of the run).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { TemplateMiner, type MinerOptions, type TemplateChange } from '../../ingest/patterns/miner';
import { assembleRecords } from '../../ingest/pipeline';
import { readLines, type LineChunk } from '../../ingest/sources/file-lines';

export interface MinedFile {
  path: string;
  /** The detected format, null when the file could not be read. */
  format: string | null;
  lines: number;
  records: number;
  /** Per physical line (index line − 1): the pattern of its record as mined, 0 for a line in no record. */
  ids: Uint32Array;
  /** Why the file could not be read (wholly or from some line on); null when it was. */
  error: string | null;
  warnings: string[];
}

export interface PatternCount {
  id: number;
  template: string;
  /** Records of this pattern and of those merged into it. */
  count: number;
  /** The first message seen of it. */
  example: string;
}

export interface MineFilesOptions {
  miner?: MinerOptions;
  /** Zone for timestamps that carry none (import's default: local). */
  defaultZone?: string;
}

/** One run over some files: one miner, so a pattern has one id across them. */
export class PatternRun {
  readonly miner: TemplateMiner;
  readonly files: MinedFile[] = [];
  /** Every id's latest text, kept when a pattern is evicted. */
  private readonly texts = new Map<number, string>();
  private readonly examples = new Map<number, string>();
  private readonly counts = new Map<number, number>();
  /** Merged-away id → the pattern it merged into. */
  private readonly survivor = new Map<number, number>();

  constructor(private readonly opts: MineFilesOptions = {}) {
    this.miner = new TemplateMiner({ ...opts.miner, onChange: (c) => this.onChange(c) });
  }

  /** Mines a file or every file of a folder (hidden entries skipped, in name order). */
  async add(path: string): Promise<void> {
    let st;
    try {
      st = await stat(path);
    } catch (err) {
      this.files.push(failed(path, describeFsError(err, path)));
      return;
    }
    if (st.isDirectory()) {
      const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      const inner = entries.filter((e) => !e.name.startsWith('.') && (e.isFile() || e.isDirectory()));
      if (!inner.length) this.files.push(failed(path, 'folder has no files'));
      for (const e of inner) await this.add(join(path, e.name));
      return;
    }
    if (!st.isFile()) {
      this.files.push(failed(path, 'not a regular file'));
      return;
    }
    await this.mineFile(path, st.mtimeMs);
  }

  /** The pattern an id stands for at the end of the run (itself, or the one it merged into). */
  live(id: number): number {
    for (let next = this.survivor.get(id); next !== undefined; next = this.survivor.get(id)) id = next;
    return id;
  }

  /** The current text of a pattern (the last one it had, if the cap evicted it). */
  template(id: number): string {
    const live = this.live(id);
    return this.miner.get(live)?.template ?? this.texts.get(live) ?? '';
  }

  /** Patterns by record count, merged ones folded into their survivor. */
  summary(): PatternCount[] {
    const byLive = new Map<number, PatternCount>();
    for (const [id, count] of this.counts) {
      const live = this.live(id);
      const p = byLive.get(live);
      if (p) p.count += count;
      else
        byLive.set(live, {
          id: live,
          template: this.template(live),
          count,
          example: this.examples.get(live) ?? this.examples.get(id) ?? '',
        });
    }
    return [...byLive.values()].sort((a, b) => b.count - a.count || a.id - b.id);
  }

  private async mineFile(path: string, mtimeMs: number): Promise<void> {
    const file: MinedFile = { path, format: null, lines: 0, records: 0, ids: new Uint32Array(0), error: null, warnings: [] };
    this.files.push(file);
    let ids = new Uint32Array(1024);
    let blank = new Uint8Array(1024);
    let lines = 0;
    // Blank lines are noted as they pass, for the line → record attribution afterwards.
    async function* noting(chunks: AsyncIterable<LineChunk>): AsyncGenerator<LineChunk> {
      for await (const chunk of chunks) {
        const end = chunk.firstLine - 1 + chunk.lines.length;
        if (end > blank.length) {
          let size = blank.length;
          while (size < end) size *= 2;
          const b = new Uint8Array(size);
          b.set(blank);
          blank = b;
        }
        const at = chunk.firstLine - 1;
        for (let i = 0; i < chunk.lines.length; i++) blank[at + i] = isBlank(chunk.lines[i]!) ? 1 : 0;
        lines = Math.max(lines, end);
        yield chunk;
      }
    }
    try {
      const chunks = noting(readLines(path, { onWarning: (w) => file.warnings.push(w) }));
      const time = { defaultZone: this.opts.defaultZone ?? 'local', referenceMs: mtimeMs };
      for await (const batch of assembleRecords(chunks, { time, onFormat: (f) => (file.format = f) })) {
        for (const r of batch.records) {
          const m = this.miner.add(r.message);
          if (m.isNew) {
            this.texts.set(m.id, m.template);
            this.examples.set(m.id, r.message);
          }
          this.counts.set(m.id, (this.counts.get(m.id) ?? 0) + 1);
          if (r.line > ids.length) {
            let size = ids.length;
            while (size < r.line) size *= 2;
            const next = new Uint32Array(size);
            next.set(ids);
            ids = next;
          }
          ids[r.line - 1] = m.id;
          file.records++;
        }
      }
    } catch (err) {
      // (file-lines speaks of importing; here nothing is)
      file.error = (err as Error).message.replace(/; not imported$/, '');
    }
    file.lines = lines;
    file.ids = attribute(ids.subarray(0, lines), blank);
    if (lines === 0 && !file.error) file.warnings.push('empty file');
  }

  private onChange(c: TemplateChange): void {
    if (c.kind === 'merged') {
      this.survivor.set(c.from, c.into);
      this.texts.set(c.into, c.template);
    } else if (c.kind === 'generalised') this.texts.set(c.id, c.template);
  }
}

/** Mines the files (or folders) in order with one miner. */
export async function mineFiles(paths: string[], opts: MineFilesOptions = {}): Promise<PatternRun> {
  const run = new PatternRun(opts);
  for (const p of paths) await run.add(p);
  return run;
}

/**
 * Record starts (ids set at their first line) → every line of each record: continuation
 * lines take the record's id, and so do blank lines that a later line of the record follows.
 */
function attribute(ids: Uint32Array, blank: Uint8Array): Uint32Array {
  let current = 0;
  let blankFrom = -1;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] !== 0) {
      current = ids[i]!;
      blankFrom = -1;
    } else if (blank[i]) {
      if (blankFrom < 0) blankFrom = i;
    } else {
      if (blankFrom >= 0) ids.fill(current, blankFrom, i);
      blankFrom = -1;
      ids[i] = current;
    }
  }
  return ids;
}

/** As the assembler decides it: empty, or only spaces and tabs (and other whitespace). */
function isBlank(line: string): boolean {
  if (line.length === 0) return true;
  const c = line.charCodeAt(0);
  return (c === 32 || c === 9) && line.trim() === '';
}

function failed(path: string, error: string): MinedFile {
  return { path, format: null, lines: 0, records: 0, ids: new Uint32Array(0), error, warnings: [] };
}

function describeFsError(err: unknown, path: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `no such file: ${basename(path)}`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied`;
  return (err as Error).message;
}
