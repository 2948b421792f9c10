/**
 * Live next to the time picker: on, new matching records stream in at the top of the
 * table; pause holds them (and says how many wait); the rate is of matching records.
 */
import { useLiveStore } from '../stores/live';
import { useViewStore } from '../stores/view';
import { setLive, setLivePaused } from '../api/session';
import { formatCount } from '../lib/format';
import { PauseIcon, PlayIcon } from './icons';
import './LiveToggle.css';

export function LiveToggle() {
  const view = useViewStore((s) => s.view);
  const on = useLiveStore((s) => s.on);
  const paused = useLiveStore((s) => s.paused);
  const status = useLiveStore((s) => s.status);
  const error = useLiveStore((s) => s.error);
  const rate = useLiveStore((s) => s.rate);
  const held = useLiveStore((s) => s.held.length);
  const dropped = useLiveStore((s) => s.dropped);
  if (view !== 'explore') return null;
  const title =
    status === 'error'
      ? `Live tail failed: ${error ?? 'unknown error'}`
      : on
        ? 'Stop the live tail'
        : 'Live tail: show new matching records as they arrive';
  return (
    <div className="live-controls" data-testid="live-controls" data-status={status} data-paused={paused || undefined}>
      <button
        type="button"
        className={`btn live-toggle${on ? ' active' : ''}${paused ? ' paused' : ''}${status === 'error' ? ' failed' : ''}`}
        data-testid="live-toggle"
        aria-pressed={on}
        title={title}
        onClick={() => void setLive(!on)}
      >
        <span className="live-dot" aria-hidden="true" />
        <span>Live</span>
      </button>
      {on && (
        <>
          <button
            type="button"
            className="btn btn-icon"
            data-testid="live-pause"
            title={paused ? 'Resume: show what arrived meanwhile' : 'Pause: hold new records'}
            aria-label={paused ? 'Resume' : 'Pause'}
            onClick={() => setLivePaused(!paused)}
          >
            {paused ? <PlayIcon /> : <PauseIcon />}
          </button>
          <span
            className="live-rate mono"
            data-testid="live-rate"
            data-rate={rate}
            title={
              dropped > 0
                ? `${formatCount(dropped)} matching records were not kept (the view fell behind)`
                : 'Matching records per second'
            }
          >
            {paused && held > 0
              ? `${formatCount(held)} new`
              : `${rate >= 10 ? formatCount(Math.round(rate)) : rate.toFixed(1)}/s`}
            {dropped > 0 && ' ⚠'}
          </span>
        </>
      )}
    </div>
  );
}
