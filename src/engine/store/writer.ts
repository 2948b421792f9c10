import { listValue } from '@duckdb/node-api';
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { IngestRecord, FieldValue } from '../../ingest/record';
import { levelCode, type Level } from '../../shared/levels';
import { PROMOTED_FIELDS } from './schema';
import type { Store } from './store';

export type SourceKind = 'file' | 'upload' | 'http' | 'syslog' | 'gelf' | 'follow';

export interface SourceRef {
  name: string;
  kind: SourceKind;
  format: string | null;
}

/** One batch handed to the writer: records of one source, in source order. */
export interface WriteBatch {
  source: SourceRef;
  records: IngestRecord[];
  /** Filled in for records whose line carried no timestamp and inherited none. */
  fallbackTs: number;
  /** A statement committed in the same transaction as these rows (a followed file's offset). */
  alsoCommit?: { sql: string; params: unknown[] };
}

interface Pending {
  batch: WriteBatch;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface WriterStats {
  committed: number;
  commits: number;
  lastCommitMs: number;
}

const MAX_USMALLINT = 65535;

/**
 * The store's only writer. Batches queue up; each commit takes everything queued (up to
 * a cap) and writes it in one transaction with the appender — group commit, so many
 * small batches (live sources) cost one fsync, and a bulk import commits more than a row
 * group (122,880 rows) at a time, which DuckDB writes straight to the file instead of
 * through the WAL and again at checkpoint (measured: flush + commit 9 s → 1.5 s per
 * 500k rows); and a batch's promise resolves only after
 * its rows are durable. The queue is bounded: `append` waits while it is full, which is
 * how back-pressure reaches the sources.
 */
export class LogWriter {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private spaceWaiters: Array<() => void> = [];
  private running = false;
  private nextId = 1;
  private closed = false;
  private knownFields = new Map<string, string>();
  readonly stats: WriterStats = { committed: 0, commits: 0, lastCommitMs: 0 };
  /** Called after every commit with the number of rows it stored. */
  onCommit: (rows: number) => void = () => {};
  /** The current text of a pattern, for the templates table (set by the engine's miner). */
  templateText: (id: number) => string | null = () => null;
  /** A pattern's inferred severity, for records whose line gave no level (set by the engine's models). */
  severityOf: (templateId: number) => Level | null = () => null;
  /**
   * Statements to run inside the next commit (the miner's state, saved with the rows it
   * produced). Nothing else may use the writer connection: a commit's transaction stays
   * open across awaits, and a stray statement would land inside it.
   */
  private piggyback: Array<{ sql: string; params: unknown[] }> = [];

  /** Run a statement in the next commit (one of its own when nothing else is queued). */
  writeWithNextCommit(sql: string, params: unknown[]): void {
    this.piggyback.push({ sql, params });
    void this.drain();
  }

  private constructor(
    private readonly store: Store,
    private readonly maxQueuedRows: number,
    private readonly maxRowsPerCommit: number,
    private readonly stagingDir: string,
  ) {}

  static async create(store: Store, opts: { maxQueuedRows?: number; maxRowsPerCommit?: number } = {}): Promise<LogWriter> {
    // Staging files live beside the database (same disk, the user's own folder); what a
    // crash left there was never committed, and goes.
    const stagingDir = join(dirname(store.file), 'staging');
    mkdirSync(stagingDir, { recursive: true });
    for (const f of readdirSync(stagingDir)) if (f.startsWith(`commit-`)) rmSync(join(stagingDir, f), { force: true });
    const w = new LogWriter(store, opts.maxQueuedRows ?? 60_000, opts.maxRowsPerCommit ?? 250_000, stagingDir);
    const [row] = await store.write('SELECT coalesce(max(id), 0)::BIGINT AS max FROM logs');
    w.nextId = Number(row!.max) + 1;
    for (const f of await store.write('SELECT name, type FROM field_names')) w.knownFields.set(String(f.name), String(f.type));
    return w;
  }

  /** True while the queue is at its bound: receivers answer 429/503 rather than wait. */
  get full(): boolean {
    return this.queuedRows >= this.maxQueuedRows;
  }

  /** Resolves when the queue has room: producers await it before reading more input. */
  async whenSpace(): Promise<void> {
    while (this.queuedRows >= this.maxQueuedRows) await new Promise<void>((r) => this.spaceWaiters.push(r));
  }

  /** Resolves once the batch is committed. Waits first while the queue is full. */
  async append(batch: WriteBatch): Promise<void> {
    if (this.closed) throw new Error('the store is closing');
    await this.whenSpace();
    const done = new Promise<void>((resolve, reject) => this.queue.push({ batch, resolve, reject }));
    this.queuedRows += batch.records.length;
    void this.drain();
    return done;
  }

