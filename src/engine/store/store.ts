import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { DuckDBConnection, DuckDBInstance, DuckDBMaterializedResult, DuckDBPreparedStatement, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { DB_FILE } from '../paths';
import { migrations, SCHEMA_VERSION } from './schema';

// Loaded with require, not import: from ESM, Node first scans a CommonJS package for its
// export names, which for DuckDB's bindings costs ~250 ms of every start (measured: import
// 470–500 ms, require 210–250 ms). Headless start to a usable UI has a 1 s budget.
const duckdb = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');

export class StoreLockedError extends Error {
  constructor(readonly file: string) {
    super(`the database ${file} is in use by another LogScope process`);
    this.name = 'StoreLockedError';
  }
}

export type Row = Record<string, DuckDBValue>;

export type ListElement = 'UINTEGER' | 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BLOB';

/**
 * Columns of many rows bound as one LIST parameter each, for `unnest($n::T[])` in SQL: a
 * commit's bookkeeping of 3,000 patterns took 34 ms so against 580 ms as a VALUES list of
 * 18,000 scalar parameters (DuckDB binds each one).
 */
export function bindLists(lists: Array<[ListElement, readonly (string | number | bigint | Uint8Array | null)[]]>): {
  values: DuckDBValue[];
  types: DuckDBType[];
} {
  const element = { UINTEGER: duckdb.UINTEGER, BIGINT: duckdb.BIGINT, DOUBLE: duckdb.DOUBLE, VARCHAR: duckdb.VARCHAR, BLOB: duckdb.BLOB };
  const item = (v: string | number | bigint | Uint8Array | null): DuckDBValue => (v instanceof Uint8Array ? duckdb.blobValue(v) : v);
  return {
    values: lists.map(([, items]) => duckdb.listValue(items.map(item))),
    types: lists.map(([t]) => duckdb.LIST(element[t])),
  };
}

/** Prepared writer statements kept (the writer has about ten texts; the oldest goes first). */
const MAX_PREPARED = 64;

/**
 * The DuckDB file of one workspace: one writer connection (appends and every other
 * change go through it, in order) and a few reader connections so queries never wait
 * behind an import's commit.
 */

export class Store {
  private readerIndex = 0;
  private readonly prepared = new Map<string, DuckDBPreparedStatement>();

  private constructor(
    readonly file: string,
    private readonly instance: DuckDBInstance,
    readonly writer: DuckDBConnection,
    private readonly readers: DuckDBConnection[],
  ) {}

  static async open(dataDir: string, opts: { readers?: number } = {}): Promise<Store> {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, DB_FILE);
    let instance: DuckDBInstance;
    try {
      // Insertion order only matters within a source, and ids carry it: letting DuckDB
      // reorder makes bulk inserts and scans parallel. 128 MB: the writer commits at most
      // 100k rows at once (250k-row commits ran out of it); the query figures of
      // `npm run bench` on 5.8 M rows did not change from 256 MB, and the engine's peak
      // memory on an import fell by ~80 MB. DuckDB's allocator keeps what a task freed up
      // to a threshold (default 128 MB) for reuse; flushing past 16 MB, on its own threads,
      // took another ~100 MB off the peak of a 1 GiB import (639 → 541 MB, one run each).
      instance = await duckdb.DuckDBInstance.create(file, {
        preserve_insertion_order: 'false',
        memory_limit: '128MB',
        allocator_flush_threshold: '16MB',
        allocator_background_threads: 'true',
      });
    } catch (err) {
      if (/lock/i.test(String((err as Error).message))) throw new StoreLockedError(file);
      throw err;
    }
    const writer = await instance.connect();
    await migrate(writer);
    const readers: DuckDBConnection[] = [];
    for (let i = 0; i < (opts.readers ?? 2); i++) readers.push(await instance.connect());
    return new Store(file, instance, writer, readers);
  }

  /** Run a read-only query on a reader connection; values bind to `?` in order. */
  async read(sql: string, params: unknown[] = []): Promise<Row[]> {
    const conn = this.readers[this.readerIndex++ % this.readers.length]!;
    const reader = await conn.runAndReadAll(sql, params as DuckDBValue[]);
    return reader.getRowObjects();
  }

  /**
   * Run one of the writer's statements on the writer connection, prepared once per text.
   * The writer's statements repeat every commit; a fresh one with values costs three
   * round trips to DuckDB's threads (extract, prepare, run), a prepared one one: ~0.8 →
   * ~0.2 ms on an idle machine, and a commit of a live batch has several. Only for the
   * writer's own statements: two at once on one prepared statement would mix bindings.
   */
  async runPrepared(sql: string, values: DuckDBValue[], types?: ReadonlyArray<DuckDBType | undefined>): Promise<DuckDBMaterializedResult> {
    let stmt = this.prepared.get(sql);
    if (!stmt) {
      if (this.prepared.size >= MAX_PREPARED) {
        const [oldest, old] = this.prepared.entries().next().value as [string, DuckDBPreparedStatement];
        old.destroySync();
        this.prepared.delete(oldest);
      }
      stmt = await this.writer.prepare(sql);
      this.prepared.set(sql, stmt);
    }
    // A missing type is inferred from its value (node-api binds each index on its own).
    stmt.bind(values, types as DuckDBType[] | undefined);
    return stmt.run();
  }

  /** Run a statement on the writer connection (schema changes, bookkeeping). */
  async write(sql: string, params: unknown[] = []): Promise<Row[]> {
    const reader = await this.writer.runAndReadAll(sql, params as DuckDBValue[]);
    return reader.getRowObjects();
  }

  close(): void {
    for (const stmt of this.prepared.values()) stmt.destroySync();
    this.prepared.clear();
    for (const r of this.readers) r.closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
  }
}

async function migrate(conn: DuckDBConnection): Promise<void> {
  const hasMeta = await conn.runAndReadAll(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'meta'`,
  );
  let version = 0;
  if ((hasMeta.getRowObjects()[0]!.n as number) > 0) {
    const rows = (await conn.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema_version'`)).getRowObjects();
    version = rows.length ? Number(rows[0]!.value) : 0;
  }
  if (version > SCHEMA_VERSION) {
    throw new Error(`this database is at schema version ${version}, newer than this LogScope (${SCHEMA_VERSION}); upgrade LogScope`);
  }
  // Each applied migration is also recorded by number ('migration:N'), so one written later
  // with a lower number (developed side by side) still applies to a database already past it.
  // Databases from before that record had every version up to theirs.
  const applied = new Set<number>();
  if (version > 0) {
    const keys = (await conn.runAndReadAll(`SELECT key FROM meta WHERE key LIKE 'migration:%'`)).getRowObjects();
    for (const k of keys) applied.add(Number(String(k.key).slice('migration:'.length)));
    if (!keys.length) for (const m of migrations) if (m.version <= version) applied.add(m.version);
  }
  for (const m of migrations.filter((m) => !applied.has(m.version))) {
    await conn.run('BEGIN');
    try {
      await conn.run(m.sql);
      await conn.run(`INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)`, [String(Math.max(version, m.version))]);
      version = Math.max(version, m.version);
      for (const v of [...applied, m.version]) await conn.run(`INSERT OR IGNORE INTO meta VALUES ('migration:' || ?::VARCHAR, 'applied')`, [String(v)]);
      applied.add(m.version);
      await conn.run('COMMIT');
    } catch (err) {
      await conn.run('ROLLBACK');
      throw new Error(`migration ${m.version} (${m.description}) failed: ${(err as Error).message}`);
    }
  }
}
