/**
 * Category and severity as the models (or a person) gave them: the table's badges (an
 * inferred severity is italic with "~" and says so on hover) and the detail panel's
 * section, where a person corrects the record's pattern.
 */
import { useEffect, useState } from 'react';
import { CATEGORIES, type Category } from '../../shared/categories';
import { LEVELS, type Level } from '../../shared/levels';
import type { AnomalyVerdict, LogRecord } from '../../shared/protocol';
import { LEVEL_LABELS, levelKey } from '../lib/levels';
import { CATEGORY_COLORS, categoryKey, percentOf } from '../lib/categories';
import { correctPattern, markAnomaly, openRecords } from '../views/anomalies/api';
import { patternTerm } from '../lib/query-edit';
import { ALL_TIME } from '../lib/time';
import './classification.css';

export const INFERRED_TITLE = 'inferred by the model (the line gave no level)';

export function SeverityBadge({ level, severity, inferred }: { level: Level | null; severity: Level | null; inferred: boolean }) {
  const shown = level ?? severity;
  const key = levelKey(shown);
  const isInferred = level === null && inferred && severity !== null;
  return (
    <span
      className={`lvl-badge lvl-${key}${isInferred ? ' inferred' : ''}`}
      title={isInferred ? `${LEVEL_LABELS[key]}: ${INFERRED_TITLE}` : undefined}
      data-inferred={isInferred || undefined}
    >
      {isInferred ? `~${LEVEL_LABELS[key]}` : LEVEL_LABELS[key]}
    </span>
  );
}

export function CategoryChip({ category }: { category: Category | null }) {
  if (!category) return <span className="cat-chip cat-none">—</span>;
  return (
    <span className="cat-chip" style={{ ['--cat' as string]: CATEGORY_COLORS[categoryKey(category)] }} title={`category: ${category}`}>
      {category}
    </span>
  );
}

/** The record's classification, and the form that corrects its pattern. */
export function ClassificationSection({ record }: { record: LogRecord }) {
  const pattern = record.pattern ?? null;
  const override = record.classifiedBy === 'override';
  return (
    <section className="detail-section" data-testid="detail-classification">
      <div className="section-head">
        <h3>Classification</h3>
        <span className="dim small">{override ? 'corrected by a person' : record.classifiedBy ? `by ${record.classifiedBy}` : 'no model answer'}</span>
      </div>
      <table className="kv">
        <tbody>
          <tr>
            <th>category</th>
            <td data-testid="detail-category">
              <CategoryChip category={record.category ?? null} />{' '}
              {record.category && <span className="dim small">{percentOf(record.categoryConfidence)} confidence</span>}
            </td>
          </tr>
          <tr>
            <th>severity</th>
            <td data-testid="detail-severity">
              <SeverityBadge level={record.level} severity={record.severity ?? null} inferred={record.severityInferred ?? false} />{' '}
              {record.severityInferred ? (
                <span className="dim small">
                  inferred by the model · {percentOf(record.severityConfidence)} confidence
                </span>
              ) : record.level ? (
                <span className="dim small">from the line</span>
              ) : null}
            </td>
          </tr>
          <tr>
            <th>pattern</th>
            <td className="mono">
              {pattern === null ? (
                '—'
              ) : (
                <button
                  type="button"
                  className="btn btn-ghost btn-xs"
                  title="All records of this pattern"
                  onClick={() => openRecords({ query: patternTerm(pattern), range: ALL_TIME }, false)}
                >
                  {patternTerm(pattern)}
                </button>
              )}
            </td>
          </tr>
        </tbody>
      </table>
      {pattern !== null && <CorrectionForm key={`${record.id}-${record.classifiedBy}`} record={record} pattern={pattern} />}
    </section>
  );
}

/**
 * Set the pattern's category and severity. Both go together (the engine stores one
 * correction per pattern); "the model's" clears that half. Prefilled with the current
 * correction, if there is one.
 */