  /** Wait for everything queued so far to be committed, then refuse new work. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running || this.queue.length) await new Promise((r) => setTimeout(r, 5));
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length || this.piggyback.length) {
        const group: Pending[] = [];
        let rows = 0;
        while (this.queue.length && (group.length === 0 || rows + this.queue[0]!.batch.records.length <= this.maxRowsPerCommit)) {
          const p = this.queue.shift()!;
          rows += p.batch.records.length;
          group.push(p);
        }
        // The group is out of the queue: producers may fill it again while DuckDB writes
        // this one (parsing and writing overlap; memory stays within two queues' worth).
        this.queuedRows -= rows;
        for (const w of this.spaceWaiters.splice(0)) w();
        try {
          await this.commit(group.map((p) => p.batch));
          group.forEach((p) => p.resolve());
        } catch (err) {
          group.forEach((p) => p.reject(err as Error));
          this.piggyback.length = 0; // a failed commit must not be retried forever; savers try again later
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async commit(batches: WriteBatch[]): Promise<void> {
    const started = performance.now();
    const conn = this.store.writer;
    const ingestMicros = BigInt(Date.now()) * 1000n;
    const firstId = this.nextId;
    const newFields = new Map<string, string>();
    const seen = new Map<number, TemplateSeen>();
    // Rows go to a staging file first, serialised on this thread, and DuckDB reads them on
    // its own threads; the appender made one native call per value and compressed on the
    // JavaScript thread, which then could not parse the next batch meanwhile.
    const staged = this.stage(batches, firstId, newFields, seen);
    const sources = batches.map((b) => b.source.name);
    await conn.run('BEGIN');
    try {
      try {
        if (staged.rows) await this.insertStaged(staged.path, staged.maxRowBytes, ingestMicros, sources);
      } catch (err) {
        // Text the JSON reader refuses (a lone UTF-16 surrogate from a receiver's JSON):
        // stage it again with such text made well-formed rather than lose the commit. The
        // insert is the transaction's first statement, so nothing else is undone.
        if (!/json|unicode|utf|surrogate/i.test(String((err as Error).message))) throw err;
        await conn.run('ROLLBACK');
        this.stage(batches, firstId, new Map(), new Map(), true);
        await conn.run('BEGIN');
        await this.insertStaged(staged.path, staged.maxRowBytes, ingestMicros, sources);
      }
      const id = firstId + staged.rows;
      for (const b of batches) await this.updateSource(b);
      if (seen.size) await this.updateTemplates(seen);
      for (const b of batches) if (b.alsoCommit) await this.store.write(b.alsoCommit.sql, b.alsoCommit.params);
      for (const st of this.piggyback.splice(0)) await this.store.write(st.sql, st.params);
      for (const [name, type] of newFields) {
        await conn.run('INSERT OR IGNORE INTO field_names VALUES (?, ?)', [name, type]);
      }
      await conn.run('COMMIT');
      this.nextId = id;
    } catch (err) {
      await conn.run('ROLLBACK').catch(() => {});
      for (const name of newFields.keys()) this.knownFields.delete(name);
      throw err;
    } finally {
      rmSync(staged.path, { force: true });
    }
    const rows = this.nextId - firstId;
    this.stats.committed += rows;
    this.stats.commits++;
    this.stats.lastCommitMs = performance.now() - started;
    if (rows) this.onCommit(rows);
  }

  /**
   * Writes the rows of a commit as NDJSON (one short-keyed object per row; V8's
   * JSON.stringify is the fastest serialiser there is here, and DuckDB's JSON reader
   * parses in parallel). Notes new field names and pattern counts on the way.
   */
  private stage(
    batches: WriteBatch[],
    firstId: number,
    newFields: Map<string, string>,
    seen: Map<number, TemplateSeen>,
    wellFormed = false,
  ): { path: string; rows: number; maxRowBytes: number } {
    const path = join(this.stagingDir, `commit-${process.pid}-${this.stats.commits}.ndjson`);
    const fd = openSync(path, 'w');
    try {
      let id = firstId;
      let longest = 0;
      let parts: string[] = [];
      for (let batchNo = 0; batchNo < batches.length; batchNo++) {
        const b = batches[batchNo]!;
        for (const r of b.records) {
          const values = stagedRow(id++, batchNo, r, b.fallbackTs, this.knownFields, newFields, this.severityOf);
          const row = wellFormed ? JSON.stringify(values, (_k, v) => (typeof v === 'string' ? toWellFormed(v) : v)) : JSON.stringify(values);
          if (row.length > longest) longest = row.length;
          parts.push(row);
          if (!wellFormed && r.templateId !== null && r.templateId !== undefined) noteTemplate(seen, r, b.fallbackTs);
          if (parts.length === STAGE_ROWS_PER_WRITE) {
            writeSync(fd, parts.join('\n') + '\n');
            parts = [];
          }
        }
      }
      if (parts.length) writeSync(fd, parts.join('\n') + '\n');
      return { path, rows: id - firstId, maxRowBytes: longest * 3 };
    } finally {
      closeSync(fd);
    }
  }

