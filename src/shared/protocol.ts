/**
 * The one contract between the UI (or the CLI) and the engine.
 *
 * Every method and event is declared here, once, with a runtime schema for what goes in
 * and what comes out. Clients and the engine are generated from these tables, so a
 * method's name exists as a string in this module only. Whatever crosses a process
 * boundary is validated on arrival with these schemas: the renderer and the network are
 * untrusted.
 */
import { z } from 'zod';
import { LEVELS } from './levels';
import { CATEGORIES } from './categories';
import { SettingsReportSchema, SettingsSchema } from './settings';
import {
  AlertEventSchema,
  AlertNoticeSchema,
  AlertRuleInputSchema,
  AlertRuleSchema,
  AlertSchema,
  AlertStateSchema,
  ChannelSchema,
  ChannelStatusSchema,
  ReplayEpisodeSchema,
} from './alerts';

// ---------------------------------------------------------------------------------------
// Domain shapes

export const LevelSchema = z.enum(LEVELS);

/** Milliseconds since the Unix epoch, UTC. */
const EpochMs = z.number().finite();

/** A time range; either end may be open. */
export const RangeSchema = z.object({
  from: EpochMs.nullable().default(null),
  to: EpochMs.nullable().default(null),
});

/** One row of a result table: what the log table and the CLI show. */
export const LogRowSchema = z.object({
  id: z.number().int(),
  ts: EpochMs,
  level: LevelSchema.nullable(),
  source: z.string(),
  host: z.string().nullable(),
  app: z.string().nullable(),
  message: z.string(),
  format: z.string(),
  /** Line number of the record's first line in its source (1-based); 0 when not from a file. */
  line: z.number().int(),
  /** Set when no format parsed the line: the line is kept raw and marked. */
  parseError: z.string().nullable(),
  /** The record's pattern (templates.id); absent or null before patterns were mined. */
  pattern: z.number().int().nullable().optional(),
  /** Its pattern's category (a model's answer or a person's correction). */
  category: z.enum(CATEGORIES).nullable().optional(),
  /** Effective severity: `level`, else the pattern's inferred one (then severityInferred). */
  severity: LevelSchema.nullable().optional(),
  severityInferred: z.boolean().optional(),
  /**
   * The per-record anomaly model's score in [0, 1] and its decision, given when the record
   * was stored (a person's correction applied); null when no anomaly model was in use.
   */
  anomaly: z.number().min(0).max(1).nullable().optional(),
  anomalous: z.boolean().nullable().optional(),
});
export type LogRow = z.infer<typeof LogRowSchema>;

/** One feature behind a record's anomaly score, for the detail panel's "why". */
export const AnomalyReasonSchema = z.object({
  feature: z.enum(['rarity', 'age', 'severity', 'category_rarity', 'param_z', 'burst']),
  value: z.number(),
  /** The feature's usual range in the model's training data. */
  typical: z.tuple([z.number(), z.number()]),
  /** Share of the isolating splits this feature made, 0..1. */
  weight: z.number(),
  outside: z.boolean(),
  /** A short sentence for a person ("pattern seen for the first time"). */
  text: z.string(),
});
export type AnomalyReason = z.infer<typeof AnomalyReasonSchema>;

/** A person's verdict on a pattern or a record: normal, anomalous, or null (cleared). */
export const AnomalyVerdictSchema = z.enum(['normal', 'anomalous']);
export type AnomalyVerdict = z.infer<typeof AnomalyVerdictSchema>;

/** A record with everything the store keeps about it. */
export const LogRecordSchema = LogRowSchema.extend({
  ingestTs: EpochMs,
  fields: z.record(z.string(), z.unknown()),
  /** The category model's probability (1 for a correction); severity's when it was inferred. */
  categoryConfidence: z.number().nullable().optional(),
  severityConfidence: z.number().nullable().optional(),
  /** 'category@1.0.0 severity@1.0.0' (the models that answered) or 'override'. */
  classifiedBy: z.string().nullable().optional(),
  /** The features that drove the anomaly score, most weight first (stored for anomalous records; [] otherwise). */
  anomalyReasons: z.array(AnomalyReasonSchema).nullable().optional(),
  /** A person's verdict on this record or its pattern, when there is one ('record' wins over 'pattern'). */
  anomalyVerdict: z
    .object({ verdict: AnomalyVerdictSchema, on: z.enum(['record', 'pattern']) })
    .nullable()
    .optional(),
});
export type LogRecord = z.infer<typeof LogRecordSchema>;

