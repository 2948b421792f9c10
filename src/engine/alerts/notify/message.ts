/**
 * What one notification says, whatever the channel: the alerts in it (firing first, each
 * once), how many more it stands for, and the words for them. The channel formats
 * (formats.ts) and the in-app notice are built from this.
 */
import { formatDuration, parseDuration, type Alert, type AlertNotice, type AlertRuleSpec } from '../../../shared/alerts';

/** Alerts listed by name in a notification; the rest are counted ("and 240 more"). */
export const MAX_LISTED = 20;

export interface Item {
  alert: Alert;
  rule: AlertRuleSpec;
  state: 'firing' | 'resolved';
}

export interface Message {
  /** Firing first, then resolved; one per alert. */
  items: Item[];
  /** Alerts it stands for beyond `items` (more than a held summary keeps). */
  overflow: number;
  /** Notifications the rate limit held back and this one sums up (0: an ordinary one). */
  held: number;
  test: boolean;
}

/** One message for these items: an alert that appears twice keeps its latest state. */
export function makeMessage(items: readonly Item[], held = 0, overflow = 0): Message {
  const latest = new Map<string, Item>();
  for (const it of items) {
    latest.delete(it.alert.id);
    latest.set(it.alert.id, it);
  }
  const all = [...latest.values()];
  return { items: [...all.filter((i) => i.state === 'firing'), ...all.filter((i) => i.state === 'resolved')], overflow, held, test: false };
}

export const total = (m: Message) => m.items.length + m.overflow;

const num = (v: number) =>
  !Number.isFinite(v) ? (Number.isNaN(v) ? '?' : v > 0 ? '∞' : '-∞') : Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 3 });

/** "web-1", "web-1 / api", or '' for a rule without groupBy. */
export function groupText(group: Alert['group']): string {
  return Object.values(group)
    .map((v) => v ?? '(none)')
    .join(' / ');
}

const bound = (r: AlertRuleSpec) => (r.above !== undefined ? `above ${num(r.above)}` : r.below !== undefined ? `below ${num(r.below)}` : '');

/** What the value means for this kind of rule: "42 records in 1m (above 20)". */
export function conditionText(it: Item): string {
  const { alert: a, rule: r } = it;
  if (it.state === 'resolved') {
    const since = a.firedAt ?? a.startedAt;
    return a.resolvedAt !== null && a.resolvedAt >= since ? `resolved after ${formatDuration(Math.max(1000, Math.round((a.resolvedAt - since) / 1000) * 1000))}` : 'resolved';
  }
  const b = bound(r) ? ` (${bound(r)})` : '';
  switch (r.kind) {
    case 'threshold':
      return `${num(a.value)} records in ${r.window}${b}`;
    case 'rate':
      return `×${num(a.value)} the count ${r.baseline ?? ''} before${b}`;
    case 'aggregate':
      return `${r.fn ?? 'value'}(${r.field ?? ''}) = ${num(a.value)} over ${r.window}${b}`;
    case 'anomaly':
      return `${num(a.value)} anomalous records in ${r.window}`;
    case 'new-pattern':
      return `new pattern: ${num(a.value)} records in ${r.window}`;
    case 'silence':
      return `no records for ${formatDuration(Math.max(parseDuration(r.window) ?? 0, a.to - a.from))}`;
  }
}

/** "Disk full on web-1", the alert as a line's subject. */
export function alertName(a: Alert): string {
  const g = groupText(a.group);
  return g ? `${a.rule} on ${g}` : a.rule;
}

/** "Disk full on web-1 and 240 more" / "Resolved: …". */
export function titleText(m: Message): string {
  if (m.test) return 'LogScope test notification';
  const firing = m.items.filter((i) => i.state === 'firing');
  const lead = firing[0] ?? m.items[0];
  if (!lead) return 'LogScope alerts';
  // Held summaries count alerts past what they keep in `overflow`; those were firing when held.
  const others = (firing.length > 0 ? firing.length + m.overflow : total(m)) - 1;
  const name = `${alertName(lead.alert)}${others > 0 ? ` and ${others.toLocaleString('en-US')} more` : ''}`;
  return firing.length > 0 ? name : `Resolved: ${name}`;
}

/** The lines of a notification's text, at most `max` alerts, then a count of the rest. */
export function bodyLines(m: Message, max: number): string[] {
  if (m.test) return ['This channel works: LogScope alert notifications will arrive here.'];
  const lines = m.items.slice(0, max).map((it) => `${it.state === 'resolved' ? '✓ ' : ''}${alertName(it.alert)}: ${conditionText(it)}`);
  const rest = total(m) - Math.min(max, m.items.length);
  if (rest > 0) lines.push(`…and ${rest.toLocaleString('en-US')} more`);
  if (m.held > 0) lines.push(`(${m.held.toLocaleString('en-US')} notification${m.held === 1 ? '' : 's'} held back by the rate limit, summed up here)`);
  return lines;
}

/** What the engine's `alertNotice` event carries (the in-app toast, the OS notification). */
export function toNotice(m: Message, channels: readonly ('os' | 'toast')[]): AlertNotice {
  const listed = m.items.slice(0, MAX_LISTED);
  const single = total(m) === 1 ? m.items[0]! : null;
  return {
    title: titleText(m),
    body: bodyLines(m, 3).join('\n'),
    alerts: listed.map((i) => i.alert),
    more: total(m) - listed.length,
    target: single ? { view: 'explore', query: single.alert.query } : { view: 'alerts' },
    channels: [...channels],
  };
}
