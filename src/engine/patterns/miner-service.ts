import { TemplateMiner, type MinerStats, type TemplateChange } from '../../ingest/patterns/miner';
import type { IngestRecord } from '../../ingest/record';
import type { DuckDBType } from '@duckdb/node-api';
import { bindLists, type Store } from '../store/store';
import type { LogWriter } from '../store/writer';

const SAVE_EVERY_MS = 30_000;
/** Merged-away ids remembered for their survivor's text (older ones fall back to the example). */
const MAX_REMEMBERED_MERGES = 100_000;

/** The miner's figures in health (protocol `health`, `patterns`). */
export interface MinerHealth {
  /** Live patterns. */
  templates: number;
  /** Fixed-length shapes behind them: what the cap bounds. */
  shapes: number;
  cap: number;
  /** Shapes dropped by the cap since the miner started (its state survives restarts). */
  evicted: number;
  merged: number;
  generalised: number;
  lines: number;
  /** Approximate bytes the miner holds. */
  memoryBytes: number;
  /** Records the miner failed on (stored without a pattern), and the last failure. */
  errors: number;
  lastError: string | null;
}

export function minerHealth(s: MinerStats, errors = 0, lastError: string | null = null): MinerHealth {
  return {
    errors,
    lastError,
    templates: s.templates,
    shapes: s.shapes,
    cap: s.cap,
    evicted: s.evicted,
    merged: s.merged,
    generalised: s.generalised,
    lines: s.lines,
    memoryBytes: s.memoryBytes,
  };
}

/**
 * The miner's counters by metric name, for a `/metrics` endpoint (Prometheus text: one
 * `name value` line each). `_total` names are counters, the rest gauges.
 */
export function minerMetrics(s: MinerStats): Record<string, number> {
  return {
    logscope_patterns_lines_total: s.lines,
    logscope_patterns_templates: s.templates,
    logscope_patterns_shapes: s.shapes,
    logscope_patterns_cap: s.cap,
    logscope_patterns_evicted_total: s.evicted,
    logscope_patterns_merged_total: s.merged,
    logscope_patterns_generalised_total: s.generalised,
    logscope_patterns_truncated_total: s.truncated,
    logscope_patterns_memory_bytes: s.memoryBytes,
  };
}

/**
 * The engine's one template miner: every source's records get their pattern here, before
 * they are written. Its state is saved inside a writer commit (with rows it produced), so
 * pattern ids survive restarts; merges and generalisations reach the templates table the
 * same way.
 */
export class MinerService {
  private dirty = false;
  private errors = 0;
  private lastError: string | null = null;
  private timer: NodeJS.Timeout;
  /** Merged-away id → its survivor, so a late batch's rows of that id show the survivor's text. */
  private readonly survivor = new Map<number, number>();
  /** Merges and new texts since the last commit, written by it in one go (changesToCommit). */
  private readonly pendingMerges = new Map<number, { into: number; template: string }>();
  private readonly pendingTexts = new Map<number, string>();

  private constructor(
    readonly miner: TemplateMiner,
    private readonly writer: LogWriter,
  ) {
    miner.onChange = (c) => this.onChange(c);
    writer.beforeCommit.push(() => this.changesToCommit());
    writer.templateText = (id) => miner.get(this.live(id))?.template ?? null;
    this.timer = setInterval(() => this.save(), SAVE_EVERY_MS);
    this.timer.unref();
  }

  static async open(store: Store, writer: LogWriter): Promise<MinerService> {
    const [row] = await store.read('SELECT state::VARCHAR AS state FROM miner_state WHERE id = 1');
    try {
      const miner = row ? TemplateMiner.fromJSON(JSON.parse(String(row.state))) : new TemplateMiner();
      return new MinerService(miner, writer);
    } catch (err) {
      // A state this version cannot read: start afresh rather than refuse to start. The
      // stored ids meant that miner's patterns, and a new one would hand them out again
      // for others, so they are cleared (the records stay).
      console.error(`logscope: the pattern miner's saved state was not usable (${(err as Error).message}); starting a new one`);
      const service = new MinerService(new TemplateMiner(), writer);
      writer.writeWithNextCommit('UPDATE logs SET template_id = NULL, params = NULL WHERE template_id IS NOT NULL', []);
      writer.writeWithNextCommit('DELETE FROM templates', []);
      writer.writeWithNextCommit('DELETE FROM miner_state', []);
      return service;
    }
  }