export const SourceSchema = z.object({
  name: z.string(),
  kind: z.enum(['file', 'upload', 'http', 'syslog', 'gelf', 'follow']),
  format: z.string().nullable(),
  records: z.number().int(),
  unparsed: z.number().int(),
  firstTs: EpochMs.nullable(),
  lastTs: EpochMs.nullable(),
});
export type Source = z.infer<typeof SourceSchema>;

/** Kinds of live source the engine can run (receivers and followed files; src/engine/live/). */
export const LIVE_KINDS = ['http', 'syslog-udp', 'syslog-tcp', 'gelf-udp', 'gelf-tcp', 'follow'] as const;
export const LiveKindSchema = z.enum(LIVE_KINDS);
export type LiveKind = z.infer<typeof LiveKindSchema>;

/** A receiver or a followed file as the Sources view shows it. */
export const LiveSourceInfoSchema = z.object({
  /** Stable while the engine runs: the kind for a receiver ("http"), `follow:PATH` for a file. */
  id: z.string(),
  kind: LiveKindSchema,
  /** What its records are stored under (logs.source). */
  name: z.string(),
  /** Where it listens ("udp://127.0.0.1:5514") or the path it follows. */
  address: z.string(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  /** The token senders must present (HTTP), when one is set: the Sources view fills it into snippets. */
  token: z.string().nullable(),
  /** Turned off by the user (kept in the list, not running). */
  enabled: z.boolean(),
  state: z.enum(['starting', 'running', 'stopped', 'failed']),
  error: z.string().nullable(),
  /** Counters since it last started. */
  received: z.number(),
  stored: z.number(),
  rejected: z.number(),
  dropped: z.number(),
  /** Records stored per second, over the last few seconds. */
  rate: z.number(),
  /** Anything else the source reports (socket buffer sizes, kernel drops). */
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** A follow source's files: where reading is and how far behind. */
  files: z
    .array(
      z.object({
        path: z.string(),
        source: z.string(),
        state: z.enum(['waiting', 'following', 'rotated', 'error']),
        /** Bytes stored (committed with their rows), the file's size, and the difference. */
        offset: z.number(),
        size: z.number(),
        lag: z.number(),
        lines: z.number(),
        error: z.string().nullable(),
      }),
    )
    .default([]),
});
export type LiveSourceInfo = z.infer<typeof LiveSourceInfoSchema>;

export const ImportFileResultSchema = z.object({
  path: z.string(),
  format: z.string().nullable(),
  lines: z.number().int(),
  records: z.number().int(),
  unparsed: z.number().int(),
  bytes: z.number().int(),
  seconds: z.number(),
  /** A problem that stopped this file (e.g. a corrupt .gz, after keeping what came before). */
  error: z.string().nullable(),
  /** Lesser things worth saying (invalid UTF-8 replaced, over-long lines cut). */
  warnings: z.array(z.string()),
});
export type ImportFileResult = z.infer<typeof ImportFileResultSchema>;

export const ImportStateSchema = z.enum(['running', 'done', 'failed', 'cancelled']);

export const ImportProgressSchema = z.object({
  importId: z.string(),
  state: ImportStateSchema,
  /** The file being read now. */
  current: z.string().nullable(),
  filesDone: z.number().int(),
  filesTotal: z.number().int(),
  bytesRead: z.number(),
  bytesTotal: z.number(),
  records: z.number().int(),
  unparsed: z.number().int(),
  files: z.array(ImportFileResultSchema),
  error: z.string().nullable(),
});
export type ImportProgress = z.infer<typeof ImportProgressSchema>;

export const HistogramSchema = z.object({
  /** Start of the first bucket, ms. */
  start: EpochMs,
  bucketMs: z.number().positive(),
  /** counts[levelIndex][bucket]; level index is LEVELS order, plus a last row for "none". */
  series: z.array(z.object({ level: LevelSchema.nullable(), counts: z.array(z.number().int()) })),
  total: z.number().int(),
  tookMs: z.number(),
});
export type Histogram = z.infer<typeof HistogramSchema>;

/** Records per category per bucket (categories in CATEGORIES order, null: not classified). */
export const CategoryHistogramSchema = z.object({
  start: EpochMs,
  bucketMs: z.number().positive(),
  series: z.array(z.object({ category: z.enum(CATEGORIES).nullable(), counts: z.array(z.number().int()) })),
  total: z.number().int(),
  tookMs: z.number(),
});
export type CategoryHistogram = z.infer<typeof CategoryHistogramSchema>;

export const FacetSchema = z.object({
  field: z.string(),
  values: z.array(z.object({ value: z.string().nullable(), count: z.number().int() })),
  /** Distinct values beyond the ones listed; 0 when the list is complete. */
  others: z.number().int(),
});
export type Facet = z.infer<typeof FacetSchema>;

export const PatternSchema = z.object({
  id: z.number().int(),
  /** Template text, variables written <*>. */
  template: z.string(),
  /** Records of this pattern matching the query in the range. */
  count: z.number().int(),
  /** First and last time the pattern was ever seen (all data, not only the range). */
  firstSeen: EpochMs,
  lastSeen: EpochMs,
  /** Seen for the first time inside the range asked for. */
  newInRange: z.boolean(),
  /** Counts by level in the range ('none' for records without a level). */
  levels: z.record(z.string(), z.number().int()),
  /** Counts per bucket across the range, for a sparkline. */
  trend: z.array(z.number().int()),
  example: z.string(),
  sources: z.array(z.string()),
});
export type Pattern = z.infer<typeof PatternSchema>;

export const PatternChangeSchema = z.object({
  id: z.number().int(),
  template: z.string(),
  countA: z.number().int(),
  countB: z.number().int(),
  /** Change in share of the side's records, B against A (1 = unchanged); null when A has none. */
  ratio: z.number().nullable(),
});
export type PatternChange = z.infer<typeof PatternChangeSchema>;

/**
 * A stretch of time where a pattern (or a whole source) did not behave as its baseline
 * says it should (src/engine/ml/anomaly/windows.ts): `spike` far more records than
 * expected, `drop` falling to silence, `new` a pattern first seen after a baseline existed,
 * `outlier` its records scoring higher than usual on the per-record anomaly model.
 */
export const AnomalyWindowSchema = z.object({
  start: EpochMs,
  end: EpochMs,
  kind: z.enum(['spike', 'drop', 'new', 'outlier']),
  /** null when the window is about a whole source. */
  pattern: z.number().int().nullable(),
  template: z.string().nullable(),
  source: z.string(),
  /** Records in the window, and what the baseline expected. */
  count: z.number(),
  expected: z.number(),
  /** 0..1, how far out of the baseline. */
  score: z.number(),
});
export type AnomalyWindow = z.infer<typeof AnomalyWindowSchema>;

const CompareSide = z.object({
  from: EpochMs.nullable().default(null),
  to: EpochMs.nullable().default(null),
  /** Restrict this side to one source (a good run against a bad run). */
  source: z.string().max(4096).nullable().default(null),
});

/** A problem with a query, pointing at the place in the text it is about. */
export const QueryErrorSchema = z.object({
  message: z.string(),
  /** 0-based offsets into the query text. */
  start: z.number().int(),
  end: z.number().int(),
});
export type QueryErrorInfo = z.infer<typeof QueryErrorSchema>;

/** Query, time range, and nothing else the user controls reaches SQL as text. */
const QueryParams = z.object({
  query: z.string().max(10_000).default(''),
  from: EpochMs.nullable().default(null),
  to: EpochMs.nullable().default(null),
});

/** Keyset cursor for paging newest-first: the (ts, id) of the last row seen. */
export const CursorSchema = z.object({ ts: EpochMs, id: z.number().int() });

// ---------------------------------------------------------------------------------------
// Methods

export const methods = {
  health: {
    params: z.object({}).default({}),
    result: z.object({
      version: z.string(),
      dataDir: z.string(),
      records: z.number().int(),
      startedAt: EpochMs,
      mode: z.enum(['desktop', 'headless']),
      /** Live sources at a glance (absent from engines that have none). */
      live: z
        .object({
          running: z.number().int(),
          failed: z.number().int(),
          stored: z.number(),
          dropped: z.number(),
          rate: z.number(),
        })
        .optional(),
      /**
       * The pattern miner, bounded on an endless stream: live templates and the shapes
       * behind them (at most `cap`; the least recently seen are evicted past it), evictions
       * and merges so far, lines mined, approximate bytes held.
       */
      patterns: z
        .object({
          templates: z.number().int(),
          shapes: z.number().int(),
          cap: z.number().int(),
          evicted: z.number().int(),
          merged: z.number().int(),
          generalised: z.number().int(),
          lines: z.number().int(),
          memoryBytes: z.number(),
          /** Records the miner failed on (stored without a pattern), and the last failure. */
          errors: z.number().int().optional(),
          lastError: z.string().nullable().optional(),
        })
        .optional(),
      /** The classification models: which run, and why the others do not (missing, damaged, mismatched). */
      models: z
        .array(
          z.object({
            name: z.string(),
            state: z.enum(['ready', 'loading', 'missing', 'failed']),
            reason: z.string().nullable(),
            version: z.string().nullable(),
          }),
        )
        .optional(),
    }),
  },
  /**
   * A person's correction of a pattern's category and/or severity (null clears it). It
   * applies at once, survives restarts and is exported for the next training.
   */
  patternOverride: {
    params: z.object({
      id: z.number().int().min(0),
      category: z.enum(CATEGORIES).nullable().default(null),
      severity: z.enum(LEVELS).nullable().default(null),
    }),
    result: z.object({
      id: z.number().int(),
      /** The pattern's class now (null: no model answer and no override). */
      class: z
        .object({
          category: z.enum(CATEGORIES).nullable(),
          confidence: z.number().nullable(),
          severity: z.enum(LEVELS).nullable(),
          severityConfidence: z.number().nullable(),
          source: z.enum(['model', 'override']),
        })
        .nullable(),
    }),
  },
  /**
   * A person marks a pattern (templateId) or one record (recordId) as normal or anomalous
   * (null clears it). Applies at once to the stored rows (a pattern marked normal scores 0
   * and is not anomalous, marked anomalous scores 1), to records that arrive later, survives
   * restarts, and the next refit learns from it. not_found when the pattern or record does
   * not exist (any more).
   */
  anomalyOverride: {
    params: z
      .object({
        templateId: z.number().int().min(0).optional(),
        recordId: z.number().int().min(1).optional(),
        verdict: AnomalyVerdictSchema.nullable(),
      })
      .refine((p) => (p.templateId === undefined) !== (p.recordId === undefined), {
        message: 'give exactly one of templateId and recordId',
      }),
    result: z.object({
      templateId: z.number().int().nullable(),
      recordId: z.number().int().nullable(),
      verdict: AnomalyVerdictSchema.nullable(),
      /** Stored records whose score or decision changed. */
      updated: z.number().int(),
    }),
  },
  /** The corrections in force, newest first. */
  anomalyOverrides: {
    params: z.object({}).default({}),
    result: z.object({
      overrides: z.array(
        z.object({
          templateId: z.number().int().nullable(),
          recordId: z.number().int().nullable(),
          verdict: AnomalyVerdictSchema,
          template: z.string().nullable(),
          updatedAt: EpochMs,
        }),
      ),
    }),
  },
  /**
   * "Learn from this range": refit the per-record anomaly model on the records in [from, to)
   * in a worker (records marked anomalous left out). Progress and the end come as
   * anomalyRefitProgressed events; the old model serves until the new one is in. Refused
   * (bad_request, with why) on an empty or too small range or while another refit runs.
   */
  anomalyRefit: {
    params: z.object({ from: EpochMs, to: EpochMs }),
    result: z.object({ jobId: z.string() }),
  },
  anomalyRefitCancel: {
    params: z.object({ jobId: z.string().max(100) }),
    result: z.object({ cancelled: z.boolean() }),
  },
  search: {
    params: QueryParams.extend({
      limit: z.number().int().min(1).max(10_000).default(200),
      cursor: CursorSchema.nullable().default(null),
      /** Skip the total count (it scans every match); paging does not need it again. */
      count: z.boolean().default(true),
    }),
    result: z.object({
      rows: z.array(LogRowSchema),
      total: z.number().int().nullable(),
      nextCursor: CursorSchema.nullable(),
      tookMs: z.number(),
    }),
  },
  histogram: {
    params: QueryParams.extend({ buckets: z.number().int().min(1).max(2000).default(120) }),
    result: HistogramSchema,
  },
  /** The histogram's buckets split by the records' category (the mix over time). */
  categoryHistogram: {
    params: QueryParams.extend({ buckets: z.number().int().min(1).max(2000).default(120) }),
    result: CategoryHistogramSchema,
  },
  facets: {
    params: QueryParams.extend({
      fields: z.array(z.string().max(200)).max(20).default(['level', 'source', 'host', 'app']),
      limit: z.number().int().min(1).max(100).default(10),
    }),
    result: z.object({ facets: z.array(FacetSchema), tookMs: z.number() }),
  },
  /** Names of the fields that can be queried, for completion. */
  fields: {
    params: z.object({}).default({}),
    result: z.object({ fields: z.array(z.object({ name: z.string(), type: z.string() })) }),
  },
  record: {
    params: z.object({ id: z.number().int() }),
    result: LogRecordSchema.nullable(),
  },
  context: {
    params: z.object({
      id: z.number().int(),
      before: z.number().int().min(0).max(500).default(10),
      after: z.number().int().min(0).max(500).default(10),
    }),
    result: z.object({ rows: z.array(LogRowSchema) }),
  },
  /** Patterns (templates) of the records matching a query in a range. */
  patterns: {
    params: QueryParams.extend({
      sort: z.enum(['count', 'first', 'last', 'new']).default('count'),
      limit: z.number().int().min(1).max(1000).default(200),
      buckets: z.number().int().min(1).max(200).default(24),
    }),
    result: z.object({
      patterns: z.array(PatternSchema),
      /** Distinct patterns matching; the list holds the first `limit` of them. */
      total: z.number().int(),
      bucketMs: z.number(),
      start: EpochMs,
      tookMs: z.number(),
    }),
  },
  /**
   * Compare two ranges or two sources: patterns new in B, gone from A, and those whose
   * share of the records changed most.
   */
  patternsCompare: {
    params: z.object({
      query: z.string().max(10_000).default(''),
      a: CompareSide,
      b: CompareSide,
      limit: z.number().int().min(1).max(500).default(50),
    }),
    result: z.object({
      added: z.array(PatternChangeSchema),
      gone: z.array(PatternChangeSchema),
      changed: z.array(PatternChangeSchema),
      totalA: z.number().int(),
      totalB: z.number().int(),
      tookMs: z.number(),
    }),
  },
  /** Anomaly windows in a range: spikes, drops to silence, new patterns, outlying records. */
  anomalies: {
    params: z.object({
      from: EpochMs.nullable().default(null),
      to: EpochMs.nullable().default(null),
      /** Bucket width; by default chosen from the range (at least 5 minutes). */
      bucketMs: z.number().int().min(60_000).max(86_400_000).nullable().default(null),
      source: z.string().max(4096).nullable().default(null),
      limit: z.number().int().min(1).max(10_000).default(1000),
    }),
    result: z.object({
      windows: z.array(AnomalyWindowSchema),
      bucketMs: z.number(),
      /** The range judged (open ends closed by the data). */
      from: EpochMs,
      to: EpochMs,
      tookMs: z.number(),
    }),
  },
  /** Check a query without running it: the UI shows errors as the user types. */
  parseQuery: {
    params: z.object({ query: z.string().max(10_000) }),
    result: z.object({ error: QueryErrorSchema.nullable() }),
  },
  sources: {
    params: z.object({}).default({}),
    result: z.object({ sources: z.array(SourceSchema) }),
  },
  importStart: {
    params: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }),
    result: z.object({ importId: z.string() }),
  },
  importCancel: {
    params: z.object({ importId: z.string() }),
    result: z.object({ cancelled: z.boolean() }),
  },
  importStatus: {
    params: z.object({ importId: z.string() }),
    result: ImportProgressSchema.nullable(),
  },
  /** The settings, the file they live in, and any problem loading it (src/shared/settings.ts). */
  settingsGet: {
    params: z.object({}).default({}),
    result: SettingsReportSchema,
  },
  /** Replace the settings as a whole (send every field); saved before the answer. */
  settingsSet: {
    params: z.object({ settings: SettingsSchema }),
    result: SettingsReportSchema,
  },
  /** Receivers and followed files, with their counters; and which kinds this engine can run. */
  liveSources: {
    params: z.object({}).default({}),
    result: z.object({ sources: z.array(LiveSourceInfoSchema), available: z.array(LiveKindSchema) }),
  },
  /**
   * Start a receiver or follow a file. `config` is the kind's own (checked by the engine,
   * e.g. `{port: 9880}` or `{path: "/var/log/app.log"}`); an id already in use replaces that source.
   */
  liveSourceAdd: {
    params: z.object({
      kind: LiveKindSchema,
      config: z.record(z.string(), z.unknown()).default({}),
      id: z.string().min(1).max(4200).optional(),
    }),
    result: LiveSourceInfoSchema,
  },
  liveSourceRemove: {
    params: z.object({ id: z.string().max(4200) }),
    result: z.object({ removed: z.boolean() }),
  },
  /** Turn a source off (stopped, kept in the list) or on again. */
  liveSourceSetEnabled: {
    params: z.object({ id: z.string().max(4200), enabled: z.boolean() }),
    result: LiveSourceInfoSchema,
  },
  /**
   * Live tail: records stored from now on that match `query` arrive as `tailRecords`
   * events on this connection only, at most every ~100 ms. Ends with tailStop or when the
   * connection closes.
   */
  tailStart: {
    params: z.object({ query: z.string().max(10_000).default('') }),
    result: z.object({ tailId: z.string() }),
  },
  tailStop: {
    params: z.object({ tailId: z.string() }),
    result: z.object({ stopped: z.boolean() }),
  },
  // Alerts (src/shared/alerts.ts says what a rule means; src/engine/alerts/ runs them).
  alertRules: {
    params: z.object({}).default({}),
    result: z.object({ rules: z.array(AlertRuleSchema) }),
  },
  /**
   * Create (no id) or replace a rule. Refused with the field and why (bad_request), or
   * with the query's error and its position (query).
   */
  alertRuleSave: {
    params: z.object({ id: z.string().max(200).optional(), rule: AlertRuleInputSchema }),
    result: AlertRuleSchema,
  },
  /** Check a rule as the person edits it: every problem, each with the field it is about. */
  alertRuleCheck: {
    params: z.object({ rule: z.unknown() }),
    result: z.object({
      problems: z.array(
        z.object({
          /** The rule's field ("window", "groupBy.0"); '' for the rule as a whole. */
          path: z.string(),
          message: z.string(),
          /** For query problems: where in the query text. */
          start: z.number().int().optional(),
          end: z.number().int().optional(),
        }),
      ),
    }),
  },
  alertRuleDelete: {
    params: z.object({ id: z.string().max(200) }),
    result: z.object({ deleted: z.boolean() }),
  },
  alertRuleSetEnabled: {
    params: z.object({ id: z.string().max(200), enabled: z.boolean() }),
    result: AlertRuleSchema,
  },
  /** Current alerts (pending and firing) and recently resolved ones, newest first. */
  alertsList: {
    params: z.object({
      states: z.array(AlertStateSchema).default(['pending', 'firing', 'resolved']),
      ruleId: z.string().max(200).nullable().default(null),
      limit: z.number().int().min(1).max(10_000).default(500),
    }),
    result: z.object({
      alerts: z.array(AlertSchema),
      /** Firing and not acknowledged: the tray count. */
      open: z.number().int(),
    }),
  },
  /** Stored state changes, newest first. */
  alertHistory: {
    params: z.object({
      ruleId: z.string().max(200).nullable().default(null),
      alertId: z.string().max(400).nullable().default(null),
      from: EpochMs.nullable().default(null),
      to: EpochMs.nullable().default(null),
      limit: z.number().int().min(1).max(10_000).default(500),
    }),
    result: z.object({ events: z.array(AlertEventSchema) }),
  },
  alertAck: {
    params: z.object({ id: z.string().max(400) }),
    result: AlertSchema,
  },
  /** Hold an alert's notifications until a time (null lifts it). */
  alertSilence: {
    params: z.object({ id: z.string().max(400), until: EpochMs.nullable() }),
    result: AlertSchema,
  },
  /**
   * Run a rule over stored data as if it had been enabled: when it would have fired,
   * per group, and its value per step for the histogram.
   */
  alertReplay: {
    params: z.object({
      rule: AlertRuleInputSchema,
      from: EpochMs.nullable().default(null),
      to: EpochMs.nullable().default(null),
      limit: z.number().int().min(1).max(10_000).default(1000),
    }),
    result: z.object({
      episodes: z.array(ReplayEpisodeSchema),
      /** Episodes in all (the list holds the first `limit`). */
      total: z.number().int(),
      /** The highest value over the groups per step, and whether any group was firing then. */
      series: z.object({ start: EpochMs, stepMs: z.number(), values: z.array(z.number()), firing: z.array(z.boolean()) }),
      from: EpochMs,
      to: EpochMs,
      /** Set when groups were capped (MAX_GROUPS_PER_RULE) or steps thinned. */
      warning: z.string().nullable(),
      tookMs: z.number(),
    }),
  },
  /** Notification channels in use, with their figures. */
  alertChannels: {
    params: z.object({}).default({}),
    result: z.object({ channels: z.array(ChannelStatusSchema) }),
  },
  /** Send a test message to one channel now; the answer says whether it arrived. */
  /** Send a test message; `payload`: the rule's webhook template to fill in (as the editor has it). */
  alertChannelTest: {
    params: z.object({ channel: ChannelSchema, payload: z.string().max(20_000).optional() }),
    result: z.object({ ok: z.boolean(), error: z.string().nullable() }),
  },
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type ParamsIn<M extends MethodName> = z.input<Methods[M]['params']>;
export type Params<M extends MethodName> = z.output<Methods[M]['params']>;
export type Result<M extends MethodName> = z.output<Methods[M]['result']>;

