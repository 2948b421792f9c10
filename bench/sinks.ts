/**
 * Sinks the receiver benchmarks (http.ts, syslog.ts) write into: the engine's own, over a
 * DuckDB store in a temp folder (the figure the issues name), and one that does a record's
 * worth of reading but stores nothing (the receiver's own ceiling).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestRecord } from '../src/ingest/record';
import type { RecordSink } from '../src/ingest/sources/sink';
import { levelCode } from '../src/shared/levels';

export interface BenchSink {
  label: string;
  sink: RecordSink;
  /** Records stored so far. */
  stored(): Promise<number>;
  close(): Promise<void>;
}

/** The engine's live sink (patterns, models, the writer) over a fresh store, or why it cannot be opened. */
export async function engineSink(name: string): Promise<BenchSink | string> {
  try {
    const { Engine } = await import('../src/engine/engine');
    const dir = mkdtempSync(join(tmpdir(), `logscope-bench-${name}-`));
    const engine = await Engine.open({ dataDir: dir, defaultZone: 'UTC' });
    return {
      label: 'engine store',
      sink: engine.live.sink,
      stored: async () => Number((await engine.store.read('SELECT count(*) AS n FROM logs'))[0]!.n),
      close: async () => {
        await engine.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    return `the engine could not be opened: ${(err as Error).message}`;
  }
}

/** Reads every record (so the receiver's work is not optimised away) and stores nothing. */
export function workSink(): BenchSink {
  let checksum = 0;
  let records = 0;
  const sink: RecordSink = {
    full: false,
    whenSpace: async () => {},
    async write(_source: unknown, batch: IngestRecord[]): Promise<void> {
      for (const r of batch) {
        checksum += levelCode(r.level) + r.message.length + (r.host?.length ?? 0) + (r.app?.length ?? 0) + ((r.ts ?? 0) % 7);
        if (r.fields) checksum += JSON.stringify(r.fields).length;
      }
      records += batch.length;
      await new Promise((r) => setImmediate(r));
      if (checksum < 0) throw new Error('unreachable');
    },
  };
  return { label: 'no-DB sink', sink, stored: async () => records, close: async () => {} };
}
