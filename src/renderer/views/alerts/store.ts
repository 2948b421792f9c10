/**
 * The Alerts view's state: the current alerts and the open count (the view switcher's
 * badge), the history, the rules, the channels' figures, which tab shows, and the in-page
 * alert toasts. Rule editing and replay live in editor.ts.
 */
import { create } from 'zustand';
import type { Alert, AlertEvent, AlertNotice, AlertRule, ChannelStatus } from '../../../shared/alerts';

export const ALERT_TABS = ['alerts', 'history', 'rules'] as const;
export type AlertTab = (typeof ALERT_TABS)[number];

/** At most this many alert toasts stack up; the oldest goes first. */
export const MAX_ALERT_TOASTS = 5;

export interface AlertToast {
  id: number;
  notice: AlertNotice;
  at: number;
}

export interface AlertsState {
  tab: AlertTab;
  alerts: Alert[];
  /** Firing and not acknowledged. */
  open: number;
  alertsError: string | null;
  history: AlertEvent[];
  historyError: string | null;
  rules: AlertRule[];
  rulesLoaded: boolean;
  rulesError: string | null;
  channels: ChannelStatus[];
  /** Alert or rule ids with a call in flight (their buttons wait). */
  busy: Record<string, true>;
  toasts: AlertToast[];
  permission: NotificationPermission | 'unsupported';
}

const initial: AlertsState = {
  tab: 'alerts',
  alerts: [],
  open: 0,
  alertsError: null,
  history: [],
  historyError: null,
  rules: [],
  rulesLoaded: false,
  rulesError: null,
  channels: [],
  busy: {},
  toasts: [],
  permission: 'unsupported',
};

export const useAlertsStore = create<AlertsState>()(() => ({ ...initial }));

let nextToast = 1;

export const alertsActions = {
  reset() {
    useAlertsStore.setState({ ...initial });
  },
  setTab(tab: AlertTab) {
    useAlertsStore.setState({ tab });
  },
  receiveAlerts(alerts: Alert[], open: number) {
    useAlertsStore.setState({ alerts, open, alertsError: null });
  },
  /** An alertsChanged event: the changed alerts replace theirs (new ones go first). */
  mergeAlerts(changed: Alert[], open: number) {
    const s = useAlertsStore.getState();
    const byId = new Map(changed.map((a) => [a.id, a]));
    const kept = s.alerts.map((a) => byId.get(a.id) ?? a);
    const known = new Set(s.alerts.map((a) => a.id));
    const added = changed.filter((a) => !known.has(a.id));
    useAlertsStore.setState({ alerts: [...added, ...kept], open });
  },
  alertsFailed(error: string) {
    useAlertsStore.setState({ alertsError: error });
  },
  receiveHistory(history: AlertEvent[]) {
    useAlertsStore.setState({ history, historyError: null });
  },
  historyFailed(error: string) {
    useAlertsStore.setState({ historyError: error });
  },
  receiveRules(rules: AlertRule[]) {
    useAlertsStore.setState({ rules, rulesLoaded: true, rulesError: null });
  },
  /** One rule saved or toggled: replace it (or add it first). */
  upsertRule(rule: AlertRule) {
    const s = useAlertsStore.getState();
    const has = s.rules.some((r) => r.id === rule.id);
    useAlertsStore.setState({ rules: has ? s.rules.map((r) => (r.id === rule.id ? rule : r)) : [rule, ...s.rules] });
  },
  removeRule(id: string) {
    useAlertsStore.setState((s) => ({ rules: s.rules.filter((r) => r.id !== id) }));
  },
  rulesFailed(error: string) {
    useAlertsStore.setState({ rulesError: error });
  },
  receiveChannels(channels: ChannelStatus[]) {
    useAlertsStore.setState({ channels });
  },
  /** An acknowledged or silenced alert. */
  updateAlert(alert: Alert) {
    useAlertsStore.setState((s) => ({ alerts: s.alerts.map((a) => (a.id === alert.id ? alert : a)) }));
  },
  busy(id: string, on: boolean) {
    useAlertsStore.setState((s) => {
      const busy = { ...s.busy };
      if (on) busy[id] = true;
      else delete busy[id];
      return { busy };
    });
  },
  pushToast(notice: AlertNotice, at = Date.now()): number {
    const id = nextToast++;
    useAlertsStore.setState((s) => ({ toasts: [...s.toasts, { id, notice, at }].slice(-MAX_ALERT_TOASTS) }));
    return id;
  },
  dismissToast(id: number) {
    useAlertsStore.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
  },
  setPermission(permission: AlertsState['permission']) {
    useAlertsStore.setState({ permission });
  },
};

/** Pending and firing, firing first, then newest. */
export function selectCurrent(s: Pick<AlertsState, 'alerts'>): Alert[] {
  const rank = (a: Alert) => (a.state === 'firing' ? 0 : a.state === 'pending' ? 1 : 2);
  return s.alerts
    .filter((a) => a.state !== 'resolved')
    .sort((a, b) => rank(a) - rank(b) || b.startedAt - a.startedAt);
}

/** Resolved ones, newest resolution first. */
export function selectResolved(s: Pick<AlertsState, 'alerts'>): Alert[] {
  return s.alerts.filter((a) => a.state === 'resolved').sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0));
}

/** Channels with a failure to show. */
export function selectFailingChannels(s: Pick<AlertsState, 'channels'>): ChannelStatus[] {
  return s.channels.filter((c) => c.failed > 0 || c.lastError !== null);
}
