/** Alert toasts: stacked top right, each dismissable; clicking one opens its alert's records. */
import { useAlertsStore, alertsActions } from './store';
import { noticeTarget } from './notify';
import { openTarget } from './api';
import { BellIcon, CloseIcon } from '../../components/icons';

export function AlertToasts() {
  const toasts = useAlertsStore((s) => s.toasts);
  if (toasts.length === 0) return null;
  return (
    <div className="alert-toasts" role="status" aria-live="assertive">
      {toasts.map((t) => (
        <div key={t.id} className="alert-toast" data-testid="alert-toast">
          <button
            type="button"
            className="alert-toast-main"
            title="Show the records"
            onClick={() => {
              alertsActions.dismissToast(t.id);
              openTarget(noticeTarget(t.notice));
            }}
          >
            <BellIcon className="alert-toast-icon" />
            <span className="alert-toast-text">
              <strong>{t.notice.title}</strong>
              <span className="alert-toast-body">{t.notice.body}</span>
              {t.notice.more > 0 && <span className="dim small">and {t.notice.more} more</span>}
            </span>
          </button>
          <button type="button" className="btn btn-ghost btn-icon" title="Dismiss" data-testid="alert-toast-dismiss" onClick={() => alertsActions.dismissToast(t.id)}>
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
