/** A strip under the top bar while the engine is not reachable, with a countdown. */
import { useEffect, useState } from 'react';
import { useConnectionStore } from '../stores/connection';
import { retryConnection } from '../api/session';

export function ConnectionBanner() {
  const status = useConnectionStore((s) => s.status);
  const everOpen = useConnectionStore((s) => s.everOpen);
  const missingToken = useConnectionStore((s) => s.missingToken);
  const desktop = useConnectionStore((s) => s.mode === 'desktop');
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (status.retryAt === null) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [status.retryAt]);

  if (status.state === 'open') return null;
  // The first connect gets a moment before we complain.
  if (!everOpen && status.state === 'connecting' && status.attempt === 0) return null;

  const secs = status.retryAt ? Math.max(0, Math.ceil((status.retryAt - now) / 1000)) : null;
  return (
    <div className="conn-banner" data-testid="connection-banner" data-state={status.state} role="alert">
      <span className="conn-dot" />
      <span>
        <strong>{everOpen ? 'Reconnecting to the engine…' : 'Not connected to the engine.'}</strong> {status.reason}
        {missingToken && !everOpen && ' This page has no access token: open the address that `logscope serve` printed.'}
      </span>
      <span className="spacer" />
      {secs !== null && status.state === 'closed' && <span className="dim">retrying in {secs}s</span>}
      {!desktop && (
        <button type="button" className="btn btn-xs" onClick={retryConnection} disabled={status.state === 'connecting'}>
          Retry now
        </button>
      )}
    </div>
  );
}
