/**
 * Alerts and transitions for the notifier's tests. The channels are set after the rule is
 * checked: the notifier must also cope with ones a rule file could never hold.
 */
import { AlertRuleInputSchema, type Alert, type AlertRuleInput, type AlertState } from '../../../shared/alerts';
import type { AlertTransition } from '../types';

export function rule(over: Partial<AlertRuleInput> = {}) {
  return AlertRuleInputSchema.parse({ name: 'Disk full', query: 'level>=error "disk full"', kind: 'threshold', window: '1m', above: 20, groupBy: ['host'], ...over });
}

export function alert(host: string | null, over: Partial<Alert> = {}): Alert {
  const group: Alert['group'] = host === null ? {} : { host };
  return {
    id: `r1/${host ?? ''}`,
    ruleId: 'r1',
    rule: 'Disk full',
    kind: 'threshold',
    group,
    state: 'firing',
    startedAt: Date.UTC(2026, 0, 1, 12, 0),
    firedAt: Date.UTC(2026, 0, 1, 12, 0),
    resolvedAt: null,
    value: 42,
    peak: 42,
    acknowledged: false,
    silencedUntil: null,
    query: host === null ? 'level>=error "disk full"' : `level>=error "disk full" host:${host}`,
    from: Date.UTC(2026, 0, 1, 11, 59),
    to: Date.UTC(2026, 0, 1, 12, 0),
    ...over,
  };
}

export function firing(host: string | null, notify: string[] = ['os', 'toast'], over: Partial<Alert> = {}, ruleOver: Partial<AlertRuleInput> = {}): AlertTransition {
  return transition(host, 'pending', 'firing', notify, over, ruleOver);
}

export function transition(
  host: string | null,
  from: AlertState | null,
  to: AlertState,
  notify: string[] = ['os', 'toast'],
  over: Partial<Alert> = {},
  ruleOver: Partial<AlertRuleInput> = {},
): AlertTransition {
  const a = alert(host, { state: to, ...(to === 'resolved' ? { resolvedAt: Date.UTC(2026, 0, 1, 12, 5) } : {}), ...over });
  return { alert: a, ruleId: a.ruleId, rule: { ...rule(ruleOver), notify }, from, to, at: a.resolvedAt ?? a.firedAt ?? a.startedAt, live: true };
}
