/**
 * Alert rules as data, the alerts they raise, and what replay answers: the shapes the
 * engine (src/engine/alerts/), the UI, the CLI and rule files share.
 *
 * A rule file is exactly an `AlertRuleInput`: strict (an unknown key is an error that
 * names it), with the kind's own fields required and the others refused, so a typo never
 * silently becomes a rule that cannot fire. The engine checks further what only it can
 * (the query against the fields it knows, a group-by field that exists); see
 * src/engine/alerts/validate.ts.
 *
 * ## What a rule means (the evaluator and replay both follow this, to the bucket)
 *
 * Time is event time (a record's `ts`). A rule's window W is cut into `STEPS_PER_WINDOW`
 * steps of s = W / STEPS_PER_WINDOW (`alertStepMs`), aligned to multiples of s since the
 * epoch. The rule is judged at the end of every step b, over the W that ends there:
 * records with ts in [(b+1)·s − W, (b+1)·s). Per group (the values of `groupBy`):
 *
 * - threshold: value = count of records matching `query`; fires when value > `above`
 *   (or < `below`).
 * - rate: value = count / count of the same window `baseline` earlier, `baseline` rounded
 *   to whole steps (∞ when that is 0 and count > 0); fires when the ratio > `above` (or
 *   < `below`), only when either side has at least `minCount` records (default 1). Both
 *   windows empty: not judged, whatever `minCount` says.
 * - aggregate: value = `fn` (p50/p90/p95/p99/avg/min/max/sum) of the numeric field
 *   `field` over the matching records that carry it; judged only when there is one.
 * - anomaly: value = count of matching records whose anomaly score ≥ `score`; fires when
 *   value > `above` (default 0, i.e. any).
 * - new-pattern: value = count of matching records whose pattern was first seen inside
 *   the window (and, when given, at least `severity` / in `categories`); fires when > 0.
 *   Groups are patterns (`groupBy` defaults to `pattern`).
 * - silence: value = count of matching records; fires when it is 0 for a group that had
 *   records before (groups default to `source`). A step is judged only once it is over.
 *
 * States per (rule, group): the condition holding makes it `pending`; holding for `for`
 * (0: at once) makes it `firing`; not holding resolves it (`resolved`). After a
 * resolution, the same group does not fire again within `cooldown` (it stays pending).
 * A live evaluator judges a threshold crossed "above" as soon as the running count of
 * the current step crosses it (counts only grow), everything else when a step ends.
 */
import { z } from 'zod';
import { LEVELS } from './levels';
import { CATEGORIES } from './categories';

const EpochMs = z.number().finite();

export const ALERT_KINDS = ['threshold', 'rate', 'anomaly', 'new-pattern', 'silence', 'aggregate'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const AGGREGATE_FNS = ['p50', 'p90', 'p95', 'p99', 'avg', 'min', 'max', 'sum'] as const;

/** Steps a window is cut into: the resolution of evaluation and replay. */
export const STEPS_PER_WINDOW = 10;

/** Windows from 10 s to 7 days. */
export const MIN_WINDOW_MS = 10_000;
export const MAX_WINDOW_MS = 7 * 86_400_000;

/** At most this many groups per rule are tracked; past it, new groups are not (and the rule says so). */
export const MAX_GROUPS_PER_RULE = 10_000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `"90s"`, `"5m"`, `"1h30m"`, `"2d"` → milliseconds; null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(t)) return null;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return Math.round(total);
}