export const methodNames = Object.keys(methods) as MethodName[];

// ---------------------------------------------------------------------------------------
// Events (engine → client). Named <Noun><Verb> in the manner of Vector.

export const events = {
  importProgressed: ImportProgressSchema,
  /** A refit's progress (state 'running'), then its end: 'done' (the new model is in use), 'failed' or 'cancelled'. */
  anomalyRefitProgressed: z.object({
    jobId: z.string(),
    state: z.enum(['running', 'done', 'failed', 'cancelled']),
    phase: z.string(),
    /** 0..1 within the phase. */
    fraction: z.number(),
    /** Why it failed, or what the new model was fitted on. */
    message: z.string().nullable(),
    /** Scheduled refits say so; the UI may show them quietly. */
    scheduled: z.boolean(),
  }),
  /** Something stored changed (an import committed a batch): views may refresh. */
  dataChanged: z.object({ records: z.number().int() }),
  /** The settings were changed (by this or another window, or the app menu). */
  settingsChanged: SettingsReportSchema,
  /**
   * New records for one live tail, oldest first. `dropped`: matches left out since the last
   * batch because the subscriber fell behind (its buffer keeps the newest).
   */
  tailRecords: z.object({ tailId: z.string(), records: z.array(LogRowSchema), dropped: z.number().int() }),
  /** A live source was added, removed, turned on or off, or changed state (counters: poll liveSources). */
  liveSourcesChanged: z.object({ sources: z.array(LiveSourceInfoSchema) }),
  /** Alerts changed state (or were acknowledged / silenced); `open` is the tray count. */
  alertsChanged: z.object({ open: z.number().int(), alerts: z.array(AlertSchema) }),
  /** Tell the person: the in-app toast and, in headless mode, the browser's Notification. */
  alertNotice: AlertNoticeSchema,
  /** Rules were added, changed or removed. */
  alertRulesChanged: z.object({ rules: z.array(AlertRuleSchema) }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventData<E extends EventName> = z.output<Events[E]>;
export const eventNames = Object.keys(events) as EventName[];
/** Events addressed to one connection (its own subscriptions), never sent to every client. */
export const directedEvents: ReadonlySet<EventName> = new Set<EventName>(['tailRecords']);

// ---------------------------------------------------------------------------------------
// Envelopes

export const ErrorInfoSchema = z.object({
  /** bad_request: the params were wrong; query: the query text was wrong; internal: our fault. */
  code: z.enum(['bad_request', 'query', 'not_found', 'unavailable', 'internal']),
  message: z.string(),
  query: QueryErrorSchema.optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

export const RequestSchema = z.object({
  t: z.literal('req'),
  id: z.number().int(),
  method: z.enum(methodNames as [MethodName, ...MethodName[]]),
  params: z.unknown(),
});
export type RequestMsg = z.infer<typeof RequestSchema>;

export const ResponseSchema = z.discriminatedUnion('ok', [
  z.object({ t: z.literal('res'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ t: z.literal('res'), id: z.number().int(), ok: z.literal(false), error: ErrorInfoSchema }),
]);
export type ResponseMsg = z.infer<typeof ResponseSchema>;

export const EventSchema = z.object({
  t: z.literal('evt'),
  event: z.enum(eventNames as [EventName, ...EventName[]]),
  data: z.unknown(),
});
export type EventMsg = z.infer<typeof EventSchema>;

export const EngineMessageSchema = z.union([ResponseSchema, EventSchema]);
