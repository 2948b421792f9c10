/**
 * Time range: relative presets, all time, or an absolute from/to in local time; plus a
 * zoom-out button. Choosing runs the query (via the query store's applied spec).
 */
import { useEffect, useRef, useState } from 'react';
import { useQueryStore } from '../stores/query';
import { useHistogramStore } from '../stores/histogram';
import { bucketCount } from '../charts/histogramOption';
import {
  canZoomOut,
  formatLocal,
  parseLocal,
  rangeLabel,
  RELATIVE_PRESETS,
  resolveRange,
  sameRange,
  ALL_TIME,
  type RangeSpec,
} from '../lib/time';
import { ChevronIcon, ClockIcon, ZoomOutIcon } from './icons';

function tzLabel(): string {
  const offset = -new Date().getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '−';
  const h = Math.floor(Math.abs(offset) / 60);
  const m = Math.abs(offset) % 60;
  let zone = '';
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    zone = '';
  }
  return `${zone ? `${zone}, ` : ''}UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

export function TimePicker() {
  const range = useQueryStore((s) => s.applied.range);
  const setRange = useQueryStore((s) => s.setRange);
  const zoomOut = useQueryStore((s) => s.zoomOut);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const choose = (spec: RangeSpec) => {
    setRange(spec);
    setOpen(false);
  };

  return (
    <div className="timepicker" ref={root}>
      <div className="btn-group">
        <button
          type="button"
          className={`btn timepicker-button${open ? ' active' : ''}`}
          data-testid="time-range"
          data-kind={range.kind}
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          aria-haspopup="dialog"
          title="Time range"
        >
          <ClockIcon />
          <span className="timepicker-label">{rangeLabel(range)}</span>
          <ChevronIcon className="chevron" />
        </button>
        <button
          type="button"
          className="btn btn-icon"
          data-testid="zoom-out"
          onClick={zoomOut}
          disabled={!canZoomOut(range)}
          title="Zoom out (double the time range)"
        >
          <ZoomOutIcon />
        </button>
      </div>
      {open && <TimePopover range={range} onChoose={choose} />}
    </div>
  );
}

function TimePopover({ range, onChoose }: { range: RangeSpec; onChoose: (r: RangeSpec) => void }) {
  // Start the absolute boxes from what is shown now: the resolved range, or for all time
  // the span the histogram covers.
  const hist = useHistogramStore.getState().data;
  const resolved =
    range.kind === 'all' && hist && hist.total > 0
      ? { from: hist.start, to: hist.start + bucketCount(hist) * hist.bucketMs }
      : resolveRange(range, Date.now());
  const [from, setFrom] = useState(resolved.from === null ? '' : formatLocal(resolved.from, false));
  const [to, setTo] = useState(resolved.to === null ? '' : formatLocal(resolved.to, false));
  const pf = parseLocal(from);
  const pt = parseLocal(to);
  const order = pf.ok && pt.ok && pf.value !== null && pt.value !== null && pf.value >= pt.value;
  const valid = pf.ok && pt.ok && !order && !(pf.ok && pt.ok && pf.value === null && pt.value === null);
  const apply = () => {
    if (!valid || !pf.ok || !pt.ok) return;
    onChoose(pf.value === null && pt.value === null ? ALL_TIME : { kind: 'absolute', from: pf.value, to: pt.value });
  };

  return (
    <div className="popover timepicker-popover" role="dialog" aria-label="Time range">
      <form
        className="tp-absolute"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <div className="tp-title">Absolute time range</div>
        <label className="field">
          <span>From</span>
          <input
            className={`input mono${pf.ok ? '' : ' invalid'}`}
            data-testid="time-from"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            placeholder="YYYY-MM-DD HH:mm:ss (empty: open)"
            spellCheck={false}
          />
          {!pf.ok && <em className="field-error">{pf.error}</em>}
        </label>
        <label className="field">
          <span>To</span>
          <input
            className={`input mono${pt.ok ? '' : ' invalid'}`}
            data-testid="time-to"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            placeholder="YYYY-MM-DD HH:mm:ss (empty: now)"
            spellCheck={false}
          />
          {!pt.ok && <em className="field-error">{pt.error}</em>}
        </label>
        {order && <em className="field-error">“From” must be before “To”.</em>}
        <div className="tp-foot">
          <span className="dim small">Local time ({tzLabel()})</span>
          <button type="submit" className="btn btn-primary btn-sm" data-testid="time-apply" disabled={!valid}>
            Apply
          </button>
        </div>
      </form>
      <ul className="tp-presets" role="listbox" aria-label="Relative ranges">
        {RELATIVE_PRESETS.map((p) => {
          const spec: RangeSpec = { kind: 'relative', key: p.key };
          return (
            <li key={p.key}>
              <button
                type="button"
                className={`tp-preset${sameRange(range, spec) ? ' selected' : ''}`}
                data-testid={`time-preset-${p.key}`}
                onClick={() => onChoose(spec)}
              >
                {p.label}
              </button>
            </li>
          );
        })}
        <li>
          <button
            type="button"
            className={`tp-preset${range.kind === 'all' ? ' selected' : ''}`}
            data-testid="time-preset-all"
            onClick={() => onChoose(ALL_TIME)}
          >
            All time
          </button>
        </li>
      </ul>
    </div>
  );
}