/** 300000 → "5m", 5400000 → "1h30m". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

/** A duration written as text in a rule ("1m"), checked and kept as written. */
const Duration = (min: number, max: number, what: string) =>
  z.string().superRefine((s, ctx) => {
    const ms = parseDuration(s);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration (write e.g. 30s, 5m, 1h, 1d)` });
    } else if (ms < min || ms > max) {
      ctx.addIssue({ code: 'custom', message: `${what} must be between ${formatDuration(min)} and ${formatDuration(max)}, not ${s}` });
    }
  });

/** Where an alert is announced. `os`: the desktop notification (the browser's in headless mode). */
export const CHANNEL_RE = /^(os|toast|webhook:https?:\/\/\S+|slack:https:\/\/\S+|telegram:[0-9]+:[A-Za-z0-9_-]+\/-?[0-9]+|telegram:[0-9]+:[A-Za-z0-9_-]+\/@[A-Za-z0-9_]+)$/;

export const ChannelSchema = z
  .string()
  .max(2048)
  .regex(CHANNEL_RE, {
    message:
      'a channel is "os", "toast", "webhook:URL", "slack:https://hooks.slack.com/…" or "telegram:BOT_TOKEN/CHAT_ID"',
  });

/** Fields each kind may carry beyond the common ones; anything else is refused for that kind. */
export const KIND_FIELDS: Record<AlertKind, readonly string[]> = {
  threshold: ['above', 'below'],
  rate: ['above', 'below', 'baseline', 'minCount'],
  anomaly: ['above', 'score'],
  'new-pattern': ['severity', 'categories'],
  silence: [],
  aggregate: ['above', 'below', 'field', 'fn'],
};

const ruleObject = z
  .object({
    name: z.string().trim().min(1, 'a rule needs a name').max(200),
    /** The search language; '' or '*' matches every record. */
    query: z.string().max(10_000).default(''),
    kind: z.enum(ALERT_KINDS),
    window: Duration(MIN_WINDOW_MS, MAX_WINDOW_MS, 'window').default('5m'),
    above: z.number().finite().optional(),
    below: z.number().finite().optional(),
    /** One alert per distinct value of these fields (host, service, source…). */
    groupBy: z.array(z.string().min(1).max(200)).max(5).default([]),
    /** The condition must hold this long before the alert fires. */
    for: Duration(0, MAX_WINDOW_MS, 'for').default('0s'),
    /** After resolving, the same group does not fire again for this long. */
    cooldown: Duration(0, MAX_WINDOW_MS, 'cooldown').default('5m'),
    notify: z.array(ChannelSchema).max(20).default(['os', 'toast']),
    enabled: z.boolean().default(true),
    /** Free text shown with the alert (what to do about it). */
    description: z.string().max(5000).optional(),
    /**
     * The body `webhook:` channels POST, as JSON text with placeholders ({{rule}}, {{state}},
     * {{value}}, {{group}}, {{group.host}}, {{query}}, {{url}}, {{startedAt}}); by default a JSON object of the alert.
     */
    payload: z.string().max(20_000).optional(),
    // kind-specific
    /** rate: compare with the same window this long before. */
    baseline: Duration(MIN_WINDOW_MS, 28 * 86_400_000, 'baseline').optional(),
    /** rate: fewer records than this on both sides is not judged. */
    minCount: z.number().int().min(0).optional(),
    /** anomaly: a record counts when its anomaly score is at least this. */
    score: z.number().min(0).max(1).optional(),
    /** new-pattern: only patterns whose effective severity is at least this. */
    severity: z.enum(LEVELS).optional(),
    /** new-pattern: only patterns of these categories. */
    categories: z.array(z.enum(CATEGORIES)).min(1).optional(),
    /** aggregate: the numeric field and the function over it. */
    field: z.string().min(1).max(200).optional(),
    fn: z.enum(AGGREGATE_FNS).optional(),
  })
  .strict();

const COMMON = new Set(['name', 'query', 'kind', 'window', 'groupBy', 'for', 'cooldown', 'notify', 'enabled', 'description', 'payload']);

/** What a rule file holds, and what alertRuleSave takes. */
export const AlertRuleInputSchema = ruleObject.superRefine((r, ctx) => {
  const allowed = new Set(KIND_FIELDS[r.kind]);
  for (const key of Object.keys(r) as (keyof typeof r)[]) {
    if (COMMON.has(key) || r[key] === undefined) continue;
    if (!allowed.has(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `a ${r.kind} rule has no "${key}" (it takes ${[...allowed].join(', ') || 'no extra fields'})` });
    }
  }
  const needsBound = r.kind === 'threshold' || r.kind === 'rate' || r.kind === 'aggregate';
  if (needsBound && r.above === undefined && r.below === undefined) {
    ctx.addIssue({ code: 'custom', path: ['above'], message: `a ${r.kind} rule needs "above" or "below"` });
  }
  if (r.above !== undefined && r.below !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['below'], message: 'give "above" or "below", not both' });
  }
  if (r.kind === 'rate' && r.baseline === undefined) {
    ctx.addIssue({ code: 'custom', path: ['baseline'], message: 'a rate rule needs "baseline" (e.g. "1d": the same window a day before)' });
  }
  if (r.kind === 'aggregate') {
    if (r.field === undefined) ctx.addIssue({ code: 'custom', path: ['field'], message: 'an aggregate rule needs "field" (a numeric field, e.g. duration_ms)' });
    if (r.fn === undefined) ctx.addIssue({ code: 'custom', path: ['fn'], message: `an aggregate rule needs "fn" (${AGGREGATE_FNS.join(', ')})` });
  }
  if (r.kind === 'threshold' && r.below !== undefined && r.below <= 0) {
    ctx.addIssue({ code: 'custom', path: ['below'], message: 'a count is never below 0 or less; use a silence rule for "no records"' });
  }
});
export type AlertRuleInput = z.input<typeof AlertRuleInputSchema>;
export type AlertRuleSpec = z.output<typeof AlertRuleInputSchema>;

/** A rule as stored: its spec, an id, and when it was made and changed. */
export const AlertRuleSchema = z.object({
  id: z.string(),
  spec: AlertRuleInputSchema,
  createdAt: EpochMs,
  updatedAt: EpochMs,
  /** Shipped with the app (a suggestion: off until the person turns it on). */
  builtin: z.boolean(),
  /** Something the engine wants the person to know (e.g. the group cap was reached). */
  warning: z.string().nullable(),
});
export type AlertRule = z.output<typeof AlertRuleSchema>;

export const ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
export const AlertStateSchema = z.enum(ALERT_STATES);
export type AlertState = z.output<typeof AlertStateSchema>;

/** One group's values; {} for a rule without groupBy. */
export const AlertGroupSchema = z.record(z.string(), z.string().nullable());

/** One (rule, group): where it stands now. */
export const AlertSchema = z.object({
  /** Stable for the (rule, group). */
  id: z.string(),
  ruleId: z.string(),
  rule: z.string(),
  kind: z.enum(ALERT_KINDS),
  group: AlertGroupSchema,
  state: AlertStateSchema,
  /** When the condition started holding (pending), fired, and resolved (null while open). */
  startedAt: EpochMs,
  firedAt: EpochMs.nullable(),
  resolvedAt: EpochMs.nullable(),
  /** The value when last judged, and the highest while open. */
  value: z.number(),
  peak: z.number(),
  acknowledged: z.boolean(),
  /** Notifications held until then (null: not silenced). */
  silencedUntil: EpochMs.nullable(),
  /** Search text that shows the records behind it (the rule's query with the group's values). */
  query: z.string(),
  /** The window the value covers, for "show records". */
  from: EpochMs,
  to: EpochMs,
});
export type Alert = z.output<typeof AlertSchema>;

/** A stored state change: the history. */
export const AlertEventSchema = z.object({
  at: EpochMs,
  alertId: z.string(),
  ruleId: z.string(),
  rule: z.string(),
  group: AlertGroupSchema,
  from: AlertStateSchema.nullable(),
  to: z.enum([...ALERT_STATES, 'acknowledged', 'silenced']),
  value: z.number(),
  /** False when judged over imported history, not the live stream (never notified). */
  live: z.boolean(),
});
export type AlertEvent = z.output<typeof AlertEventSchema>;

/** A stretch of time in which a rule would have been firing for one group (replay). */
export const ReplayEpisodeSchema = z.object({
  start: EpochMs,
  /** null: still firing at the end of the range. */
  end: EpochMs.nullable(),
  group: AlertGroupSchema,
  peak: z.number(),
});
export type ReplayEpisode = z.output<typeof ReplayEpisodeSchema>;

/** A notification channel's figures: the Alerts view shows failures. */
export const ChannelStatusSchema = z.object({
  channel: z.string(),
  sent: z.number().int(),
  failed: z.number().int(),
  retried: z.number().int(),
  /** Held back by the rate limit and summarised into a later message. */
  limited: z.number().int(),
  queued: z.number().int(),
  lastError: z.string().nullable(),
  lastErrorAt: EpochMs.nullable(),
});
export type ChannelStatus = z.output<typeof ChannelStatusSchema>;

/**
 * What the person is told: one or more alerts that fired at about the same time, grouped
 * ("and 240 more") and rate-limited before it is sent to any channel.
 */
export const AlertNoticeSchema = z.object({
  title: z.string(),
  body: z.string(),
  alerts: z.array(AlertSchema).max(20),
  /** Further alerts summarised in this notice. */
  more: z.number().int(),
  /** What a click opens. */
  target: z.object({ view: z.string(), query: z.string().optional() }),
  /**
   * Which in-app channels its rules asked for: "os" (a desktop notification, the browser's
   * Notification in headless mode) and/or "toast". Absent: both.
   */
  channels: z.array(z.enum(['os', 'toast'])).optional(),
});
export type AlertNotice = z.output<typeof AlertNoticeSchema>;

/**
 * A channel as status and errors show it: a Telegram bot token's secret, the last path
 * segment of a Slack webhook (its secret), a webhook URL's user info and query values are
 * replaced by `***`. The UI matches a rule's channel to its status row with this.
 */
export function maskChannel(channel: string): string {
  const tg = /^telegram:([0-9]+):[^/]*\/(.*)$/.exec(channel);
  if (tg) return `telegram:${tg[1]}:***/${tg[2]}`;
  const colon = channel.indexOf(':');
  const kind = channel.slice(0, colon);
  if (kind !== 'webhook' && kind !== 'slack') return channel;
  return `${kind}:${maskUrl(channel.slice(colon + 1), kind === 'slack')}`;
}

/** `lastSegment`: also hide the path's last segment (Slack's secret). */
export function maskUrl(url: string, lastSegment = false): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '***';
  }
  const path = lastSegment ? u.pathname.replace(/[^/]+\/?$/, '***') : u.pathname;
  let out = `${u.protocol}//${u.username || u.password ? '***@' : ''}${u.host}${path}`;
  if (u.search) out += `?${[...u.searchParams.keys()].map((k) => `${k}=***`).join('&')}`;
  return out;
}

/** A rule's step: its window cut into STEPS_PER_WINDOW (at least 1 s). */
export function alertStepMs(window: string): number {
  return Math.max(1000, Math.round((parseDuration(window) ?? 300_000) / STEPS_PER_WINDOW));
}
