/**
 * A checked FormatSpec into a parse function. The regex path is the hot one (every line
 * of an nginx or syslog import), so it reads groups by index and allocates only the
 * match, the result and its fields.
 */
import type { Level } from '../../shared/levels';
import type { FieldValue } from '../record';
import { TimeContext, compileTimeLayouts, type TimeReader } from '../time';
import { canonicalGroup, captureNames } from './groups';
import type { CompiledFormat, FieldType, FormatSpec, ParsedLine } from './spec';
import { EXPANDERS, convert, levelReader, parseJsonObject, parseLogfmt } from './values';

let defaultTime: TimeContext | null = null;
/** For callers that only ask "does it match" (detection): UTC, year-less stamps near now. */
export function defaultTimeContext(): TimeContext {
  return (defaultTime ??= new TimeContext({ defaultZone: 'UTC', referenceMs: Date.now() }));
}

export interface Roles {
  ts: string[];
  level: string[];
  message: string[];
  host: string[];
  app: string[];
}

/** Which groups or keys feed the record's own properties, defaults applied. */
export function rolesOf(spec: FormatSpec): Roles {
  return {
    ts: spec.timestamp ? (spec.timestamp.from ?? ['ts']) : [],
    level: spec.level?.from ?? ['level'],
    message: spec.message ?? ['message'],
    host: spec.host ?? ['host'],
    app: spec.app ?? ['app'],
  };
}

export function compileFormat(spec: FormatSpec): CompiledFormat {
  const parse = spec.kind === 'regex' ? compileRegex(spec) : compileStructural(spec);
  return {
    name: spec.name,
    title: spec.title,
    spec,
    multiline: spec.multiline === true,
    fallback: spec.fallback === true,
    parse,
  };
}

type Parse = CompiledFormat['parse'];

function compileRegex(spec: FormatSpec): Parse {
  const name = spec.name;
  const source = spec.pattern!;
  const { names, unnamed } = captureNames(source);
  const re = new RegExp(`^(?:${unnamed})$`);
  const roles = rolesOf(spec);
  /** Group indices for a role, in the role's order of preference. */
  const indices = (wanted: string[]): number[] =>
    wanted.flatMap((w) => names.flatMap((n, i) => (n !== null && canonicalGroup(n) === w ? [i + 1] : [])));
  const tsIdx = indices(roles.ts);
  const levelIdx = indices(roles.level);
  const msgIdx = indices(roles.message);
  const hostIdx = indices(roles.host);
  const appIdx = indices(roles.app);
  const taken = new Set([...tsIdx, ...levelIdx, ...msgIdx, ...hostIdx, ...appIdx]);

  const fieldIdx: number[] = [];
  const fieldNames: string[] = [];
  const fieldTypes: (FieldType | undefined)[] = [];
  const expandIdx: number[] = [];
  const expanders: ((t: string) => Record<string, FieldValue> | null)[] = [];
  const expandNames: string[] = [];
  names.forEach((n, i) => {
    if (n === null || taken.has(i + 1)) return;
    const canon = canonicalGroup(n);
    const expander = spec.expand?.[canon];
    if (expander) {
      expandIdx.push(i + 1);
      expanders.push(EXPANDERS[expander]!);
      expandNames.push(canon);
      return;
    }
    const name = spec.rename?.[canon] ?? canon;
    fieldIdx.push(i + 1);
    fieldNames.push(name);
    fieldTypes.push(spec.fieldTypes?.[name] ?? spec.fieldTypes?.[canon]);
  });
  const tsNames = tsIdx.map((i) => canonicalGroup(names[i - 1]!));
  const readTs: TimeReader | null = spec.timestamp ? compileTimeLayouts(spec.timestamp.layouts) : null;
  const readLevel = levelReader(spec.level);
  const nulls = new Set(spec.nullValues ?? []);
  // A Set lookup hashes the string, and every capture is a fresh string: checking the
  // length first spares hashing a 120-character user agent to learn it is not '-'.
  const nullMax = Math.max(-1, ...[...nulls].map((n) => n.length));
  const isNull = (v: string): boolean => v.length <= nullMax && nulls.has(v);
  /** The first group among idx that took part and is not a null value. */
  const pick = (m: RegExpExecArray, idx: number[]): string | undefined => {
    for (let k = 0; k < idx.length; k++) {
      const v = m[idx[k]!];
      if (v !== undefined && !isNull(v)) return v;
    }
    return undefined;
  };

  return (line, time) => {
    const m = re.exec(line);
    if (m === null) return null;
    let fields: Record<string, FieldValue> | null = null;
    for (let k = 0; k < fieldIdx.length; k++) {
      const v = m[fieldIdx[k]!];
      if (v === undefined || isNull(v)) continue;
      const type = fieldTypes[k];
      (fields ??= {})[fieldNames[k]!] = type === undefined ? v : type === 'integer' ? toInteger(v) : convert(v, type);
    }
    for (let k = 0; k < expandIdx.length; k++) {
      const v = m[expandIdx[k]!];
      if (v === undefined || isNull(v)) continue;
      const parsed = expanders[k]!(v);
      if (parsed) Object.assign((fields ??= {}), parsed);
      else (fields ??= {})[expandNames[k]!] = v;
    }
    let ts: number | null = null;
    const stamp = readTs ? pick(m, tsIdx) : undefined;
    if (stamp !== undefined) {
      ts = readTs!(stamp, time ?? defaultTimeContext());
      // An unreadable stamp is still part of the line: keep it rather than lose it.
      if (ts === null) (fields ??= {})[tsNames[tsIdx.findIndex((i) => m[i] === stamp)]!] = stamp;
    }
    const level = pick(m, levelIdx);
    const message = msgIdx.length ? pick(m, msgIdx) : line;
    return {
      ts,
      level: level === undefined ? null : readLevel(level),
      host: pick(m, hostIdx) ?? null,
      app: pick(m, appIdx) ?? null,
      // No message group: the line is the message; a group that did not take part: empty.
      message: message ?? '',
      fields,
      format: name,
      line: 0,
      parseError: null,
    };
  };
}

