/**
 * Anomalies: the mix of categories over time, the anomaly windows of the applied range
 * (narrowed to the applied query's patterns) and the most unusual patterns. Each row
 * opens its records in Explore (its query and its time range) with one click.
 */
import { useMemo } from 'react';
import type { AnomalyWindow, Pattern } from '../../../shared/protocol';
import { useQueryStore } from '../../stores/query';
import { useThemeStore } from '../../stores/theme';
import { EChart } from '../../charts/EChart';
import { categoryOption } from '../../charts/categoryOption';
import { ANOMALY_KINDS, KIND_COLORS, KIND_LABELS, type AnomalyKind } from '../../lib/categories';
import { basename, formatCount } from '../../lib/format';
import { formatLocal, formatSpan, rangeLabel } from '../../lib/time';
import { patternTerm } from '../../lib/query-edit';
import { TemplateText } from '../../components/PatternBits';
import { anomaliesActions, useAnomaliesStore } from './store';
import { anomalousQuery, openRecords } from './api';
import { countVsExpected, patternTarget, unusualPatterns, visibleWindows, windowTarget, type UnusualPattern } from './windows';
import { RefitPanel } from './RefitPanel';
import './anomalies.css';

export function AnomaliesView() {
  return (
    <div className="anomalies-view" data-testid="anomalies-view">
      <div className="anomalies-column">
        <Header />
        <CategoryMix />
        <WindowsSection />
        <UnusualSection />
        <ScoredSection />
      </div>
    </div>
  );
}

function Header() {
  const applied = useQueryStore((s) => s.applied);
  const narrowed = useAnomaliesStore((s) => s.narrowed);
  return (
    <div className="anomalies-head">
      <h2>Anomalies</h2>
      <span className="dim small ellipsis" title={applied.query || 'everything'}>
        {applied.query ? <code>{applied.query}</code> : 'all records'} · {rangeLabel(applied.range)}
        {narrowed && ` · ${formatCount(narrowed.kept)} of ${formatCount(narrowed.all)} windows belong to the query's patterns`}
      </span>
      <span className="spacer" />
      <RefitPanel />
    </div>
  );
}

function CategoryMix() {
  const data = useAnomaliesStore((s) => s.categories);
  const loading = useAnomaliesStore((s) => s.categoriesLoading);
  const error = useAnomaliesStore((s) => s.categoriesError);
  const theme = useThemeStore((s) => s.theme);
  const option = useMemo(() => (data ? categoryOption(data, theme) : null), [data, theme]);
  return (
    <section className="anomalies-section" data-testid="category-mix" data-total={data?.total ?? ''} data-categories={data?.series.map((x) => x.category ?? 'none').join(',') ?? ''}>
      <div className="anomalies-section-head">
        <h3>Categories over time</h3>
        <span className="dim small">records per category, from the models and your corrections</span>
        {loading && <span className="spinner" aria-label="Loading" />}
      </div>
      {error && <div className="callout callout-error">{error}</div>}
      {option && data && data.total > 0 && <EChart className="category-chart" option={option} theme={theme} data-testid="category-chart" />}
      {data && data.total === 0 && <div className="dim small">No records in this range.</div>}
    </section>
  );
}

function KindFilter({ windows }: { windows: readonly AnomalyWindow[] }) {
  const hidden = useAnomaliesStore((s) => s.hidden);
  const counts = useMemo(() => {
    const c: Record<AnomalyKind, number> = { spike: 0, drop: 0, new: 0, outlier: 0 };
    for (const w of windows) c[w.kind]++;
    return c;
  }, [windows]);
  return (
    <div className="kind-filter" role="group" aria-label="Kinds shown">
      {ANOMALY_KINDS.map((k) => (
        <button
          key={k}
          type="button"
          className={`chip kind-chip${hidden.includes(k) ? '' : ' active'}`}
          aria-pressed={!hidden.includes(k)}
          data-testid={`kind-${k}`}
          onClick={() => anomaliesActions.toggleKind(k)}
          title={hidden.includes(k) ? `Show ${KIND_LABELS[k].toLowerCase()} windows` : `Hide ${KIND_LABELS[k].toLowerCase()} windows`}
        >
          <span className="kind-dot" style={{ background: KIND_COLORS[k] }} />
          {KIND_LABELS[k]} <span className="dim">{counts[k]}</span>
        </button>
      ))}
    </div>
  );
}

