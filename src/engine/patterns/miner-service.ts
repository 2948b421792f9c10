import { TemplateMiner, type TemplateChange } from '../../ingest/patterns/miner';
import type { IngestRecord } from '../../ingest/record';
import type { Store } from '../store/store';
import type { LogWriter } from '../store/writer';

const SAVE_EVERY_MS = 30_000;

/**
 * The engine's one template miner: every source's records get their pattern here, before
 * they are written. Its state is saved inside a writer commit (with rows it produced), so
 * pattern ids survive restarts; merges and generalisations reach the templates table the
 * same way.
 */
export class MinerService {
  private dirty = false;
  private timer: NodeJS.Timeout;

  private constructor(
    readonly miner: TemplateMiner,
    private readonly writer: LogWriter,
  ) {
    miner.onChange = (c) => this.onChange(c);
    writer.templateText = (id) => miner.get(id)?.template ?? null;
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
      const m = this.miner.add(r.message);
      r.templateId = m.id;
      r.params = m.params;
    }
    if (records.length) this.dirty = true;
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

  private onChange(c: TemplateChange): void {
    if (c.kind === 'merged') {
      this.writer.writeWithNextCommit(`UPDATE templates SET merged_into = ?, template = ? WHERE id = ?`, [c.into, c.template, c.from]);
    } else if (c.kind === 'generalised') {
      this.writer.writeWithNextCommit(`UPDATE templates SET template = ? WHERE id = ?`, [c.template, c.id]);
    }
  }
}