/** Digits to a number without Number()'s general parser (status and bytes on every access-log line). */
function toInteger(v: string): FieldValue {
  const n = v.length;
  if (n === 0 || n > 15) return convert(v, 'integer');
  let x = 0;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return convert(v, 'integer');
    x = x * 10 + c;
  }
  return x;
}

function compileStructural(spec: FormatSpec): Parse {
  const name = spec.name;
  const roles = rolesOf(spec);
  const readTs: TimeReader | null = spec.timestamp ? compileTimeLayouts(spec.timestamp.layouts) : null;
  const readLevel = levelReader(spec.level);
  const nulls = new Set<FieldValue>(spec.nullValues ?? []);
  const require = spec.require ?? [];
  const rename = Object.entries(spec.rename ?? {});
  const drop = spec.drop ?? [];
  const types = Object.entries(spec.fieldTypes ?? {});
  const read =
    spec.kind === 'json'
      ? (line: string) =>
          line.charCodeAt(0) === 123 || line.trimStart().startsWith('{') ? parseJsonObject(line) : null
      : (line: string) => parseLogfmt(line);

  /** Removes and returns the first present, non-empty value among keys. */
  const take = (obj: Record<string, FieldValue>, keys: string[]): FieldValue | undefined => {
    for (const k of keys) {
      if (!Object.hasOwn(obj, k)) continue;
      const v = obj[k]!;
      if (v === null || v === '' || nulls.has(v)) continue;
      delete obj[k];
      return v;
    }
    return undefined;
  };
  const text = (v: FieldValue | undefined): string | null => (v === undefined ? null : String(v));

  return (line, time): ParsedLine | null => {
    const obj = read(line);
    if (obj === null) return null;
    for (const k of require) if (!Object.hasOwn(obj, k)) return null;
    let ts: number | null = null;
    for (const k of roles.ts) {
      const v = obj[k];
      if (v === undefined || v === null || typeof v === 'boolean') continue;
      ts = readTs!(v, time ?? defaultTimeContext());
      if (ts !== null) {
        delete obj[k];
        break;
      }
    }
    const lv = take(obj, roles.level);
    const level: Level | null = lv === undefined ? null : readLevel(lv);
    const msg = take(obj, roles.message);
    const host = text(take(obj, roles.host));
    const app = text(take(obj, roles.app));
    for (const [from, to] of rename) {
      if (Object.hasOwn(obj, from)) {
        obj[to] = obj[from]!;
        delete obj[from];
      }
    }
    for (const k of drop) delete obj[k];
    for (const [k, type] of types) {
      const v = obj[k];
      if (typeof v === 'string') obj[k] = convert(v, type);
    }
    let fields: Record<string, FieldValue> | null = null;
    for (const k in obj) {
      const v = obj[k]!;
      if (!nulls.has(v)) (fields ??= {})[k] = v;
    }
    return {
      ts,
      level,
      host,
      app,
      // Docker and journald keep the line's own newline; a message does not.
      message: msg === undefined ? line : String(msg).replace(/\r?\n$/, ''),
      fields,
      format: name,
      line: 0,
      parseError: null,
    };
  };
}
