/**
 * "Learn from this range": refit the per-record anomaly model on the range in view, with
 * its progress and a cancel; the engine's refusal (too few records, one already running)
 * is shown beside the button.
 */
import { useAnomaliesStore, anomaliesActions } from './store';
import { cancelRefit, startRefit } from './api';

export function RefitPanel() {
  const refit = useAnomaliesStore((s) => s.refit);
  const starting = useAnomaliesStore((s) => s.refitStarting);
  const error = useAnomaliesStore((s) => s.refitError);
  const running = refit?.state === 'running';
  return (
    <div className="refit" data-testid="refit" data-state={refit?.state ?? (error ? 'refused' : 'idle')}>
      {running ? (
        <>
          <span className="dim small">
            {refit.scheduled ? 'Scheduled refit: ' : 'Learning: '}
            {refit.phase}
          </span>
          <span className="refit-bar" aria-label={`${Math.round(refit.fraction * 100)}%`}>
            <span className="refit-fill" style={{ width: `${Math.round(Math.max(0, Math.min(1, refit.fraction)) * 100)}%` }} />
          </span>
          {!refit.scheduled && (
            <button type="button" className="btn btn-sm" onClick={() => void cancelRefit()} data-testid="refit-cancel">
              Cancel
            </button>
          )}
        </>
      ) : (
        <>
          {error && (
            <span className="error-text small refit-message" data-testid="refit-error" title={error}>
              {error}
            </span>
          )}
          {refit && !error && refit.state !== 'running' && (
            <span className={`small refit-message${refit.state === 'failed' ? ' error-text' : ' dim'}`} data-testid="refit-result" title={refit.message ?? ''}>
              {refit.state === 'done'
                ? `Learned${refit.message ? `: ${refit.message}` : ''}`
                : refit.state === 'cancelled'
                  ? 'Cancelled; the previous model stays in use.'
                  : `Failed${refit.message ? `: ${refit.message}` : ''}`}
            </span>
          )}
          {(error || refit) && (
            <button type="button" className="btn btn-ghost btn-xs" onClick={anomaliesActions.dismissRefit} title="Dismiss">
              ×
            </button>
          )}
          <button
            type="button"
            className="btn btn-sm"
            disabled={starting}
            onClick={() => void startRefit()}
            data-testid="refit-start"
            title="Treat the records in this time range as normal and refit the anomaly model on them (records you marked anomalous are left out)"
          >
            Learn from this range
          </button>
        </>
      )}
    </div>
  );
}
