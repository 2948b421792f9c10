/** Toasts: what went wrong (stays until dismissed) and what finished (goes away). */
import { notices, useNoticesStore } from '../stores/notices';
import { AlertIcon, CloseIcon, InfoIcon } from './icons';

export function Notices() {
  const list = useNoticesStore((s) => s.notices);
  if (list.length === 0) return null;
  return (
    <div className="notices" role="status" aria-live="polite">
      {list.map((n) => (
        <div
          key={n.id}
          className={`notice notice-${n.kind}`}
          data-testid="notice"
          data-kind={n.kind}
          role={n.kind === 'error' ? 'alert' : undefined}
        >
          {n.kind === 'error' ? <AlertIcon className="notice-icon" /> : <InfoIcon className="notice-icon" />}
          <div className="notice-text">
            <strong>{n.title}</strong>
            {n.detail && <div className="notice-detail">{n.detail}</div>}
          </div>
          <button
            type="button"
            className="btn btn-ghost btn-icon"
            title="Dismiss"
            onClick={() => notices.dismiss(n.id)}
          >
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
