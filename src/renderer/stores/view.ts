/**
 * Which view is showing (Explore, Patterns or Settings). Kept in the URL hash too (`#/patterns`),
 * so a reload, a bookmark or a link opens the same view; Explore is the bare URL.
 */
import { create } from 'zustand';

export const VIEWS = ['explore', 'patterns', 'anomalies', 'alerts', 'sources', 'settings'] as const;
export type View = (typeof VIEWS)[number];

export const VIEW_LABELS: Record<View, string> = {
  explore: 'Explore',
  patterns: 'Patterns',
  anomalies: 'Anomalies',
  alerts: 'Alerts',
  sources: 'Sources',
  settings: 'Settings',
};
/** The second key of the `g` chord that opens each view. */
export const VIEW_KEYS: Record<View, string> = { explore: 'e', patterns: 'p', anomalies: 'a', alerts: 'l', sources: 'o', settings: 's' };

/** `#/patterns`, `#patterns` (any case) → patterns; anything else → explore. */
export function viewFromHash(hash: string): View {
  const name = hash.replace(/^#\/?/, '').split(/[/?&]/)[0]!.toLowerCase();
  return (VIEWS as readonly string[]).includes(name) ? (name as View) : 'explore';
}

export function hashForView(view: View): string {
  return view === 'explore' ? '' : `#/${view}`;
}

interface Env {
  location?: Pick<Location, 'href' | 'hash'> | null;
  history?: Pick<History, 'replaceState' | 'state'> | null;
}

function browserEnv(): Env {
  return {
    location: typeof location === 'undefined' ? null : location,
    history: typeof history === 'undefined' ? null : history,
  };
}

export interface ViewState {
  view: View;
  setView(view: View): void;
}

export function createViewStore(env: Env = browserEnv()) {
  return create<ViewState>()((set, get) => ({
    view: env.location ? viewFromHash(env.location.hash) : 'explore',
    setView: (view) => {
      if (get().view === view) return;
      set({ view });
      writeHash(env, view);
    },
  }));
}

/** Put the view in the address without a navigation (and without a history entry). */
function writeHash(env: Env, view: View) {
  if (!env.location || !env.history) return;
  try {
    const url = new URL(env.location.href);
    if (viewFromHash(url.hash) === view && (view !== 'explore' || url.hash === '')) return;
    url.hash = hashForView(view);
    const href = url.pathname + url.search + (url.hash || '');
    env.history.replaceState(env.history.state, '', href);
  } catch {
    // an address we cannot rewrite (about:blank): the store still switches
  }
}

export const useViewStore = createViewStore();

/** Follow a hash edited by hand or by the back button. */
export function bindViewToHash(win: Pick<Window, 'addEventListener' | 'removeEventListener' | 'location'>) {
  const onHash = () => useViewStore.getState().setView(viewFromHash(win.location.hash));
  win.addEventListener('hashchange', onHash);
  return () => win.removeEventListener('hashchange', onHash);
}
