import { describe, expect, it } from 'vitest';
import type { Alert, AlertNotice } from '../../../shared/alerts';
import { groupLabel, noticeTarget, routeNotice } from './notify';

const alert: Alert = {
  id: 'r1|host=web-1',
  ruleId: 'r1',
  rule: 'db refused',
  kind: 'threshold',
  group: { host: 'web-1' },
  state: 'firing',
  startedAt: 1000,
  firedAt: 1000,
  resolvedAt: null,
  value: 25,
  peak: 30,
  acknowledged: false,
  silencedUntil: null,
  query: 'level>=error host:"web-1"',
  from: 0,
  to: 60_000,
};

function notice(channels?: ('os' | 'toast')[]): AlertNotice {
  return { title: 'db refused', body: '25 > 20', alerts: [alert], more: 0, target: { view: 'explore', query: 'x' }, ...(channels ? { channels } : {}) };
}

function route(n: AlertNotice, desktop: boolean, permission: NotificationPermission | 'unsupported') {
  const seen: string[] = [];
  const r = routeNotice(n, { desktop, permission, toast: () => seen.push('toast'), browserNotification: () => seen.push('browser') });
  return { ...r, seen };
}

describe('alert notices in the page', () => {
  it('a browser page with permission shows both the toast and the Notification', () => {
    expect(route(notice(), false, 'granted').seen).toEqual(['toast', 'browser']);
  });

  it('honours the channels the rules asked for', () => {
    expect(route(notice(['toast']), false, 'granted').seen).toEqual(['toast']);
    expect(route(notice(['os']), false, 'granted').seen).toEqual(['browser']);
  });

  it('never raises the browser Notification in the desktop window (the shell does) or without permission', () => {
    expect(route(notice(['os', 'toast']), true, 'granted').seen).toEqual(['toast']);
    expect(route(notice(), false, 'default').seen).toEqual(['toast']);
    expect(route(notice(), false, 'denied').seen).toEqual(['toast']);
  });

  it('a click opens the first alert\'s query over its window; without alerts, the notice\'s query', () => {
    expect(noticeTarget(notice())).toEqual({ query: alert.query, range: { from: 0, to: 60_000 } });
    expect(noticeTarget({ ...notice(), alerts: [] })).toEqual({ query: 'x', range: null });
  });

  it('labels groups as field=value', () => {
    expect(groupLabel({ host: 'web-1', service: null })).toBe('host=web-1, service=∅');
    expect(groupLabel({})).toBe('');
  });
});