function WindowsSection() {
  const windows = useAnomaliesStore((s) => s.windows);
  const hidden = useAnomaliesStore((s) => s.hidden);
  const loading = useAnomaliesStore((s) => s.loading);
  const error = useAnomaliesStore((s) => s.error);
  const bucketMs = useAnomaliesStore((s) => s.bucketMs);
  const shown = useMemo(() => visibleWindows(windows, new Set(hidden)), [windows, hidden]);
  return (
    <section className="anomalies-section" data-testid="anomaly-windows" data-count={windows.length}>
      <div className="anomalies-section-head">
        <h3>Anomaly windows</h3>
        <span className="dim small">
          {bucketMs > 0 ? `judged in ${formatSpan(bucketMs)} buckets against each pattern's and source's own baseline` : ''}
        </span>
        {loading && <span className="spinner" aria-label="Loading" />}
        <span className="spacer" />
        <KindFilter windows={windows} />
      </div>
      {error && <div className="callout callout-error" data-testid="anomalies-error">{error}</div>}
      {shown.length === 0 ? (
        !loading && (
          <div className="dim small anomalies-empty">
            {windows.length > 0
              ? 'Every window here is of a hidden kind.'
              : 'Nothing unusual in this range: no spikes, drops to silence or new patterns against the baseline.'}
          </div>
        )
      ) : (
        <div className="anomalies-table-wrap">
          <table className="anomalies-table">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Pattern or source</th>
                <th>Source</th>
                <th className="num">Count vs expected</th>
                <th>Score</th>
                <th>Start</th>
                <th>Span</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((w, i) => (
                <WindowRow key={`${w.kind}-${w.pattern ?? w.source}-${w.start}-${i}`} w={w} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function KindBadge({ kind }: { kind: AnomalyKind }) {
  return (
    <span className={`kind-badge kind-${kind}`} style={{ borderColor: KIND_COLORS[kind], color: KIND_COLORS[kind] }}>
      {KIND_LABELS[kind]}
    </span>
  );
}

export function ScoreBar({ score, strong }: { score: number; strong?: boolean }) {
  return (
    <span className={`score-bar${strong ? ' strong' : ''}`} title={`score ${score.toFixed(2)}`}>
      <span className="score-fill" style={{ width: `${Math.round(Math.max(0, Math.min(1, score)) * 100)}%` }} />
      <span className="score-num">{score.toFixed(2)}</span>
    </span>
  );
}

function WindowRow({ w }: { w: AnomalyWindow }) {
  const open = () => openRecords(windowTarget(w));
  return (
    <tr
      className="anomaly-row"
      data-testid="anomaly-window"
      data-kind={w.kind}
      data-pattern={w.pattern ?? ''}
      onClick={open}
      title={w.kind === 'drop' ? 'Open the records just before it went quiet' : 'Open its records in Explore'}
    >
      <td>
        <KindBadge kind={w.kind} />
      </td>
      <td className="anomaly-what">
        {w.template !== null ? (
          <TemplateText template={w.template} className="mono" />
        ) : (
          <span className="dim">the whole source</span>
        )}
      </td>
      <td className="ellipsis" title={w.source}>
        {basename(w.source)}
      </td>
      <td className="num mono">{countVsExpected(w)}</td>
      <td>
        <ScoreBar score={w.score} strong={w.score >= 0.8} />
      </td>
      <td className="mono nowrap">{formatLocal(w.start, false)}</td>
      <td className="mono nowrap">{formatSpan(w.end - w.start)}</td>
    </tr>
  );
}

function UnusualSection() {
  const windows = useAnomaliesStore((s) => s.windows);
  const loading = useAnomaliesStore((s) => s.loading);
  const list = useMemo(() => unusualPatterns(windows, 30), [windows]);
  return (
    <section className="anomalies-section" data-testid="unusual-patterns" data-count={list.length}>
      <div className="anomalies-section-head">
        <h3>Most unusual patterns</h3>
        <span className="dim small">by their strongest window in the range</span>
      </div>
      {list.length === 0 ? (
        !loading && <div className="dim small anomalies-empty">No pattern behaved unlike itself in this range.</div>
      ) : (
        <div className="anomalies-table-wrap">
          <table className="anomalies-table">
            <thead>
              <tr>
                <th>Pattern</th>
                <th>Kinds</th>
                <th className="num">Windows</th>
                <th>Score</th>
                <th>Sources</th>
                <th>Between</th>
              </tr>
            </thead>
            <tbody>
              {list.map((u) => (
                <UnusualRow key={u.pattern} u={u} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function UnusualRow({ u }: { u: UnusualPattern }) {
  return (
    <tr
      className="anomaly-row"
      data-testid="unusual-pattern"
      data-pattern={u.pattern}
      onClick={() => openRecords(patternTarget(u))}
      title="Open its records in Explore"
    >
      <td className="anomaly-what">
        <TemplateText template={u.template} className="mono" />
      </td>
      <td className="nowrap">
        {u.kinds.map((k) => (
          <KindBadge key={k} kind={k} />
        ))}
      </td>
      <td className="num mono">{u.windows}</td>
      <td>
        <ScoreBar score={u.score} strong={u.score >= 0.8} />
      </td>
      <td className="ellipsis" title={u.sources.join('\n')}>
        {u.sources.map(basename).join(', ')}
      </td>
      <td className="mono nowrap">
        {formatLocal(u.start, false)} <span className="dim">+{formatSpan(u.end - u.start)}</span>
      </td>
    </tr>
  );
}

/** Patterns by their anomalous records (the per-record model's decision), most first. */
function ScoredSection() {
  const scored = useAnomaliesStore((s) => s.scored);
  const error = useAnomaliesStore((s) => s.scoredError);
  const applied = useQueryStore((s) => s.applied);
  if (scored === null && !error) return null;
  const open = (p: Pattern) => openRecords({ query: anomalousQuery(patternTerm(p.id)), range: applied.range }, false);
  return (
    <section className="anomalies-section" data-testid="scored-patterns" data-count={scored?.length ?? 0}>
      <div className="anomalies-section-head">
        <h3>Patterns with the most anomalous records</h3>
        <span className="dim small">records the per-record model calls anomalous (anomalous:true), by pattern</span>
      </div>
      {error && <div className="callout callout-error">{error}</div>}
      {scored && scored.length === 0 && <div className="dim small anomalies-empty">No record in this range is anomalous.</div>}
      {scored && scored.length > 0 && (
        <div className="anomalies-table-wrap">
          <table className="anomalies-table">
            <thead>
              <tr>
                <th>Pattern</th>
                <th className="num">Anomalous records</th>
                <th>Sources</th>
                <th>Last seen</th>
              </tr>
            </thead>
            <tbody>
              {scored.map((p) => (
                <tr key={p.id} className="anomaly-row" data-testid="scored-pattern" data-pattern={p.id} onClick={() => open(p)} title="Open its anomalous records in Explore">
                  <td className="anomaly-what">
                    <TemplateText template={p.template} className="mono" />
                  </td>
                  <td className="num mono">{formatCount(p.count)}</td>
                  <td className="ellipsis" title={p.sources.join('\n')}>
                    {p.sources.map(basename).join(', ')}
                  </td>
                  <td className="mono nowrap">{formatLocal(p.lastSeen, false)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