  private async insertStaged(path: string, maxRowBytes: number, ingestMicros: bigint, sources: string[]): Promise<void> {
    // The reader allocates buffers of this size per thread: DuckDB's default unless a row needs more.
    let objectSize = MIN_OBJECT_BYTES;
    while (objectSize < maxRowBytes) objectSize *= 2;
    const keys = Object.entries(STAGED_KEYS)
      .map(([k, t]) => `${k}: '${t}'`)
      .join(', ');
    await this.store.writer.run(
      `INSERT INTO logs (${STAGED_COLUMNS.map((c) => c[0]).join(', ')})
       SELECT ${STAGED_COLUMNS.map((c) => c[1]).join(', ')}
       FROM read_json(${sqlString(path)}, format = 'newline_delimited', maximum_object_size = ${objectSize}, columns = {${keys}})`,
      [ingestMicros, listValue(sources)],
    );
  }

  /**
   * Counts and times of the patterns this commit stored, in the same transaction as the
   * rows: one statement over a VALUES list per commit, not one per pattern.
   */
  private async updateTemplates(seen: Map<number, TemplateSeen>): Promise<void> {
    const rows: string[] = [];
    const params: unknown[] = [];
    for (const [id, t] of seen) {
      rows.push('(?::UINTEGER, ?, epoch_ms(?::BIGINT), epoch_ms(?::BIGINT), ?::BIGINT, ?)');
      params.push(id, this.templateText(id) ?? t.example, Math.floor(t.first), Math.floor(t.last), t.count, t.example);
    }
    await this.store.write(
      `INSERT INTO templates (id, template, first_ts, last_ts, count, example) VALUES ${rows.join(', ')}
       ON CONFLICT (id) DO UPDATE SET
         template = excluded.template,
         first_ts = least(templates.first_ts, excluded.first_ts),
         last_ts = greatest(templates.last_ts, excluded.last_ts),
         count = templates.count + excluded.count`,
      params,
    );
  }

  private async updateSource(b: WriteBatch): Promise<void> {
    let unparsed = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const r of b.records) {
      if (r.parseError) unparsed++;
      const ts = r.ts ?? b.fallbackTs;
      if (ts < min) min = ts;
      if (ts > max) max = ts;
    }
    if (!b.records.length) return;
    await this.store.writer.run(
      `INSERT INTO sources (name, kind, format, records, unparsed, first_ts, last_ts, added_at)
       VALUES (?, ?, ?, ?, ?, epoch_ms(?::BIGINT), epoch_ms(?::BIGINT), now()::TIMESTAMP)
       ON CONFLICT (name) DO UPDATE SET
         format = coalesce(excluded.format, sources.format),
         records = sources.records + excluded.records,
         unparsed = sources.unparsed + excluded.unparsed,
         first_ts = least(sources.first_ts, excluded.first_ts),
         last_ts = greatest(sources.last_ts, excluded.last_ts)`,
      [b.source.name, b.source.kind, b.source.format, b.records.length, unparsed, Math.floor(min), Math.floor(max)],
    );
  }
}

/** The keys of a staging row and their types as DuckDB reads them. */
const STAGED_KEYS: Record<string, string> = {
  id: 'BIGINT',
  ts: 'BIGINT',
  level: 'UTINYINT',
  batch: 'UINTEGER',
  line: 'UBIGINT',
  host: 'VARCHAR',
  app: 'VARCHAR',
  message: 'VARCHAR',
  format: 'VARCHAR',
  status: 'USMALLINT',
  method: 'VARCHAR',
  path: 'VARCHAR',
  client: 'VARCHAR',
  bytes: 'BIGINT',
  duration_ms: 'DOUBLE',
  fields: 'VARCHAR',
  parse_error: 'VARCHAR',
  template_id: 'UINTEGER',
  params: 'VARCHAR',
  severity: 'UTINYINT',
  severity_inferred: 'BOOLEAN',
};