function CorrectionForm({ record, pattern }: { record: LogRecord; pattern: number }) {
  const override = record.classifiedBy === 'override';
  const [category, setCategory] = useState<Category | ''>(override ? (record.category ?? '') : '');
  const [severity, setSeverity] = useState<Level | ''>(override && record.level === null ? (record.severity ?? '') : '');
  const [busy, setBusy] = useState(false);
  useEffect(() => setBusy(false), [record.id]);
  const save = async () => {
    setBusy(true);
    await correctPattern(pattern, category || null, severity || null);
    setBusy(false);
  };
  return (
    <form
      className="correction"
      data-testid="correction-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="correction-head dim small">Correct this pattern (applies to all its records at once, and to the next training)</div>
      <label>
        <span>Category</span>
        <select value={category} onChange={(e) => setCategory(e.target.value as Category | '')} data-testid="correct-category">
          <option value="">the model's</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label title="Used for the pattern's records whose line has no level">
        <span>Severity</span>
        <select value={severity} onChange={(e) => setSeverity(e.target.value as Level | '')} data-testid="correct-severity">
          <option value="">the model's</option>
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn btn-primary btn-sm" disabled={busy} data-testid="correct-save">
        {busy ? 'Saving…' : 'Save correction'}
      </button>
    </form>
  );
}

/** The anomaly score in the table: a number over a bar, red when the model calls it anomalous. */
export function AnomalyScore({ score, anomalous }: { score: number | null; anomalous: boolean | null }) {
  if (score === null) return <span className="anom-score anom-none">—</span>;
  const pct = Math.round(Math.max(0, Math.min(1, score)) * 100);
  return (
    <span
      className={`anom-score${anomalous ? ' anomalous' : ''}`}
      title={`anomaly score ${score.toFixed(2)}${anomalous ? ': anomalous' : ''}`}
      data-testid="anomaly-score"
    >
      <span className="anom-fill" style={{ width: `${pct}%` }} />
      <span className="anom-num">{score.toFixed(2)}</span>
    </span>
  );
}

/** The detail panel's anomaly section: score, decision, the reasons behind it, the verdicts. */
export function AnomalySection({ record }: { record: LogRecord }) {
  const score = record.anomaly ?? null;
  const verdict = record.anomalyVerdict ?? null;
  const reasons = record.anomalyReasons ?? [];
  const pattern = record.pattern ?? null;
  const mark = (target: { recordId: number } | { templateId: number }, v: AnomalyVerdict | null) => void markAnomaly(target, v);
  return (
    <section className="detail-section" data-testid="detail-anomaly" data-anomalous={record.anomalous ?? ''}>
      <div className="section-head">
        <h3>Anomaly</h3>
        {verdict && (
          <span className="dim small" data-testid="anomaly-verdict">
            marked {verdict.verdict} by a person ({verdict.on === 'record' ? 'this record' : 'its pattern'})
          </span>
        )}
      </div>
      {score === null ? (
        <div className="dim small">No anomaly score: no anomaly model was in use when this record was stored.</div>
      ) : (
        <>
          <div className="anom-detail">
            <AnomalyScore score={score} anomalous={record.anomalous ?? null} />
            <span className={record.anomalous ? 'error-text' : 'dim'}>{record.anomalous ? 'anomalous' : 'within the usual'}</span>
          </div>
          {reasons.length > 0 && (
            <ul className="anom-reasons" data-testid="anomaly-reasons">
              {reasons.slice(0, 4).map((r) => (
                <li key={r.feature} className={r.outside ? 'outside' : undefined}>
                  <span>{r.text}</span>
                  <span className="dim small mono">
                    {formatValue(r.value)} (usual {formatValue(r.typical[0])}–{formatValue(r.typical[1])}) · {percentOf(r.weight)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <div className="anom-actions">
        <span className="dim small">This record:</span>
        <VerdictButtons current={verdict?.on === 'record' ? verdict.verdict : null} onMark={(v) => mark({ recordId: record.id }, v)} testId="record" />
        {pattern !== null && (
          <>
            <span className="dim small">Its pattern:</span>
            <VerdictButtons current={verdict?.on === 'pattern' ? verdict.verdict : null} onMark={(v) => mark({ templateId: pattern }, v)} testId="pattern" />
          </>
        )}
      </div>
    </section>
  );
}

function VerdictButtons({ current, onMark, testId }: { current: AnomalyVerdict | null; onMark: (v: AnomalyVerdict | null) => void; testId: string }) {
  return (
    <span className="btn-group">
      {(['normal', 'anomalous'] as const).map((v) => (
        <button
          key={v}
          type="button"
          className={`btn btn-xs${current === v ? ' active' : ''}`}
          aria-pressed={current === v}
          data-testid={`mark-${testId}-${v}`}
          onClick={() => onMark(current === v ? null : v)}
          title={current === v ? 'Clear this verdict' : `Mark as ${v}`}
        >
          {v}
        </button>
      ))}
    </span>
  );
}

function formatValue(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2).replace(/\.?0+$/, '');
}