  /** Give each record its pattern id and parameters. */
  mine(records: IngestRecord[]): void {
    for (const r of records) {
      try {
        const m = this.miner.add(r.message);
        r.templateId = m.id;
        r.params = m.params;
      } catch (err) {
        // A miner bug must not cost the record (or its batch): it is stored without a
        // pattern, and health says so.
        r.templateId = null;
        r.params = null;
        this.errors++;
        this.lastError = `${(err as Error).message} (on a message of ${r.message.length} characters)`;
        if (this.errors <= 3) console.error(`logscope: the pattern miner failed on a record, stored without a pattern: ${this.lastError}`);
      }
    }
    if (records.length) this.dirty = true;
  }

  /** Template count, cap, evictions, merges and memory, for health. */
  health(): MinerHealth {
    return minerHealth(this.miner.stats(), this.errors, this.lastError);
  }

  /** The same counters by metric name, for a `/metrics` endpoint. */
  metrics(): Record<string, number> {
    return { ...minerMetrics(this.miner.stats()), logscope_patterns_errors_total: this.errors };
  }

  /** Save the state with the next commit (if anything changed), e.g. before closing. */
  save(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.writer.writeWithNextCommit(
      `INSERT OR REPLACE INTO miner_state VALUES (1, ?, now()::TIMESTAMP)`,
      [JSON.stringify(this.miner.toJSON())],
    );
  }

  close(): void {
    clearInterval(this.timer);
    this.save();
  }

  /** The live pattern `id` stands for now: itself, or the one it was merged into. */
  liveId(id: number): number {
    return this.live(id);
  }

  private live(id: number): number {
    for (let next = this.survivor.get(id); next !== undefined; next = this.survivor.get(id)) id = next;
    return id;
  }

  private onChange(c: TemplateChange): void {
    if (c.kind === 'merged') {
      if (this.survivor.size >= MAX_REMEMBERED_MERGES) this.survivor.delete(this.survivor.keys().next().value!);
      this.survivor.set(c.from, c.into);
      // Earlier pending merges into `from` now go to the survivor: one hop.
      for (const m of this.pendingMerges.values()) if (m.into === c.from) m.into = c.into;
      this.pendingMerges.set(c.from, { into: c.into, template: c.template });
    } else if (c.kind === 'generalised') {
      this.pendingTexts.set(c.id, c.template);
    }
  }

  /**
   * What changed since the last commit, as at most three statements for it to run.
   * Merges are written as upserts: the merged pattern's rows may still be on their way to
   * the store (a batch mined but not yet committed), and the writer's later upsert of its
   * row keeps merged_into. The placeholder's times give way to the rows' own
   * (least/greatest). Patterns merged into a merged one earlier now point at the survivor
   * too, so merged_into always names a live pattern: one hop, for the queries.
   */
  private changesToCommit(): Array<{ sql: string; params: unknown[]; types: DuckDBType[] }> {
    const out: Array<{ sql: string; params: unknown[]; types: DuckDBType[] }> = [];
    // Columns bound as lists: one text whatever the count (it stays prepared), and an
    // import's hundreds of merges bind as a few values, not a few per pattern.
    const statement = (sql: string, lists: Parameters<typeof bindLists>[0]) => {
      const { values, types } = bindLists(lists);
      out.push({ sql, params: values, types });
    };
    if (this.pendingMerges.size) {
      const merges = [...this.pendingMerges];
      this.pendingMerges.clear();
      const from = merges.map(([id]) => id);
      const into = merges.map(([, m]) => m.into);
      statement(
        `INSERT INTO templates (id, template, first_ts, last_ts, count, example, merged_into)
         SELECT unnest($1::UINTEGER[]), unnest($2::VARCHAR[]), '9999-12-31'::TIMESTAMP, '1970-01-01'::TIMESTAMP, 0, '',
                unnest($3::UINTEGER[])
         ON CONFLICT (id) DO UPDATE SET merged_into = excluded.merged_into, template = excluded.template`,
        [
          ['UINTEGER', from],
          ['VARCHAR', merges.map(([, m]) => m.template)],
          ['UINTEGER', into],
        ],
      );
      statement(
        `UPDATE templates SET merged_into = m.survivor
         FROM (SELECT unnest($1::UINTEGER[]) AS merged, unnest($2::UINTEGER[]) AS survivor) AS m
         WHERE templates.merged_into = m.merged`,
        [
          ['UINTEGER', from],
          ['UINTEGER', into],
        ],
      );
    }
    if (this.pendingTexts.size) {
      const texts = [...this.pendingTexts];
      this.pendingTexts.clear();
      statement(
        `UPDATE templates SET template = t.text
         FROM (SELECT unnest($1::UINTEGER[]) AS id, unnest($2::VARCHAR[]) AS text) AS t
         WHERE templates.id = t.id`,
        [
          ['UINTEGER', texts.map(([id]) => id)],
          ['VARCHAR', texts.map(([, text]) => text)],
        ],
      );
    }
    return out;
  }
}