/**
 * Each `logs` column a commit fills, and the SQL over the staging row that gives it
 * ($1 the commit's ingest time in µs, $2 the batches' source names). Named, so a later
 * migration's new columns simply stay NULL here.
 */
const STAGED_COLUMNS: Array<[string, string]> = [
  ['id', 'id'],
  ['ts', 'make_timestamp(ts)'],
  ['ingest_ts', 'make_timestamp($1::BIGINT)'],
  ['level', 'level'],
  ['source', '($2::VARCHAR[])[batch + 1]'],
  ['line', 'line'],
  ['host', 'host'],
  ['app', 'app'],
  ['message', 'message'],
  ['format', 'format'],
  ['status', 'status'],
  ['method', 'method'],
  ['path', 'path'],
  ['client', 'client'],
  ['bytes', 'bytes'],
  ['duration_ms', 'duration_ms'],
  ['fields', 'fields'],
  ['parse_error', 'parse_error'],
  ['template_id', 'template_id'],
  ['params', 'params'],
  ['severity', 'severity'],
  ['severity_inferred', 'severity_inferred'],
];
const STAGE_ROWS_PER_WRITE = 2_000;
const MIN_OBJECT_BYTES = 16 * 1024 * 1024;

/** Lone UTF-16 surrogates replaced by U+FFFD (String.prototype.toWellFormed, once the lib has it). */
function toWellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * One row of the staging file; keys are the column names of STAGED_COLUMNS. Absent
 * values are left out (undefined), not written as null: fewer bytes to write and read.
 * Source and format are the same for a whole batch: `batch` indexes them.
 */
function stagedRow(
  id: number,
  batch: number,
  r: IngestRecord,
  fallbackTs: number,
  known: Map<string, string>,
  added: Map<string, string>,
  severityOf: (templateId: number) => Level | null,
): Record<string, unknown> {
  const f = r.fields;
  // The effective severity: the line's own level, else its pattern's inferred one.
  const inferred = r.level === null && r.templateId !== null && r.templateId !== undefined ? severityOf(r.templateId) : null;
  const row: Record<string, unknown> = {
    id,
    ts: Math.round((r.ts ?? fallbackTs) * 1000),
    level: levelCode(r.level),
    batch,
    line: r.line,
    host: r.host ?? undefined,
    app: r.app ?? undefined,
    message: r.message,
    format: r.format === undefined ? undefined : r.format,
    parse_error: r.parseError ?? undefined,
    template_id: r.templateId ?? undefined,
    params: r.params && r.params.length ? JSON.stringify(r.params) : undefined,
    severity: r.level !== null ? levelCode(r.level) : inferred !== null ? levelCode(inferred) : undefined,
    severity_inferred: r.level !== null ? false : inferred !== null ? true : undefined,
  };
  if (f) {
    const status = toInt(f.status);
    if (status !== null && status >= 0 && status <= MAX_USMALLINT) row.status = status;
    row.method = toText(f.method) ?? undefined;
    row.path = toText(f.path) ?? undefined;
    row.client = toText(f.client) ?? undefined;
    row.bytes = toInt(f.bytes) ?? undefined;
    row.duration_ms = toNum(f.duration_ms) ?? undefined;
    row.fields = restAsJson(f, known, added) ?? undefined;
  }
  return row;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

interface TemplateSeen {
  count: number;
  first: number;
  last: number;
  example: string;
}

function noteTemplate(seen: Map<number, TemplateSeen>, r: IngestRecord, fallbackTs: number): void {
  const ts = r.ts ?? fallbackTs;
  const t = seen.get(r.templateId!);
  if (!t) seen.set(r.templateId!, { count: 1, first: ts, last: ts, example: r.message.slice(0, 2000) });
  else {
    t.count++;
    if (ts < t.first) t.first = ts;
    if (ts > t.last) t.last = ts;
  }
}

function toText(v: FieldValue | undefined): string | null {
  return v === undefined || v === null ? null : String(v);
}

function toNum(v: FieldValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function toInt(v: FieldValue | undefined): number | null {
  const n = toNum(v);
  return n !== null && Number.isSafeInteger(n) ? n : null;
}

/** The record's non-promoted fields as JSON (null when none), noting new field names. */
function restAsJson(f: Record<string, FieldValue>, known: Map<string, string>, added: Map<string, string>): string | null {
  let out: Record<string, FieldValue> | null = null;
  for (const key in f) {
    if (key in PROMOTED_FIELDS) continue;
    const v = f[key]!;
    (out ??= {})[key] = v;
    if (!known.has(key)) {
      const type = typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'text';
      known.set(key, type);
      added.set(key, type);
    }
  }
  return out ? JSON.stringify(out) : null;
}

