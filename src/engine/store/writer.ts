import { closeSync, ftruncateSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { IngestRecord, FieldValue } from '../../ingest/record';
import { levelCode, type Level } from '../../shared/levels';
import { PROMOTED_FIELDS } from './schema';
import { GRAM_BLOCK_ROWS, GramBloom, gramBlock, gramEntries } from './message-grams';
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { backfillGrams } from './gram-backfill';
import { bindLists, type Store } from './store';

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

/** A batch as it waits for its commit: already staged, so the queue holds files, not records. */
interface Pending {
  staged: StagedBatch;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** What a commit needs to know of one staged batch (its rows are in its generation's file). */
interface StagedBatch {
  rows: number;
  source: SourceRef;
  unparsed: number;
  minTs: number;
  maxTs: number;
  seen: Map<number, TemplateSeen>;
  /** Field names this batch was first to use (taken back if its commit fails). */
  newFields: Map<string, string>;
  alsoCommit?: { sql: string; params: unknown[] };
}

/**
 * The batches one commit will take: appended to until a commit takes it (or it reaches
 * the per-commit cap), one staging file per source shared by its batches. One file per
 * batch cost a file to create, open and remove per batch, and DuckDB ~0.6 ms per file it
 * reads: with one event per HTTP request, a commit of 30 requests spent 21 ms reading 30
 * files of one row. A commit takes whole generations, oldest first, so it holds every id
 * up to its last (ids are commit order, which the live tail relies on).
 */
class Generation {
  readonly files = new Map<string, CsvFile>();
  readonly pending: Pending[] = [];
  rows = 0;
  /** Skip-index blocks completed while staging into this generation (block, bits). */
  readonly grams: Array<[number, Uint8Array]> = [];
}

/**
 * Work on a batch the writer waits for before staging it: the anomaly scores
 * (src/engine/ml/anomaly/scorer.ts), computed on onnxruntime's threads, which set each
 * record's `anomaly`, `anomalous` and `anomalyReasons`. They are staged with the row, so a
 * row is never durable without them and no UPDATE follows the insert (an UPDATE of the
 * just-inserted rows cost tens of ms per commit).
 */
export interface CommitExtras {
  stage(records: readonly IngestRecord[], firstId: number, fallbackTs: number): Promise<unknown> | null;
}

export interface WriterStats {
  committed: number;
  commits: number;
  lastCommitMs: number;
}

const MAX_USMALLINT = 65535;
/** Up to this many patterns in a commit are updated one by one (see updateFewTemplates). */
const FEW_PATTERNS = 3;

/**
 * The store's only writer. A batch is staged when it is appended (serialised to a file
 * in the data folder, ids given in append order) and its records can be collected; each
 * commit inserts everything staged so far (up to a cap) in one transaction, DuckDB reading
 * the files on its own threads — group commit, so many small batches (live sources) cost
 * one fsync, and a bulk import commits more than a row group (122,880 rows) at a time,
 * which DuckDB writes straight to the file instead of through the WAL and again at
 * checkpoint. A batch's promise resolves only after its rows are durable. The queue is
 * bounded: `append` waits while it is full, which is how back-pressure reaches the sources.
 */
export class LogWriter {
  /** Generations waiting for a commit, oldest first; the last may be `open`. */
  private queue: Generation[] = [];
  /** The generation appends go into (null when a commit took it). */
  private open: Generation | null = null;
  private queuedRows = 0;
  private spaceWaiters: Array<() => void> = [];
  private running = false;
  private nextId = 1;
  private stagedFiles = 0;
  private closed = false;
  private knownFields = new Map<string, string>();
  /** Names of the sources stored (committed), and those the running commit adds. */
  private readonly knownSources = new Set<string>();
  private added: string[] = [];
  /** The skip-index block being filled (the one holding the next id), with the bits of its rows so far. */
  private gramBlock = -1;
  /** The block of the first id this writer gives: every block below it is committed. */
  private firstBlock = 0;
  private backfill: Promise<number> | null = null;
  private grams = new GramBloom();
  readonly stats: WriterStats = { committed: 0, commits: 0, lastCommitMs: 0 };
  /** Called after every commit with the number of rows it stored (0: only statements ran). */
  onCommit: (rows: number) => void = () => {};
  /** The current text of a pattern, for the templates table (set by the engine's miner). */
  templateText: (id: number) => string | null = () => null;
  /** A pattern's inferred severity, for records whose line gave no level (set by the engine's models). */
  severityOf: (templateId: number) => Level | null = () => null;
  /** Set by the engine when an anomaly model is in use. */
  extras: CommitExtras | null = null;
  /** The previous append's turn to queue: batches are queued in append order (ids are commit order). */
  private turn: Promise<void> = Promise.resolve();
  /** Appends between reserving their ids and queueing (waiting for scores): close waits for them. */
  private appending = 0;
  /**
   * Statements to run inside the next commit (the miner's state, saved with the rows it
   * produced). Nothing else may use the writer connection: a commit's transaction stays
   * open across awaits, and a stray statement would land inside it.
   */
  private piggyback: Array<{ sql: string; params: unknown[]; types?: DuckDBType[] }> = [];
  /**
   * Asked at each commit for statements that sum up what happened since the last one (the
   * miner's merges and generalisations): one statement per commit, however many changes.
   */
  /** Statements to run in each commit; ones with `types` (lists bound whole) are prepared once per text. */
  readonly beforeCommit: Array<() => Array<{ sql: string; params: unknown[]; types?: DuckDBType[] }>> = [];

  /** Set by commitSoon: a commit is wanted though nothing may be queued. */
  private wanted = false;

  /** Ask for a commit even when nothing is queued (a beforeCommit builder has statements waiting). */
  commitSoon(): void {
    this.wanted = true;
    void this.drain();
  }

  /** Run a statement in the next commit (one of its own when nothing else is queued). */
  writeWithNextCommit(sql: string, params: unknown[], types?: DuckDBType[]): void {
    this.piggyback.push({ sql, params, types });
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
    for (const f of readdirSync(stagingDir)) if (f.endsWith('.csv') || f.endsWith('.ndjson')) rmSync(join(stagingDir, f), { force: true });
    // 100k rows queued and per commit: the records waiting and DuckDB's uncommitted rows
    // are most of an import's memory past the heap's garbage (DuckDB's uncommitted table
    // held ~146 MB at 250k-row commits); at 50k the 64 MiB access import ran ~10 % slower.
    const w = new LogWriter(store, opts.maxQueuedRows ?? 100_000, opts.maxRowsPerCommit ?? 100_000, stagingDir);
    const [row] = await store.write('SELECT coalesce(max(id), 0)::BIGINT AS max FROM logs');
    w.nextId = Number(row!.max) + 1;
    for (const f of await store.write('SELECT name, type FROM field_names')) w.knownFields.set(String(f.name), String(f.type));
    for (const r of await store.write('SELECT name FROM sources')) w.knownSources.add(String(r.name));
    // The block holding the next id may already hold rows (stored before this start): its
    // bits start from theirs, or the block's entry would miss them.
    w.gramBlock = w.firstBlock = gramBlock(w.nextId);
    const earlier = await store.write('SELECT message FROM logs WHERE id >= ?::BIGINT', [w.gramBlock * GRAM_BLOCK_ROWS]);
    for (const r of earlier) w.grams.add(String(r.message));
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

  /**
   * Resolves once the batch is committed. Waits first while the queue is full. The batch
   * is staged (serialised to a file) at once, so the records can be collected while they
   * wait: the queue costs disk cache, not heap, and can hold more than a row group.
   */
  async append(batch: WriteBatch): Promise<void> {
    if (this.closed) throw new Error('the store is closing');
    await this.whenSpace();
    if (this.closed) throw new Error('the store is closing');
    const firstId = this.nextId;
    this.nextId += batch.records.length;
    // Counted from now, not once staged: a batch waiting for its scores holds its records
    // in memory, and whenSpace must hold the producers back for those too.
    this.queuedRows += batch.records.length;
    this.appending++;
    const before = this.turn;
    let myTurnDone!: () => void;
    this.turn = new Promise<void>((r) => (myTurnDone = r));
    let done: Promise<void>;
    try {
      const ready = this.extras?.stage(batch.records, firstId, batch.fallbackTs) ?? null;
      // A batch whose scores failed is stored without them (the scorer says why in health).
      if (ready) await ready.catch(() => {});
      await before;
      const n = batch.records.length;
      let gen = this.open;
      if (!gen || (gen.rows > 0 && gen.rows + n > this.maxRowsPerCommit)) {
        gen = this.open = new Generation();
        this.queue.push(gen);
      }
      const staged = this.stage(gen, batch, firstId);
      gen.rows += n;
      const into = gen;
      done = new Promise<void>((resolve, reject) => into.pending.push({ staged, resolve, reject }));
    } catch (err) {
      this.queuedRows -= batch.records.length;
      for (const w of this.spaceWaiters.splice(0)) w();
      throw err;
    } finally {
      this.appending--;
      myTurnDone();
    }
    void this.drain();
    return done;
  }

  /**
   * Fills in the skip index for blocks stored without it (gram-backfill.ts), in the
   * background; close stops it.
   */
  backfillGrams(): Promise<number> {
    return (this.backfill ??= backfillGrams(this.store, (sql, params, types) => this.writeWithNextCommit(sql, params, types), this.firstBlock, () => this.closed).catch(
      (err: Error) => {
        console.error(`logscope: indexing stored messages stopped: ${err.message}`);
        return 0;
      },
    ));
  }

  /** Wait for everything queued so far to be committed, then refuse new work. */
  async close(): Promise<void> {
    this.closed = true;
    await this.backfill;
    while (this.running || this.queue.length || this.appending) await new Promise((r) => setTimeout(r, 5));
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length || this.piggyback.length || this.wanted) {
        this.wanted = false;
        const group: Generation[] = [];
        let rows = 0;
        while (this.queue.length && (group.length === 0 || rows + this.queue[0]!.rows <= this.maxRowsPerCommit)) {
          const g = this.queue.shift()!;
          if (g === this.open) this.open = null;
          rows += g.rows;
          group.push(g);
        }
        const pending = group.flatMap((g) => g.pending);
        // The group is out of the queue: producers may fill it again while DuckDB writes
        // this one (parsing and writing overlap; memory stays within two queues' worth).
        this.queuedRows -= rows;
        for (const w of this.spaceWaiters.splice(0)) w();
        try {
          await this.commit(group);
          pending.forEach((p) => p.resolve());
        } catch (err) {
          pending.forEach((p) => p.reject(err as Error));
          this.piggyback.length = 0; // a failed commit must not be retried forever; savers try again later
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async commit(group: Generation[]): Promise<void> {
    const started = performance.now();
    const conn = this.store.writer;
    const ingestMicros = BigInt(Date.now()) * 1000n;
    const batches = group.flatMap((g) => g.pending.map((p) => p.staged));
    const files: Array<{ source: string; file: CsvFile }> = [];
    for (const g of group) for (const [source, file] of g.files) files.push({ source, file });
    const rows = batches.reduce((n, b) => n + b.rows, 0);
    let changedOther = false;
    try {
      for (const f of files) f.file.close();
      await conn.run('BEGIN');
      this.added = [];
      try {
        if (files.length) await this.insertStaged(files, ingestMicros);
        const grams = group.flatMap((g) => g.grams);
        if (grams.length) await this.insertGrams(grams);
        await this.updateSources(batches);
        const seen = mergeSeen(batches);
        if (seen.size) await this.updateTemplates(seen);
        for (const b of batches) if (b.alsoCommit) await this.store.write(b.alsoCommit.sql, b.alsoCommit.params);
        const piggybacked = this.piggyback.splice(0);
        for (const st of piggybacked) await conn.run(st.sql, st.params as DuckDBValue[], st.types);
        changedOther = piggybacked.length > 0;
        for (const build of this.beforeCommit) {
          for (const st of build()) {
            if (st.types) await this.store.runPrepared(st.sql, st.params as DuckDBValue[], st.types);
            else await this.store.write(st.sql, st.params);
            changedOther = true;
          }
        }
        for (const b of batches) {
          for (const [name, type] of b.newFields) await this.store.runPrepared('INSERT OR IGNORE INTO field_names VALUES (?, ?)', [name, type]);
        }
        await conn.run('COMMIT');
        for (const name of this.added) this.knownSources.add(name);
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => {});
        for (const b of batches) for (const name of b.newFields.keys()) this.knownFields.delete(name);
        throw err;
      }
    } finally {
      for (const f of files) {
        f.file.close();
        rmSync(f.file.path, { force: true });
      }
    }
    this.stats.committed += rows;
    this.stats.commits++;
    this.stats.lastCommitMs = performance.now() - started;
    // A commit of only piggybacked statements (the models' answers for patterns) changes
    // what views show too: said like any commit, with no new rows.
    if (rows || changedOther) this.onCommit(rows);
  }

  /**
   * Writes a batch as CSV rows into its generation's file for its source, one row per
   * record in STAGED_KEYS' order, every text quoted (so an empty text and an absent value
   * differ), written field by field into a byte buffer (CsvFile). DuckDB's CSV reader with
   * the columns and types given (no sniffing) reads a commit's files on its own threads.
   * Against columnar NDJSON read by read_json, measured on 365k access-log rows alone on
   * the machine: encoding 1.8 s against 2.1 s of CPU, inserting about the same (1.7
   * against 1.8 s); and UTF-8 encoding replaces a lone UTF-16 surrogate, where JSON
   * escapes could carry one that the JSON reader refused. Ids are given here, in append
   * order, which is commit order. Notes the source's counts, new field names and pattern
   * counts on the way. A batch that fails half-way is cut off the file again: the file's
   * other batches stay whole.
   */
  private stage(gen: Generation, batch: WriteBatch, firstId: number): StagedBatch {
    const staged: StagedBatch = {
      rows: batch.records.length,
      source: batch.source,
      unparsed: 0,
      minTs: Infinity,
      maxTs: -Infinity,
      seen: new Map(),
      newFields: new Map(),
      alsoCommit: batch.alsoCommit,
    };
    if (!staged.rows) return staged;
    let out = gen.files.get(batch.source.name);
    if (!out) {
      out = new CsvFile(join(this.stagingDir, `batch-${process.pid}-${this.stagedFiles++}.csv`));
      gen.files.set(batch.source.name, out);
    }
    const mark = out.mark();
    try {
      for (const r of batch.records) {
        const ts = r.ts ?? batch.fallbackTs;
        if (ts < staged.minTs) staged.minTs = ts;
        if (ts > staged.maxTs) staged.maxTs = ts;
        if (r.parseError) staged.unparsed++;
        this.noteGrams(gen, firstId, r.message);
        writeRow(out, firstId++, r, ts, this.knownFields, staged.newFields, this.severityOf);
        if (r.templateId !== null && r.templateId !== undefined) noteTemplate(staged.seen, r, ts);
      }
      return staged;
    } catch (err) {
      out.rewind(mark);
      for (const name of staged.newFields.keys()) this.knownFields.delete(name);
      throw err;
    }
  }

  /**
   * Adds a message to the skip index's current block; when the id starts a new block, the
   * finished one goes with this generation's commit (after every row of it). Rows of a
   * batch that then fails leave their bits set: a false positive, never a miss.
   */
  private noteGrams(gen: Generation, id: number, message: string): void {
    const block = gramBlock(id);
    if (block !== this.gramBlock) {
      if (this.gramBlock >= 0) gen.grams.push([this.gramBlock, this.grams.bits]);
      this.gramBlock = block;
      this.grams = new GramBloom();
    }
    this.grams.add(message);
  }

  /** The skip-index blocks completed in this commit, as one statement. */
  private async insertGrams(grams: Array<[number, Uint8Array]>): Promise<void> {
    const { sql, lists } = gramEntries(grams);
    const { values, types } = bindLists(lists);
    await this.store.runPrepared(sql, values, types);
  }

  /**
   * One INSERT per source in the commit (an import: one), its name a bound value: no join
   * of the rows with a file → source list, whose hash table DuckDB may build on the rows'
   * side (250k rows and every text: past the memory limit, seen with read_csv).
   */
  private async insertStaged(files: Array<{ source: string; file: CsvFile }>, ingestMicros: bigint): Promise<void> {
    // The reader's line limit (and buffer, which must hold a few lines): DuckDB's defaults
    // unless a row needs more (a record is cut at 1 MiB, but its fields come on top).
    let lineSize = MIN_LINE_BYTES;
    const needed = Math.max(...files.map((f) => f.file.longestRow));
    while (lineSize < needed) lineSize *= 2;
    const columns = Object.entries(STAGED_KEYS)
      .map(([k, t]) => `'${k}': '${t}'`)
      .join(', ');
    const bySource = new Map<string, string[]>();
    for (const { source, file } of files) {
      const paths = bySource.get(source);
      if (paths) paths.push(file.path);
      else bySource.set(source, [file.path]);
    }
    for (const [source, paths] of bySource) {
      // The files are bound (as a list), so the text is the same every commit and stays prepared.
      const { values, types } = bindLists([['VARCHAR', paths]]);
      await this.store.runPrepared(
        `INSERT INTO logs (${STAGED_COLUMNS.map((c) => c[0]).join(', ')})
         SELECT ${STAGED_COLUMNS.map((c) => c[1]).join(', ')}
         FROM read_csv($3::VARCHAR[], columns = {${columns}}, header = false, auto_detect = false,
                       delim = ',', quote = '${QUOTE_CHAR}', escape = '${QUOTE_CHAR}', allow_quoted_nulls = false,
                       strict_mode = true, max_line_size = ${lineSize}, buffer_size = ${lineSize * 4})`,
        [ingestMicros, source, ...values],
        [undefined, undefined, ...types],
      );
    }
  }

  /**
   * Counts and times of the patterns this commit stored, in the same transaction as the
   * rows: one statement per commit, not one per pattern, its rows bound as columns.
   */
  private async updateTemplates(seen: Map<number, TemplateSeen>): Promise<void> {
    if (seen.size <= FEW_PATTERNS) return this.updateFewTemplates(seen);
    const ids: number[] = [];
    const texts: string[] = [];
    const firsts: bigint[] = [];
    const lasts: bigint[] = [];
    const counts: bigint[] = [];
    const examples: string[] = [];
    for (const [id, t] of seen) {
      ids.push(id);
      texts.push(this.templateText(id) ?? t.example);
      firsts.push(BigInt(Math.floor(t.first)));
      lasts.push(BigInt(Math.floor(t.last)));
      counts.push(BigInt(t.count));
      examples.push(t.example);
    }
    const { values, types } = bindLists([
      ['UINTEGER', ids],
      ['VARCHAR', texts],
      ['BIGINT', firsts],
      ['BIGINT', lasts],
      ['BIGINT', counts],
      ['VARCHAR', examples],
    ]);
    await this.store.runPrepared(
      `INSERT INTO templates (id, template, first_ts, last_ts, count, example)
       SELECT unnest($1::UINTEGER[]), unnest($2::VARCHAR[]), epoch_ms(unnest($3::BIGINT[])), epoch_ms(unnest($4::BIGINT[])),
              unnest($5::BIGINT[]), unnest($6::VARCHAR[])
       ON CONFLICT (id) DO UPDATE SET
         template = excluded.template,
         first_ts = least(templates.first_ts, excluded.first_ts),
         last_ts = greatest(templates.last_ts, excluded.last_ts),
         count = templates.count + excluded.count`,
      values,
      types,
    );
  }

  /**
   * A live commit's few patterns, each updated by its key (~1 ms; the upsert costs 3–5 ms
   * of every small commit however few rows it has), inserted when the update found none.
   */
  private async updateFewTemplates(seen: Map<number, TemplateSeen>): Promise<void> {
    for (const [id, t] of seen) {
      const text = this.templateText(id) ?? t.example;
      const first = Math.floor(t.first);
      const last = Math.floor(t.last);
      const updated = await this.store.runPrepared(
        `UPDATE templates SET template = ?, first_ts = least(first_ts, epoch_ms(?::BIGINT)),
           last_ts = greatest(last_ts, epoch_ms(?::BIGINT)), count = count + ?::BIGINT
         WHERE id = ?::UINTEGER`,
        [text, first, last, t.count, id],
      );
      if (updated.rowsChanged > 0) continue;
      await this.store.runPrepared(
        `INSERT INTO templates (id, template, first_ts, last_ts, count, example)
         VALUES (?::UINTEGER, ?, epoch_ms(?::BIGINT), epoch_ms(?::BIGINT), ?::BIGINT, ?)`,
        [id, text, first, last, t.count, t.example],
      );
    }
  }

  /**
   * Each source's counts and time range. A source already stored is updated by its key
   * (0.8 ms; an upsert, ON CONFLICT, costs 3–4 ms of every small live commit); a new one
   * is inserted. Only this writer adds sources, and nothing removes them, so the names
   * it has stored are known exactly.
   */
  private async updateSources(batches: StagedBatch[]): Promise<void> {
    const bySource = new Map<string, { source: SourceRef; records: number; unparsed: number; min: number; max: number }>();
    for (const b of batches) {
      if (!b.rows) continue;
      let s = bySource.get(b.source.name);
      if (!s) bySource.set(b.source.name, (s = { source: b.source, records: 0, unparsed: 0, min: Infinity, max: -Infinity }));
      if (b.source.format) s.source = b.source; // the latest batch knows the detected format
      s.records += b.rows;
      s.unparsed += b.unparsed;
      s.min = Math.min(s.min, b.minTs);
      s.max = Math.max(s.max, b.maxTs);
    }
    for (const s of bySource.values()) {
      const { name, kind, format } = s.source;
      const counts = [s.records, s.unparsed, Math.floor(s.min), Math.floor(s.max)];
      if (this.knownSources.has(name)) {
        await this.store.runPrepared(
          `UPDATE sources SET format = coalesce(?, format), records = records + ?::BIGINT, unparsed = unparsed + ?::BIGINT,
             first_ts = least(first_ts, epoch_ms(?::BIGINT)), last_ts = greatest(last_ts, epoch_ms(?::BIGINT))
           WHERE name = ?`,
          [format, ...counts, name],
        );
      } else {
        await this.store.runPrepared(
          `INSERT INTO sources (name, kind, format, records, unparsed, first_ts, last_ts, added_at)
           VALUES (?, ?, ?, ?::BIGINT, ?::BIGINT, epoch_ms(?::BIGINT), epoch_ms(?::BIGINT), now()::TIMESTAMP)`,
          [name, kind, format, ...counts],
        );
        this.added.push(name);
      }
    }
  }
}

/** The keys of a staging row and their types as DuckDB reads them. */
const STAGED_KEYS = {
  id: 'BIGINT',
  ts: 'BIGINT',
  level: 'UTINYINT',
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
  anomaly: 'FLOAT',
  anomalous: 'BOOLEAN',
  anomaly_reasons: 'VARCHAR',
} as const;

/**
 * Each `logs` column a commit fills, and the SQL over the staging row that gives it
 * ($1 the commit's ingest time in µs, $2 the files' source). Named, so a later
 * migration's new columns simply stay NULL here.
 */
const STAGED_COLUMNS: Array<[string, string]> = [
  ['id', 'id'],
  ['ts', 'make_timestamp(ts)'],
  ['ingest_ts', 'make_timestamp($1::BIGINT)'],
  ['level', 'level'],
  ['source', '$2::VARCHAR'],
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
  ['anomaly', 'anomaly'],
  ['anomalous', 'anomalous'],
  ['anomaly_reasons', 'anomaly_reasons'],
];
/** DuckDB's default max_line_size (its buffer is four times that). */
const MIN_LINE_BYTES = 2 * 1024 * 1024;
const CSV_BUFFER_BYTES = 4 * 1024 * 1024;
/**
 * The CSV quote (and its escape, by doubling): U+0001, which log text practically never
 * holds, instead of '"', which it often does (access logs, and every JSON text of fields
 * and params): doubling quotes cost a copy of most texts.
 */
const QUOTE_CHAR = '\u0001';
const QUOTE = 1;
const COMMA = 44;
const NEWLINE = 10;

/**
 * A staging file written field by field straight into a byte buffer (UTF-8, a native call
 * per text): no string per row to build, flatten and collect — those cost more than the
 * rows' encoding did (GC was a fifth of the JavaScript thread's import time). Written at
 * explicit positions, so a batch can be cut off again (`rewind`) however much of it has
 * gone to the file.
 */
class CsvFile {
  private fd: number | null;
  private buf = Buffer.allocUnsafe(CSV_BUFFER_BYTES);
  private pos = 0;
  private rowStart = 0;
  /** Bytes already in the file (the buffer's first byte goes there). */
  private written = 0;
  /** Bytes of the longest row so far. */
  longestRow = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Where the next row starts (for `rewind`). */
  mark(): number {
    return this.written + this.rowStart;
  }

  /** Drops everything written since `mark()` returned `at`. */
  rewind(at: number): void {
    if (at >= this.written) {
      this.pos = this.rowStart = at - this.written;
      return;
    }
    ftruncateSync(this.fd!, at);
    this.written = at;
    this.pos = this.rowStart = 0;
  }

  /** A text as a quoted field (the quote doubled inside; two quotes are an empty text); null as an empty field (NULL). */
  text(s: string | null | undefined): void {
    if (s === null || s === undefined) return;
    if (s.indexOf(QUOTE_CHAR) >= 0) s = s.replaceAll(QUOTE_CHAR, QUOTE_CHAR + QUOTE_CHAR);
    this.room(s.length * 3 + 2);
    const b = this.buf;
    b[this.pos++] = QUOTE;
    this.pos += b.write(s, this.pos, 'utf8');
    b[this.pos++] = QUOTE;
  }

  /** A number (or boolean) as written by String(); null as an empty field. */
  value(v: number | boolean | null | undefined): void {
    if (v === null || v === undefined) return;
    const s = String(v);
    this.room(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  comma(): void {
    this.room(1);
    this.buf[this.pos++] = COMMA;
  }

  endRow(): void {
    this.room(1);
    this.buf[this.pos++] = NEWLINE;
    const bytes = this.pos - this.rowStart;
    if (bytes > this.longestRow) this.longestRow = bytes;
    if (this.pos >= CSV_BUFFER_BYTES / 2) this.writeOut(this.pos);
    this.rowStart = this.pos;
  }

  /** Writes out what is buffered and closes the file; again is a no-op. */
  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      this.writeOut(this.pos, fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Writes the buffer's first n bytes (whole rows) to the file and moves the rest to the front. */
  private writeOut(n: number, fd = this.fd!): void {
    let at = 0;
    while (at < n) at += writeSync(fd, this.buf, at, n - at, this.written + at);
    this.written += n;
    this.buf.copy(this.buf, 0, n, this.pos);
    this.pos -= n;
    this.rowStart -= n;
  }

  /** Makes room for n more bytes: writes out the whole rows buffered, or grows for one long row. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.writeOut(this.rowStart);
    if (this.pos + n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
      this.buf.copy(bigger, 0, 0, this.pos);
      this.buf = bigger;
    }
  }
}

/** One record as a CSV row, in STAGED_KEYS' order. */
function writeRow(
  out: CsvFile,
  id: number,
  r: IngestRecord,
  ts: number,
  known: Map<string, string>,
  added: Map<string, string>,
  severityOf: (templateId: number) => Level | null,
): void {
  const f = r.fields;
  // The effective severity: the line's own level, else its pattern's inferred one.
  const inferred = r.level === null && r.templateId !== null && r.templateId !== undefined ? severityOf(r.templateId) : null;
  const level = levelCode(r.level);
  out.value(id);
  out.comma();
  out.value(Math.round(ts * 1000));
  out.comma();
  out.value(level);
  out.comma();
  out.value(r.line);
  out.comma();
  out.text(r.host);
  out.comma();
  out.text(r.app);
  out.comma();
  out.text(r.message);
  out.comma();
  out.text(r.format);
  out.comma();
  if (f) {
    const status = toInt(f.status);
    out.value(status !== null && status >= 0 && status <= MAX_USMALLINT ? status : null);
    out.comma();
    out.text(toText(f.method));
    out.comma();
    out.text(toText(f.path));
    out.comma();
    out.text(toText(f.client));
    out.comma();
    out.value(toInt(f.bytes));
    out.comma();
    out.value(toNum(f.duration_ms));
    out.comma();
    out.text(restAsJson(f, known, added));
    out.comma();
  } else {
    for (let i = 0; i < 7; i++) out.comma();
  }
  out.text(r.parseError);
  out.comma();
  out.value(r.templateId);
  out.comma();
  out.text(r.params && r.params.length ? JSON.stringify(r.params) : null);
  out.comma();
  out.value(r.level !== null ? level : inferred !== null ? levelCode(inferred) : null);
  out.comma();
  out.value(r.level !== null ? false : inferred !== null ? true : null);
  out.comma();
  const score = r.anomaly;
  out.value(score !== null && score !== undefined && Number.isFinite(score) ? score : null);
  out.comma();
  out.value(score !== null && score !== undefined && Number.isFinite(score) ? (r.anomalous ?? null) : null);
  out.comma();
  out.text(r.anomalyReasons ?? null);
  out.endRow();
}

/** The pattern counts of several batches, summed. */
function mergeSeen(batches: StagedBatch[]): Map<number, TemplateSeen> {
  const out = new Map<number, TemplateSeen>();
  for (const b of batches) {
    for (const [id, t] of b.seen) {
      const o = out.get(id);
      if (!o) out.set(id, { ...t });
      else {
        o.count += t.count;
        o.first = Math.min(o.first, t.first);
        o.last = Math.max(o.last, t.last);
      }
    }
  }
  return out;
}

interface TemplateSeen {
  count: number;
  first: number;
  last: number;
  example: string;
}

function noteTemplate(seen: Map<number, TemplateSeen>, r: IngestRecord, ts: number): void {
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

