/**
 * Category and severity as the models (or a person) gave them: the table's badges (an
 * inferred severity is italic with "~" and says so on hover) and the detail panel's
 * section, where a person corrects the record's pattern.
 */
import { useEffect, useState } from 'react';
import { CATEGORIES, type Category } from '../../shared/categories';
import { LEVELS, type Level } from '../../shared/levels';
import type { LogRecord } from '../../shared/protocol';
import { LEVEL_LABELS, levelKey } from '../lib/levels';
import { CATEGORY_COLORS, categoryKey, percentOf } from '../lib/categories';
import { correctPattern, openRecords } from '../views/anomalies/api';
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
