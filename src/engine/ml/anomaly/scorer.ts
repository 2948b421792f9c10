/**
 * Per-record anomaly scores at ingest. When the writer stages a batch, the records' features
 * are computed here from bounded state (features.ts: a capped pattern map, so an endless
 * stream of unique lines cannot grow it) and handed to onnxruntime, whose `run` works on its
 * own threads. The writer waits for those scores before it stages the batch: they are set
 * on the records and staged with the rows, so a record is durable with its score and no
 * UPDATE follows the insert.
 *
 * People's verdicts win: a pattern marked normal scores 0 (not anomalous), marked anomalous
 * scores 1, from the moment the verdict is given; the override table keeps them across
 * restarts and refits leave records marked anomalous out of the baseline.
 */
import type { AnomalyReason, AnomalyVerdict } from '../../../shared/protocol';
import { levelCode, type Level } from '../../../shared/levels';
import type { IngestRecord } from '../../../ingest/record';
import type { Row } from '../../store/store';
import { FeatureState, N_FEATURES } from './features';
import type { AnomalyModel } from './model';

/** Records whose reasons are computed per batch at most (the rest of a flood keeps its score only). */
const MAX_REASONS_PER_BATCH = 200;

export interface ScorerOptions {
  /** The model in use now (null: none loaded; scores stay NULL). Read per batch, so a refit's swap applies at once. */
  model: () => AnomalyModel | null;
  /** A pattern's inferred severity, for records whose line gave no level. */
  severityOf: (templateId: number) => Level | null;
  maxPatterns?: number;
}

/** A batch's scores, begun at staging. */
export interface ScorePart {
  firstId: number;
  rows: number;
  result: Promise<{ scores: Float32Array; anomalous: Uint8Array; reasons: Map<number, AnomalyReason[]> } | null>;
}

export class AnomalyScorer {
  readonly features: FeatureState;
  /** People's verdicts on patterns, applied to every record of theirs from now on. */
  readonly patternVerdicts = new Map<number, AnomalyVerdict>();
  private files = 0;
  /** Why the last batch had no scores (model failed at run time), for health. */
  lastError: string | null = null;

  constructor(private readonly opts: ScorerOptions) {
    this.features = new FeatureState({ maxPatterns: opts.maxPatterns });
  }

  /**
   * Start from the store's pattern counts (most recently seen first, up to the cap), so a
   * restarted engine does not take every known pattern for new and rare.
   */
  async seed(read: (sql: string, params?: unknown[]) => Promise<Row[]>): Promise<void> {
    const rows = await read(
      `SELECT id, count::DOUBLE AS n, epoch_ms(first_ts)::DOUBLE AS f, epoch_ms(last_ts)::DOUBLE AS l
       FROM templates WHERE merged_into IS NULL ORDER BY last_ts DESC LIMIT ?`,
      [this.features.maxPatterns],
    );
    for (const r of rows.reverse()) this.features.seedPattern(Number(r.id), Number(r.n), Number(r.f), Number(r.l));
  }

  /** Features now (on the ingest thread: a few Map lookups per record), scores on onnxruntime's threads. */
  stage(records: readonly IngestRecord[], firstId: number, fallbackTs: number): ScorePart | null {
    const model = this.opts.model();
    if (!model || !records.length) return null;
    const rows = new Float32Array(records.length * N_FEATURES);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const pattern = r.templateId ?? null;
      const level = r.level !== null ? levelCode(r.level) : pattern !== null ? levelCode(this.opts.severityOf(pattern)) : 0;
      // No category: the shipped model and refits are fitted without it (category_rarity 0),
      // and a feature the model never saw vary would read as an outlier on every record.
      this.features.next({ ts: r.ts ?? fallbackTs, pattern, level, params: r.params ?? null }, rows, i * N_FEATURES);
    }
    const verdicts = records.map((r) => (r.templateId === null || r.templateId === undefined ? undefined : this.patternVerdicts.get(r.templateId)));
    const result = model.score(rows).then(
      ({ scores, anomalous }) => {
        this.lastError = null;
        const reasons = new Map<number, AnomalyReason[]>();
        for (let i = 0; i < scores.length; i++) {
          const v = verdicts[i];
          const s = scores[i]!;
          // A NaN out of a damaged model is no score at all; the range is the protocol's.
          scores[i] = v === 'normal' ? 0 : v === 'anomalous' ? 1 : Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : NaN;
          anomalous[i] = v === 'normal' ? 0 : v === 'anomalous' ? 1 : anomalous[i]!;
          if (anomalous[i] && v === undefined && reasons.size < MAX_REASONS_PER_BATCH) {
            reasons.set(i, model.reasons(rows.subarray(i * N_FEATURES, (i + 1) * N_FEATURES)));
          }
          // On the record: the writer stages it with the row (it waits for these scores),
          // and the live alert evaluator, counting the batch after its commit, reads it there.
          const rec = records[i]!;
          rec.anomaly = Number.isFinite(scores[i]!) ? scores[i]! : null;
          rec.anomalous = Number.isFinite(scores[i]!) ? anomalous[i] === 1 : null;
          const why = reasons.get(i);
          rec.anomalyReasons = why ? JSON.stringify(why) : null;
        }
        return { scores, anomalous, reasons };
      },
      (err: Error) => {
        this.lastError = `scoring failed: ${err.message}`;
        return null;
      },
    );
    return { firstId, rows: records.length, result };
  }
}
