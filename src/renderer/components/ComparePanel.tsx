/**
 * Compare two sides of the applied query: each a time range (a preset or typed) and
 * optionally one source. The engine answers with patterns new in B, gone from A, and
 * those whose share of their side moved most; a row opens its records (in B's range and
 * source, or A's for a gone one) in Explore, Alt/Shift-click excludes it.
 */
import { useCallback, useEffect, useState, type MouseEvent } from 'react';
import type { PatternChange } from '../../shared/protocol';
import { compareActions, selectCompareStale, useCompareStore, type CompareRequest } from '../stores/compare';
import { useSourcesStore } from '../stores/sources';
import { applyComparePreset, openPattern, runCompare, setCompareOpen } from '../api/session';
import { COMPARE_PRESETS, sideLabel, sideProblem, type CompareSide } from '../lib/compare';
import { barScale, ratioView, sharePercent, sideFor, type CompareKind } from '../lib/patterns';
import { basename, formatCompact, formatCount, formatTook } from '../lib/format';
import { formatLocal, parseLocal } from '../lib/time';
import { TemplateText } from './PatternBits';
import { ArrowDownIcon, ArrowUpIcon, CloseIcon, CompareIcon, SwapIcon } from './icons';

export function ComparePanel() {
  const a = useCompareStore((s) => s.a);
  const b = useCompareStore((s) => s.b);
  const preset = useCompareStore((s) => s.preset);
  const presetError = useCompareStore((s) => s.presetError);
  const loading = useCompareStore((s) => s.loading);
  const stale = useCompareStore(selectCompareStale);
  const hasResult = useCompareStore((s) => s.result !== null);
  const [invalid, setInvalid] = useState<ReadonlySet<string>>(new Set());
  const markInvalid = useCallback(
    (id: string, bad: boolean) =>
      setInvalid((prev) => {
        if (prev.has(id) === bad) return prev;
        const next = new Set(prev);
        if (bad) next.add(id);
        else next.delete(id);
        return next;
      }),
    [],
  );
  const problem = sideProblem(a) ?? sideProblem(b);
  const canRun = invalid.size === 0 && problem === null && !loading;

  return (
    <aside className="compare" data-testid="compare-panel" aria-label="Compare">
      <header className="detail-head compare-head">
        <CompareIcon />
        <strong>Compare</strong>
        <span className="dim small ellipsis">patterns of the query, side A against side B</span>
        <button
          type="button"
          className="btn btn-ghost btn-icon detail-close"
          title="Close (c)"
          data-testid="compare-close"
          onClick={() => setCompareOpen(false)}
        >
          <CloseIcon />
        </button>
      </header>
      <div className="compare-body">
        <div className="compare-presets" role="group" aria-label="Presets">
          {COMPARE_PRESETS.map((p) => (
            <button
              key={p.key}
              type="button"
              className={`chip${preset === p.key ? ' active' : ''}`}
              data-testid={`compare-preset-${p.key}`}
              title={p.title}
              onClick={() => void applyComparePreset(p.key)}
            >
              {p.label}
            </button>
          ))}
        </div>
        {presetError && (
          <div className="callout callout-warn small" data-testid="compare-preset-error">
            {presetError}
          </div>
        )}
        <form
          className="compare-sides"
          onSubmit={(e) => {
            e.preventDefault();
            if (canRun) runCompare();
          }}
        >
          <SideEditor which="a" side={a} onInvalid={markInvalid} />
          <button
            type="button"
            className="btn btn-ghost btn-icon compare-swap"
            title="Swap A and B"
            data-testid="compare-swap"
            onClick={() => compareActions.swap()}
          >
            <SwapIcon />
          </button>
          <SideEditor which="b" side={b} onInvalid={markInvalid} />
          <div className="compare-run-row">
            {stale && hasResult && !loading && <span className="dim small">The sides changed since this result.</span>}
            {problem && <em className="field-error">{problem}</em>}
            <span className="spacer" />
            {loading && <span className="spinner" aria-label="Comparing" />}
            <button type="submit" className="btn btn-primary btn-sm" data-testid="compare-run" disabled={!canRun}>
              Compare
            </button>
          </div>
        </form>
        <CompareResults />
      </div>
    </aside>
  );
}

const SIDE_NAMES = { a: 'Baseline', b: 'Compared' } as const;

