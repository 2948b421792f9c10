/**
 * A log format is data: this declaration, checked by the zod schema below whether it is
 * built in or comes from a user as JSON, then compiled by load.ts, which also refuses it
 * unless every sample yields what it declares.
 */
import { z } from 'zod';
import { LEVELS, type Level } from '../../shared/levels';
import type { FieldValue, IngestRecord } from '../record';
import type { TimeContext } from '../time';

export type FormatKind = 'regex' | 'json' | 'logfmt';
export type FieldType = 'integer' | 'float' | 'boolean' | 'string';
/**
 * How numeric level values read: syslog severity 0–7, a syslog PRI (facility·8 + severity),
 * pino/bunyan 10–60, or an HTTP status (5xx error, 4xx warn, else info).
 */
export type LevelNumbers = 'syslog' | 'syslog_pri' | 'pino' | 'http_status';
/** Parsers for a captured piece of text whose contents become fields. */
export type Expander = 'rfc5424_sd' | 'logfmt' | 'json';

export interface FormatSample {
  /** One line, or a multi-line record with its lines joined by '\n'. */
  line: string;
  /** Expected time as ISO 8601 UTC, read with SAMPLE_TIME; null when the line gives none. */
  ts?: string | null;
  level?: Level | null;
  message: string;
  host?: string | null;
  app?: string | null;
  /** When given: exactly the fields the line yields, no more, no fewer. */
  fields?: Record<string, FieldValue>;
}

export interface FormatSpec {
  /** Stable id, stored with every record: [a-z0-9_]+. */
  name: string;
  title: string;
  description?: string;
  kind: FormatKind;
  /**
   * regex: named groups, matched against the whole line. JavaScript forbids one group
   * name twice, so `name__2` (any `__` + digits suffix) stands for `name` in another branch.
   */
  pattern?: string;
  /** json/logfmt: keys a line must have to be this format (journald's __REALTIME_TIMESTAMP). */
  require?: string[];
  timestamp?: {
    /** Groups or keys, first present wins. Default ['ts']. */
    from?: string[];
    /** Named layouts (see NAMED_LAYOUTS in time.ts) or strptime patterns, tried in order. */
    layouts: string[];
  };
  level?: {
    /** Default ['level']. */
    from?: string[];
    /** Extra words (lower-case) on top of LEVEL_WORDS. */
    words?: Record<string, Level>;
    numbers?: LevelNumbers;
  };
  /** Groups or keys holding the message, first present wins; the whole line when none is. Default ['message']. */
  message?: string[];
  host?: string[];
  app?: string[];
  /** Types for fields; the rest stay strings (regex, logfmt) or keep their JSON type. */
  fieldTypes?: Record<string, FieldType>;
  /** Canonical names for keys as they appear (status_code → status). Applies after JSON nesting is flattened to dots. */
  rename?: Record<string, string>;
  /** Keys dropped from fields (journald's __CURSOR). */
  drop?: string[];
  /** Values that mean "none" ('-' in access logs): such groups or keys are left out. */
  nullValues?: string[];
  /** Groups whose text is parsed into further fields (RFC 5424 structured data). */
  expand?: Record<string, Expander>;
  /** A line that does not match continues the previous record (stack traces). */
  multiline?: boolean;
  /** Matches anything: chosen only when nothing else fits, and never a parse error. */
  fallback?: boolean;
  samples: FormatSample[];
}

/**
 * What a format reads from one line: ts (ms UTC or null), level, host, app, message and
 * fields. It is already shaped as the record the line makes (format set, parseError null,
 * line 0 for the caller to set), so the import does not build a second object per line.
 */
export type ParsedLine = IngestRecord;

export interface CompiledFormat {
  readonly name: string;
  readonly title: string;
  readonly spec: FormatSpec;
  readonly multiline: boolean;
  readonly fallback: boolean;
  /** The line's parts, or null when the line is not in this format. */
  parse(line: string, time?: TimeContext): ParsedLine | null;
}

/** Samples are read in UTC against this reference, so a year-less stamp reads as 2024. */
export const SAMPLE_TIME = { defaultZone: 'UTC', referenceMs: Date.UTC(2024, 11, 31, 12) } as const;

const names = z.array(z.string().min(1)).min(1);
const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const level = z.enum(LEVELS);

export const formatSampleSchema = z.strictObject({
  line: z.string().min(1),
  ts: z.string().nullable().optional(),
  level: level.nullable().optional(),
  message: z.string(),
  host: z.string().nullable().optional(),
  app: z.string().nullable().optional(),
  fields: z.record(z.string(), fieldValue).optional(),
});

export const formatSpecSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9_]+$/, 'must be lower-case letters, digits and _'),
    title: z.string().min(1),
    description: z.string().optional(),
    kind: z.enum(['regex', 'json', 'logfmt']),
    pattern: z.string().min(1).optional(),
    require: names.optional(),
    timestamp: z.strictObject({ from: names.optional(), layouts: names }).optional(),
    level: z
      .strictObject({
        from: names.optional(),
        words: z.record(z.string(), level).optional(),
        numbers: z.enum(['syslog', 'syslog_pri', 'pino', 'http_status']).optional(),
      })
      .optional(),
    message: names.optional(),
    host: names.optional(),
    app: names.optional(),
    fieldTypes: z.record(z.string(), z.enum(['integer', 'float', 'boolean', 'string'])).optional(),
    rename: z.record(z.string(), z.string().min(1)).optional(),
    drop: names.optional(),
    nullValues: z.array(z.string()).optional(),
    expand: z.record(z.string(), z.enum(['rfc5424_sd', 'logfmt', 'json'])).optional(),
    multiline: z.boolean().optional(),
    fallback: z.boolean().optional(),
    samples: z.array(formatSampleSchema).min(1, 'a format needs at least one sample: the samples are its tests'),
  })
  .superRefine((spec, ctx) => {
    if (spec.kind === 'regex' && !spec.pattern)
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'a regex format needs a pattern' });
    if (spec.kind !== 'regex' && spec.pattern)
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: `a ${spec.kind} format has no pattern` });
    if (spec.kind !== 'regex' && spec.expand)
      ctx.addIssue({ code: 'custom', path: ['expand'], message: 'expand applies to regex groups' });
    if (spec.kind === 'regex' && spec.require)
      ctx.addIssue({ code: 'custom', path: ['require'], message: 'require applies to json and logfmt keys' });
  });

// The interface is the documentation and the schema is the check; this keeps them equal.
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemaMatchesSpec: Equal<z.output<typeof formatSpecSchema>, FormatSpec> = true;
void _schemaMatchesSpec;
