/**
 * `application/x-www-form-urlencoded` posts. Python's `logging.handlers.HTTPHandler` (with
 * method='POST') sends a LogRecord's `__dict__` this way: `msg` is the unformatted
 * template and `args` the repr of its arguments, `levelname`, `created` (epoch seconds),
 * `name` (the logger), `pathname`, `lineno`, `funcName`, `process`, `thread`... One form
 * is one record. Any other form is mapped like a JSON object of its fields.
 */
import type { FieldValue, IngestRecord } from '../../record';
import type { TimeContext } from '../../time';
import { normalizeLevel } from '../../../shared/levels';
import { objectToRecord } from './json-records';

/** LogRecord attributes that are numbers. */
const NUMERIC = new Set(['lineno', 'process', 'thread', 'levelno', 'msecs', 'relativeCreated', 'created']);
/** LogRecord attributes that become the record's own properties (or are noise once it is built). */
const CONSUMED = new Set(['msg', 'args', 'levelname', 'levelno', 'created', 'msecs', 'relativeCreated', 'message']);

export function parseFormBody(text: string, tc: TimeContext): IngestRecord {
  const form = new URLSearchParams(text);
  const obj: Record<string, string> = Object.create(null) as Record<string, string>;
  let keys = 0;
  for (const [k, v] of form) {
    if (k === '__proto__') continue;
    obj[k] = v;
    keys++;
  }
  if (keys === 0) throw new TypeError('the form has no fields');
  if ('msg' in obj && 'levelname' in obj && 'created' in obj) return pythonRecord(obj);
  return objectToRecord({ ...obj }, tc, { format: 'form' });
}

function pythonRecord(f: Record<string, string>): IngestRecord {
  const fields: Record<string, FieldValue> = {};
  for (const k in f) {
    if (CONSUMED.has(k)) continue;
    const v = f[k]!;
    // Python sends None for empty attributes (exc_info, stack_info, exc_text).
    if (v === 'None') continue;
    if (k === 'name') fields.logger = v;
    else fields[k] = NUMERIC.has(k) && v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  const created = Number(f.created);
  const args = f.args ?? 'None';
  let message = f.msg!;
  const values = args === 'None' || args === '()' ? [] : parsePythonTuple(args);
  if (values === null) fields.args = args;
  else if (values.length) {
    const formatted = percentFormat(message, values);
    if (formatted === null) fields.args = args;
    else message = formatted;
  }
  return {
    ts: Number.isFinite(created) ? Math.round(created * 1000) : null,
    level: normalizeLevel(f.levelname),
    host: null,
    app: null,
    message,
    fields,
    format: 'python_http',
    line: 1,
    parseError: null,
  };
}

type PyValue = string | number | boolean | null;

/**
 * The repr of a tuple of simple values — `('bob', 3, 1.5, None, True)` — or null when it
 * holds anything else (then the template is stored as sent, with `args` as a field).
 */
export function parsePythonTuple(text: string): PyValue[] | null {
  const s = text.trim();
  if (s.length < 2 || s[0] !== '(' || s[s.length - 1] !== ')') return null;
  const out: PyValue[] = [];
  let i = 1;
  const end = s.length - 1;
  const skip = () => {
    while (i < end && s[i] === ' ') i++;
  };
  while (true) {
    skip();
    if (i >= end) break;
    const c = s[i]!;
    if (c === "'" || c === '"') {
      let v = '';
      i++;
      while (i < end && s[i] !== c) {
        if (s[i] === '\\') {
          const e = s[i + 1];
          if (e === 'n') v += '\n';
          else if (e === 't') v += '\t';
          else if (e === 'r') v += '\r';
          else if (e === 'x' || e === 'u') {
            const len = e === 'x' ? 2 : 4;
            const code = parseInt(s.slice(i + 2, i + 2 + len), 16);
            if (Number.isNaN(code)) return null;
            v += String.fromCharCode(code);
            i += len;
          } else v += e ?? '';
          i += 2;
        } else v += s[i++];
      }
      if (s[i] !== c) return null;
      i++;
      out.push(v);
    } else {
      const m = /^(None|True|False|-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/.exec(s.slice(i, end));
      if (!m) return null;
      const w = m[1]!;
      out.push(w === 'None' ? null : w === 'True' ? true : w === 'False' ? false : Number(w));
      i += w.length;
    }
    skip();
    if (i >= end) break;
    if (s[i] !== ',') return null;
    i++;
  }
  return out;
}

/** Python's `msg % args` for the common conversions; null when the template needs more. */
export function percentFormat(template: string, args: PyValue[]): string | null {
  let k = 0;
  let failed = false;
  const out = template.replace(/%([-#0 +]*)(\d*)(?:\.(\d+))?([sdifrx%])/g, (_m, _flags: string, _width: string, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    if (k >= args.length) {
      failed = true;
      return '';
    }
    const a = args[k++]!;
    const py = a === null ? 'None' : a === true ? 'True' : a === false ? 'False' : String(a);
    switch (conv) {
      case 's':
        return py;
      case 'r':
        return typeof a === 'string' ? `'${a}'` : py;
      case 'd':
      case 'i':
        return typeof a === 'number' ? String(Math.trunc(a)) : ((failed = true), '');
      case 'f':
        return typeof a === 'number' ? a.toFixed(prec === undefined ? 6 : Number(prec)) : ((failed = true), '');
      case 'x':
        return typeof a === 'number' ? Math.trunc(a).toString(16) : ((failed = true), '');
    }
    return py;
  });
  return failed || k !== args.length ? null : out;
}
