/**
 * Explore | Patterns in the top bar. Keys: `g e` and `g p` (GitHub style: g, then the
 * view's letter), from anywhere but a text box.
 */
import { useEffect } from 'react';
import { useViewStore, VIEWS, VIEW_KEYS, VIEW_LABELS, type View } from '../stores/view';
import { createChords, isTypingTarget } from '../lib/keys';
import { BellIcon, GearIcon, ListIcon, PatternIcon, PulseIcon, SourcesIcon } from './icons';
import { useAlertsStore } from '../views/alerts/store';

const ICONS: Record<View, typeof ListIcon> = {
  explore: ListIcon,
  patterns: PatternIcon,
  anomalies: PulseIcon,
  alerts: BellIcon,
  sources: SourcesIcon,
  settings: GearIcon,
};

export function ViewSwitcher() {
  const view = useViewStore((s) => s.view);
  const setView = useViewStore((s) => s.setView);
  const openAlerts = useAlertsStore((s) => s.open);
  return (
    <div className="view-switch" role="tablist" aria-label="View">
      {VIEWS.map((v) => {
        const Icon = ICONS[v];
        return (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            className={`view-tab${view === v ? ' active' : ''}`}
            data-testid={`view-${v}`}
            title={`${VIEW_LABELS[v]} (g then ${VIEW_KEYS[v]})`}
            onClick={() => setView(v)}
          >
            <Icon />
            <span>{VIEW_LABELS[v]}</span>
            {v === 'alerts' && openAlerts > 0 && (
              <b className="view-badge" data-testid="alerts-badge" aria-label={`${openAlerts} open alerts`}>
                {openAlerts > 99 ? '99+' : openAlerts}
              </b>
            )}
          </button>
        );
      })}
    </div>
  );
}

export function useViewKeys() {
  useEffect(() => {
    const chords = createChords(Object.fromEntries(VIEWS.map((v) => [`g${VIEW_KEYS[v]}`, v])) as Record<string, View>);
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) {
        chords.reset();
        return;
      }
      const r = chords.feed(e.key, e.timeStamp || performance.now());
      if (r && 'action' in r) {
        e.preventDefault();
        useViewStore.getState().setView(r.action);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
