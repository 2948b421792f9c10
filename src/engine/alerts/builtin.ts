/** Suggested rules that ship with the app: off until the person turns them on. */
import type { AlertRuleInput } from '../../shared/alerts';

export const BUILTIN_RULES: { id: string; rule: AlertRuleInput }[] = [
  {
    id: 'builtin:error-burst',
    rule: { name: 'Error burst', kind: 'threshold', query: 'level>=error', window: '5m', above: 50, groupBy: ['source'], enabled: false,
      description: 'More than 50 errors in 5 minutes from one source.' },
  },
  {
    id: 'builtin:new-error-pattern',
    rule: { name: 'New error pattern', kind: 'new-pattern', query: 'level>=error', window: '10m', severity: 'error', enabled: false,
      description: 'An error message of a kind never seen before.' },
  },
  {
    id: 'builtin:source-silent',
    rule: { name: 'Source gone silent', kind: 'silence', query: '', window: '15m', groupBy: ['source'], enabled: false,
      description: 'A source that was sending records has sent none for 15 minutes.' },
  },
];
