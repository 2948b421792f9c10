/**
 * The strict loader, after lnav: a format is refused — built-in or user's alike — unless
 * its pattern compiles, every name it refers to exists, and every sample parses to
 * exactly what the sample declares. The error lists every problem at once, each with
 * the format's name and the sample's index, so a user fixing a format fixes it in one go.
 */
import { TimeContext, compileTimeLayouts } from '../time';
import { BUILTIN_SPECS } from './builtin';
import { compileFormat, rolesOf } from './compile';
import { canonicalGroup, captureNames } from './groups';
import { SAMPLE_TIME, formatSpecSchema, type CompiledFormat, type FormatSpec, type ParsedLine } from './spec';
import { parseJsonObject } from './values';

export type { CompiledFormat, FormatSpec, ParsedLine } from './spec';

export class FormatLoadError extends Error {
  constructor(
    readonly format: string,
    readonly problems: string[],
  ) {
    super(`format "${format}" refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'FormatLoadError';
  }
}

/** Other spellings of the promoted columns (schema.ts PROMOTED_FIELDS); a format must use the column's name. */
const PROMOTED_ALIASES: Readonly<Record<string, string>> = {
  status_code: 'status',
  statuscode: 'status',
  http_status: 'status',
  response_code: 'status',
  remote_addr: 'client',
  remote_host: 'client',
  client_ip: 'client',
  clientip: 'client',
  remote_ip: 'client',
  request_method: 'method',
  http_method: 'method',
  verb: 'method',
  request_uri: 'path',
  uri: 'path',
  url_path: 'path',
  request_path: 'path',
  body_bytes_sent: 'bytes',
  bytes_sent: 'bytes',
  response_bytes: 'bytes',
  response_size: 'bytes',
  elapsed_ms: 'duration_ms',
  response_time_ms: 'duration_ms',
};
/** Promoted columns that are numbers: a regex or logfmt capture must be declared so. */
const NUMERIC_PROMOTED: Readonly<Record<string, 'integer' | 'float'>> = {
  status: 'integer',
  bytes: 'integer',
  duration_ms: 'float',
};

export function loadFormat(input: unknown): CompiledFormat {
  const declared = (input as { name?: unknown } | null)?.name;
  const label = typeof declared === 'string' && declared ? declared : '(unnamed)';
  const parsed = formatSpecSchema.safeParse(input);
  if (!parsed.success) {
    throw new FormatLoadError(
      label,
      parsed.error.issues.map((i) => `${i.path.join('.') || 'spec'}: ${i.message}`),
    );
  }
  const spec = parsed.data;
  const problems = declarationProblems(spec);
  if (problems.length) throw new FormatLoadError(spec.name, problems);
  const format = compileFormat(spec);
  const failures = checkSamples(format);
  if (failures.length) throw new FormatLoadError(spec.name, failures);
  return format;
}

let builtins: CompiledFormat[] | null = null;

/** The built-in formats in detection priority order: specific before generic, plain text last. */
export function builtinFormats(): CompiledFormat[] {
  return (builtins ??= BUILTIN_SPECS.map(loadFormat));
}

function declarationProblems(spec: FormatSpec): string[] {
  const problems: string[] = [];
  if (spec.timestamp) {
    try {
      compileTimeLayouts(spec.timestamp.layouts);
    } catch (e) {
      problems.push(`timestamp.layouts: ${(e as Error).message}`);
    }
  }
  if (spec.multiline && spec.kind !== 'regex') problems.push(`multiline: a ${spec.kind} record is one line`);
  const fieldNames =
    spec.kind === 'regex'
      ? regexProblems(spec, problems)
      : [...Object.values(spec.rename ?? {}), ...Object.keys(spec.fieldTypes ?? {})];
  for (const name of fieldNames) {
    const canonical = PROMOTED_ALIASES[name];
    if (canonical)
      problems.push(`field "${name}": use the canonical name "${canonical}", which is stored as its own column`);
    const numeric = NUMERIC_PROMOTED[name];
    if (numeric && spec.kind !== 'json' && spec.fieldTypes?.[name] !== numeric) {
      problems.push(`field "${name}" is stored as a number: declare fieldTypes.${name}: "${numeric}"`);
    }
  }
  return problems;
}

/** Checks a regex format's names against its pattern; returns the field names it yields. */
function regexProblems(spec: FormatSpec, problems: string[]): string[] {
  let names: (string | null)[];
  try {
    names = captureNames(spec.pattern!).names;
  } catch (e) {
    problems.push(`pattern does not compile: ${(e as Error).message}`);
    return [];
  }
  const groups = new Set(names.filter((n): n is string => n !== null).map(canonicalGroup));
  const roles = rolesOf(spec);
  const needs = (what: string, list: string[] | undefined, declared: boolean): void => {
    if (declared && list && !list.some((g) => groups.has(g)))
      problems.push(`${what}: the pattern has no group named ${list.map((g) => `"${g}"`).join(' or ')}`);
  };
  needs('timestamp.from', roles.ts, spec.timestamp !== undefined);
  needs('level.from', roles.level, spec.level !== undefined);
  needs('message', spec.message, spec.message !== undefined);
  needs('host', spec.host, spec.host !== undefined);
  needs('app', spec.app, spec.app !== undefined);
  for (const key of ['expand', 'rename'] as const) {
    for (const g of Object.keys(spec[key] ?? {}))
      if (!groups.has(g)) problems.push(`${key}.${g}: the pattern has no group named "${g}"`);
  }
  const roleGroups = new Set([
    ...roles.ts,
    ...roles.level,
    ...roles.message,
    ...roles.host,
    ...roles.app,
    ...Object.keys(spec.expand ?? {}),
  ]);
  const fields = [...groups].filter((g) => !roleGroups.has(g)).map((g) => spec.rename?.[g] ?? g);
  for (const f of Object.keys(spec.fieldTypes ?? {}))
    if (!fields.includes(f)) problems.push(`fieldTypes.${f}: the pattern yields no field "${f}"`);
  return fields;
}

/** What is wrong with a compiled format's samples; empty when each yields what it declares. */
export function checkSamples(format: CompiledFormat): string[] {
  const { spec } = format;
  const tc = new TimeContext(SAMPLE_TIME);
  const problems: string[] = [];
  spec.samples.forEach((sample, i) => {
    const say = (msg: string): void => void problems.push(`samples[${i}]: ${msg}`);
    const [head, ...rest] = sample.line.split('\n') as [string, ...string[]];
    if (rest.length && !format.multiline) say('has several lines but the format is not multiline');
    const got = format.parse(head, tc);
    if (!got) return say(whyNoMatch(spec, head));
    rest.forEach((l, k) => {
      if (l.trim() !== '' && format.parse(l, tc))
        say(`line ${k + 2} matches the format, so it would start a new record instead of continuing this one`);
    });
    const actual: ParsedLine = { ...got, message: [got.message, ...rest].join('\n') };
    if (spec.timestamp && sample.ts === undefined)
      say('gives no ts: the format reads timestamps, so each sample says which (or null)');
    if (spec.level && sample.level === undefined)
      say('gives no level: the format reads levels, so each sample says which (or null)');
    if (sample.ts !== undefined) {
      const want = sample.ts === null ? null : Date.parse(sample.ts);
      if (Number.isNaN(want)) say(`ts "${sample.ts}" is not an ISO 8601 time`);
      else if (want !== actual.ts)
        say(`ts: expected ${sample.ts}, got ${actual.ts === null ? 'none' : new Date(actual.ts).toISOString()}`);
    }
    for (const key of ['level', 'host', 'app', 'message'] as const) {
      if (sample[key] !== undefined && sample[key] !== actual[key])
        say(`${key}: expected ${JSON.stringify(sample[key])}, got ${JSON.stringify(actual[key])}`);
    }
    if (sample.fields) {
      const have = actual.fields ?? {};
      for (const [k, v] of Object.entries(sample.fields)) {
        if (!Object.hasOwn(have, k))
          say(`fields.${k}: expected ${JSON.stringify(v)}, but the line yields no such field`);
        else if (have[k] !== v) say(`fields.${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(have[k])}`);
      }
      for (const k of Object.keys(have)) {
        if (!Object.hasOwn(sample.fields, k))
          say(`fields.${k}: the line yields ${JSON.stringify(have[k])}, which the sample does not declare`);
      }
    }
  });
  return problems;
}

/** Says how a line fails to match, the way a user can act on: not at all, or not all of it. */
function whyNoMatch(spec: FormatSpec, line: string): string {
  const shown = line.length > 120 ? `${line.slice(0, 117)}...` : line;
  if (spec.kind === 'regex') {
    const m = new RegExp(spec.pattern!).exec(line);
    if (m) {
      const left = line.slice(0, m.index);
      const right = line.slice(m.index + m[0].length);
      return `the pattern matches ${JSON.stringify(m[0])} but not the whole line (unmatched: ${JSON.stringify(left)} before, ${JSON.stringify(right)} after)`;
    }
    return `does not match the pattern: ${JSON.stringify(shown)}`;
  }
  if (spec.kind === 'json') {
    const obj = parseJsonObject(line);
    if (!obj) return `is not a JSON object: ${JSON.stringify(shown)}`;
    return `lacks the required key(s) ${(spec.require ?? []).filter((k) => !Object.hasOwn(obj, k)).join(', ')}`;
  }
  return `is not logfmt (key=value pairs only, at least two) or lacks a required key: ${JSON.stringify(shown)}`;
}
