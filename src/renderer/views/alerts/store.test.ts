import { beforeEach, describe, expect, it } from 'vitest';
import type { Alert, AlertNotice } from '../../../shared/alerts';
import { alertsActions, MAX_ALERT_TOASTS, selectCurrent, selectFailingChannels, selectResolved, useAlertsStore } from './store';
import { editorActions, selectClean, useEditorStore } from './editor';
import { EMPTY_DRAFT } from './draft';

const base: Alert = {
  id: 'a',
  ruleId: 'r',
  rule: 'r',
  kind: 'threshold',
  group: {},
  state: 'firing',
  startedAt: 0,
  firedAt: 0,
  resolvedAt: null,
  value: 1,
  peak: 1,
  acknowledged: false,
  silencedUntil: null,
  query: '',
  from: 0,
  to: 1,
};
const mk = (id: string, patch: Partial<Alert>): Alert => ({ ...base, id, ...patch });

beforeEach(() => {
  alertsActions.reset();
  editorActions.close();
});

describe('alerts store', () => {
  it('an alertsChanged event replaces the alerts it names, puts new ones first and takes the open count', () => {
    alertsActions.receiveAlerts([mk('a', { state: 'pending' }), mk('b', {})], 1);
    alertsActions.mergeAlerts([mk('a', { state: 'firing', value: 9 }), mk('c', {})], 3);
    const s = useAlertsStore.getState();
    expect(s.alerts.map((a) => `${a.id}:${a.state}`)).toEqual(['c:firing', 'a:firing', 'b:firing']);
    expect(s.alerts.find((a) => a.id === 'a')?.value).toBe(9);
    expect(s.open).toBe(3);
  });

  it('current: firing before pending, newest first; resolved apart, newest resolution first', () => {
    alertsActions.receiveAlerts(
      [
        mk('p', { state: 'pending', startedAt: 50 }),
        mk('f1', { startedAt: 10 }),
        mk('f2', { startedAt: 20 }),
        mk('r1', { state: 'resolved', resolvedAt: 5 }),
        mk('r2', { state: 'resolved', resolvedAt: 7 }),
      ],
      2,
    );
    const s = useAlertsStore.getState();
    expect(selectCurrent(s).map((a) => a.id)).toEqual(['f2', 'f1', 'p']);
    expect(selectResolved(s).map((a) => a.id)).toEqual(['r2', 'r1']);
  });

  it('toasts stack up to a cap, oldest going first, and dismiss one at a time', () => {
    const n = (t: string): AlertNotice => ({ title: t, body: '', alerts: [], more: 0, target: { view: 'alerts' } });
    for (let i = 0; i < MAX_ALERT_TOASTS + 2; i++) alertsActions.pushToast(n(`t${i}`));
    const toasts = useAlertsStore.getState().toasts;
    expect(toasts.map((t) => t.notice.title)).toEqual(['t2', 't3', 't4', 't5', 't6']);
    alertsActions.dismissToast(toasts[0]!.id);
    expect(useAlertsStore.getState().toasts.map((t) => t.notice.title)).toEqual(['t3', 't4', 't5', 't6']);
  });

  it('only failing channels are shown as failures', () => {
    const ok = { channel: 'webhook:http://a', sent: 3, failed: 0, retried: 0, limited: 0, queued: 0, lastError: null, lastErrorAt: null };
    alertsActions.receiveChannels([ok, { ...ok, channel: 'slack:https://hooks.slack.com/***', failed: 2, lastError: 'HTTP 500', lastErrorAt: 1 }]);
    expect(selectFailingChannels(useAlertsStore.getState()).map((c) => c.lastError)).toEqual(['HTTP 500']);
  });
});

describe('rule editor store', () => {
  it('is clean only once the draft as it stands was checked without problems', () => {
    editorActions.open(null, EMPTY_DRAFT);
    expect(selectClean(useEditorStore.getState())).toBe(false);
    editorActions.checked(1, []);
    expect(selectClean(useEditorStore.getState())).toBe(true);
    editorActions.edit({ name: 'x' });
    expect(selectClean(useEditorStore.getState())).toBe(false);
  });

  it('drops a check answer for an older revision of the draft', () => {
    editorActions.open(null, EMPTY_DRAFT);
    editorActions.edit({ name: 'a' });
    editorActions.edit({ name: 'ab' });
    editorActions.checked(3, []);
    editorActions.checked(2, [{ path: 'name', message: 'stale' }]);
    expect(useEditorStore.getState().problems).toEqual([]);
  });
});