function SideEditor({
  which,
  side,
  onInvalid,
}: {
  which: 'a' | 'b';
  side: CompareSide;
  onInvalid: (id: string, bad: boolean) => void;
}) {
  const sources = useSourcesStore((s) => s.sources);
  const loaded = useSourcesStore((s) => s.loaded);
  const sorted = [...sources].sort((x, y) => y.records - x.records || x.name.localeCompare(y.name));
  const edit = (patch: Partial<CompareSide>) => compareActions.editSide(which, patch);
  const unknownSource = side.source !== null && loaded && !sources.some((s) => s.name === side.source);

  return (
    <div
      className={`compare-side side-${which}`}
      role="group"
      aria-labelledby={`compare-side-${which}-title`}
      data-testid={`compare-side-${which}`}
    >
      <div className="compare-side-title" id={`compare-side-${which}-title`}>
        <span className="side-badge">{which.toUpperCase()}</span>
        {SIDE_NAMES[which]}
      </div>
      <TimeBox
        id={`${which}-from`}
        label="From"
        value={side.from}
        placeholder="YYYY-MM-DD HH:mm (empty: open)"
        onChange={(from) => edit({ from })}
        onInvalid={onInvalid}
      />
      <TimeBox
        id={`${which}-to`}
        label="To"
        value={side.to}
        placeholder="YYYY-MM-DD HH:mm (empty: now)"
        onChange={(to) => edit({ to })}
        onInvalid={onInvalid}
      />
      <label className="field">
        <span>Source</span>
        <select
          className="input"
          data-testid={`compare-${which}-source`}
          value={side.source ?? ''}
          onChange={(e) => edit({ source: e.target.value === '' ? null : e.target.value })}
        >
          <option value="">All sources</option>
          {unknownSource && <option value={side.source!}>{basename(side.source!)} (gone)</option>}
          {sorted.map((s) => (
            <option key={s.name} value={s.name} title={s.name}>
              {basename(s.name)} · {formatCompact(s.records)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** A local date-time box that writes to the store whenever its text parses. */
function TimeBox({
  id,
  label,
  value,
  placeholder,
  onChange,
  onInvalid,
}: {
  id: string;
  label: string;
  value: number | null;
  placeholder: string;
  onChange: (v: number | null) => void;
  onInvalid: (id: string, bad: boolean) => void;
}) {
  const show = (v: number | null) => (v === null ? '' : formatLocal(v, false));
  const [text, setText] = useState(() => show(value));
  const parsed = parseLocal(text);
  // A preset or a swap changed the value: show it, unless the text already means it.
  useEffect(() => {
    const p = parseLocal(text);
    if (!(p.ok && p.value === value)) setText(show(value));
    // Only the value from outside matters here; the text is ours.
  }, [value]);
  useEffect(() => {
    onInvalid(id, !parsed.ok);
  }, [id, parsed.ok, onInvalid]);
  useEffect(() => () => onInvalid(id, false), [id, onInvalid]);

  return (
    <label className="field">
      <span>{label}</span>
      <input
        className={`input mono${parsed.ok ? '' : ' invalid'}`}
        data-testid={`compare-${id}`}
        value={text}
        placeholder={placeholder}
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          const p = parseLocal(e.target.value);
          if (p.ok) onChange(p.value);
        }}
      />
      {!parsed.ok && <em className="field-error">{parsed.error}</em>}
    </label>
  );
}

function CompareResults() {
  const result = useCompareStore((s) => s.result);
  const request = useCompareStore((s) => s.request);
  const loading = useCompareStore((s) => s.loading);
  const error = useCompareStore((s) => s.error);

  if (error)
    return (
      <div className="callout callout-error small" data-testid="compare-error">
        <strong>Could not compare.</strong> {error}
      </div>
    );
  if (!result || !request)
    return (
      <div className="compare-hint dim small" data-testid="compare-hint">
        {loading
          ? 'Comparing…'
          : 'Pick the two sides — a preset, typed times or a source each — and press Compare. Shares are compared, not counts, so a busier side does not make everything look changed.'}
      </div>
    );
  const empty = result.totalA === 0 && result.totalB === 0;
  return (
    <div className={`compare-results${loading ? ' is-loading' : ''}`} data-testid="compare-results">
      <div className="compare-summary small">
        <span title={sideLabel(request.a)}>
          <span className="side-badge">A</span>
          {formatCount(result.totalA)} <span className="dim">records · {sideLabel(request.a)}</span>
        </span>
        <span title={sideLabel(request.b)}>
          <span className="side-badge">B</span>
          {formatCount(result.totalB)} <span className="dim">records · {sideLabel(request.b)}</span>
        </span>
        <span className="dim">in {formatTook(result.tookMs)}</span>
      </div>
      {empty && (
        <div className="callout callout-warn small">Neither side has any records for this query: widen the ranges.</div>
      )}
      {!empty && result.totalA === 0 && (
        <div className="callout callout-warn small">Side A has no records: everything in B shows as new.</div>
      )}
      {!empty && result.totalB === 0 && (
        <div className="callout callout-warn small">Side B has no records: everything in A shows as gone.</div>
      )}
      <CompareList kind="added" title="New in B" items={result.added} request={request} totals={result} />
      <CompareList kind="gone" title="Gone from A" items={result.gone} request={request} totals={result} />
      <CompareList kind="changed" title="Changed most" items={result.changed} request={request} totals={result} />
    </div>
  );
}

const SHOW_FIRST = 8;
const EMPTY_TEXT: Record<CompareKind, string> = {
  added: 'No pattern is in B only.',
  gone: 'No pattern is in A only.',
  changed: 'No pattern in both changed its share.',
};

function CompareList({
  kind,
  title,
  items,
  request,
  totals,
}: {
  kind: CompareKind;
  title: string;
  items: PatternChange[];
  request: CompareRequest;
  totals: { totalA: number; totalB: number };
}) {
  const [all, setAll] = useState(false);
  const shown = all ? items : items.slice(0, SHOW_FIRST);
  const scale = barScale(
    items.map((c) =>
      kind === 'changed' ? (ratioView(c.ratio)?.magnitude ?? 0) : kind === 'added' ? c.countB : c.countA,
    ),
  );
  const side = request[sideFor(kind)];
  const open = (e: MouseEvent, id: number) =>
    openPattern(id, { negate: e.altKey || e.shiftKey, side: e.altKey || e.shiftKey ? undefined : side });

  return (
    <section className={`compare-list kind-${kind}`} data-testid={`compare-${kind}`} data-count={items.length}>
      <h4 className="facet-name">
        <span>{title}</span>
        <span className="dim">{items.length >= 50 ? `${items.length}+` : items.length}</span>
      </h4>
      {items.length === 0 && <div className="dim small compare-none">{EMPTY_TEXT[kind]}</div>}
      <ul>
        {shown.map((c) => {
          const r = ratioView(c.ratio);
          const width = kind === 'changed' ? scale(r?.magnitude ?? 0) : scale(kind === 'added' ? c.countB : c.countA);
          return (
            <li
              key={c.id}
              className="compare-row"
              data-testid="compare-row"
              data-id={c.id}
              data-kind={kind}
              data-count-a={c.countA}
              data-count-b={c.countB}
              data-ratio={c.ratio ?? ''}
              title={`${c.template}\n\nClick: show these records (side ${sideFor(kind).toUpperCase()}) · Alt/Shift-click: exclude`}
              onClick={(e) => open(e, c.id)}
            >
              <TemplateText template={c.template} className="compare-tpl mono" />
              <div className="compare-nums small">
                <span className="compare-counts">
                  {kind === 'added' ? (
                    <>
                      <span className="dim">—</span> → {formatCount(c.countB)}{' '}
                      <span className="dim">({sharePercent(c.countB, totals.totalB)} of B)</span>
                    </>
                  ) : kind === 'gone' ? (
                    <>
                      {formatCount(c.countA)} → <span className="dim">—</span>{' '}
                      <span className="dim">({sharePercent(c.countA, totals.totalA)} of A)</span>
                    </>
                  ) : (
                    <>
                      {formatCount(c.countA)} → {formatCount(c.countB)}{' '}
                      <span className="dim">
                        ({sharePercent(c.countA, totals.totalA)} → {sharePercent(c.countB, totals.totalB)})
                      </span>
                    </>
                  )}
                </span>
                <span className="compare-bar" aria-hidden="true">
                  <span
                    className={`compare-bar-fill${r ? ` dir-${r.dir}` : ''}`}
                    style={{ width: `${Math.max(2, width * 100)}%` }}
                  />
                </span>
                {kind === 'changed' && r ? (
                  <span className={`compare-ratio dir-${r.dir}`} title="Change in share of its side's records">
                    {r.dir === 'up' ? <ArrowUpIcon /> : r.dir === 'down' ? <ArrowDownIcon /> : null}
                    {r.factor}
                  </span>
                ) : (
                  <span className={`compare-ratio ${kind === 'added' ? 'dir-up' : 'dir-down'}`}>
                    {kind === 'added' ? 'new' : 'gone'}
                  </span>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {items.length > SHOW_FIRST && (
        <button type="button" className="link small compare-more" onClick={() => setAll(!all)}>
          {all ? 'Show fewer' : `Show all ${items.length}`}
        </button>
      )}
    </section>
  );
}
