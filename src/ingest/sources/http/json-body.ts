/**
 * A JSON request body as shippers send it: one object, an array of objects (Vector's http
 * sink, Fluent Bit's `json`), or one object per line (NDJSON: Fluent Bit's `json_lines`,
 * which it labels application/json, Vector's `ndjson`). Bad items are rejected one by one,
 * each with its line or index and why; the rest of the batch is kept.
 */
import type { IngestRecord } from '../../record';
import type { TimeContext } from '../../time';
import { objectToRecord } from './json-records';

export interface Rejection {
  /** NDJSON line, from 1. */
  line?: number;
  /** Index in a JSON array, from 0. */
  index?: number;
  error: string;
}

export interface DecodedBatch {
  records: IngestRecord[];
  rejected: Rejection[];
  /** What the body was: 'json', 'ndjson', 'json_array', a text format's name... */
  shape: string;
}

export interface JsonBodyOptions {
  format?: string;
  /** Maps each parsed item; default: objectToRecord. Throws to reject the item. */
  map?: (value: unknown, tc: TimeContext, text: string | undefined, n: number) => IngestRecord;
}

/** First character that is not JSON whitespace, or -1. */
export function firstNonSpace(text: string, from = 0): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9 && c !== 0xfeff) return i;
  }
  return -1;
}

/** True when the text looks like JSON (an object or an array), by its first character. */
export function looksLikeJson(text: string): boolean {
  const i = firstNonSpace(text);
  if (i < 0) return false;
  const c = text.charCodeAt(i);
  return c === 123 || c === 91;
}

export function parseJsonBody(text: string, tc: TimeContext, opts: JsonBodyOptions = {}): DecodedBatch {
  const start = firstNonSpace(text);
  if (start < 0) return { records: [], rejected: [{ error: 'the body is empty' }], shape: 'json' };
  const map =
    opts.map ?? ((v: unknown, t: TimeContext, txt: string | undefined, n: number) => objectToRecord(v, t, { text: txt, format: opts.format, line: n }));
  const first = text.charCodeAt(start);
  if (first === 91) return parseArray(text, tc, map);
  if (first === 123) return parseLines(text, tc, map);
  return {
    records: [],
    rejected: [{ error: `expected a JSON object, an array of objects or one object per line; the body starts with ${JSON.stringify(text.slice(start, start + 20))}` }],
    shape: 'json',
  };
}

type Mapper = NonNullable<JsonBodyOptions['map']>;

function parseArray(text: string, tc: TimeContext, map: Mapper): DecodedBatch {
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch {
    return salvageArray(text, tc, map);
  }
  const records: IngestRecord[] = [];
  const rejected: Rejection[] = [];
  const arr = items as unknown[];
  for (let i = 0; i < arr.length; i++) {
    try {
      records.push(map(arr[i], tc, undefined, i + 1));
    } catch (err) {
      rejected.push({ index: i, error: (err as Error).message });
    }
  }
  return { records, rejected, shape: 'json_array' };
}

/**
 * An array that does not parse as a whole (cut short, or one bad item): split it into its
 * items at top-level commas and parse each alone, so one bad item costs only itself.
 */
function salvageArray(text: string, tc: TimeContext, map: Mapper): DecodedBatch {
  const records: IngestRecord[] = [];
  const rejected: Rejection[] = [];
  let index = 0;
  const take = (from: number, to: number, closed: boolean) => {
    const itemText = text.slice(from, to).trim();
    if (itemText === '') {
      if (closed && index > 0) rejected.push({ index, error: 'an empty item (two commas in a row, or a trailing comma)' });
      return;
    }
    let v: unknown;
    try {
      v = JSON.parse(itemText);
    } catch (err) {
      rejected.push({
        index,
        error: closed ? `not valid JSON: ${(err as Error).message}` : `cut short: the body ends inside this item (${(err as Error).message})`,
      });
      index++;
      return;
    }
    try {
      records.push(map(v, tc, itemText, index + 1));
    } catch (err) {
      rejected.push({ index, error: (err as Error).message });
    }
    index++;
  };
  let depth = 0;
  let inString = false;
  let itemStart = text.indexOf('[') + 1;
  let ended = false;
  for (let i = itemStart; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (depth === 0 && c === 93) {
        take(itemStart, i, true);
        ended = true;
        const rest = firstNonSpace(text, i + 1);
        if (rest >= 0) rejected.push({ error: `text after the closing ] of the array, at offset ${rest}` });
        break;
      }
      depth--;
    } else if (c === 44 && depth === 0) {
      take(itemStart, i, true);
      itemStart = i + 1;
    }
  }
  if (!ended) {
    take(itemStart, text.length, false);
    if (!rejected.some((r) => r.error.startsWith('cut short'))) rejected.push({ error: 'cut short: the array has no closing ]' });
  }
  return { records, rejected, shape: 'json_array' };
}

function parseLines(text: string, tc: TimeContext, map: Mapper): DecodedBatch {
  const records: IngestRecord[] = [];
  const rejected: Rejection[] = [];
  const lines = text.split('\n');
  let n = lines.length;
  // A final newline leaves an empty last "line".
  if (n > 1 && lines[n - 1] === '') n--;
  for (let i = 0; i < n; i++) {
    const line = lines[i]!;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      if (line.trim() === '') continue;
      if (records.length === 0 && rejected.length === 0 && n > 1) {
        // Not one object per line: perhaps one object across lines (pretty-printed).
        const whole = tryParse(text);
        if (whole !== undefined) return fromWhole(whole, text, tc, map);
      }
      rejected.push({ line: i + 1, error: lineError(line, err as Error, i === n - 1) });
      continue;
    }
    try {
      records.push(map(v, tc, line, i + 1));
    } catch (err) {
      rejected.push({ line: i + 1, error: (err as Error).message });
    }
  }
  return { records, rejected, shape: n > 1 ? 'ndjson' : 'json' };
}

function fromWhole(v: unknown, text: string, tc: TimeContext, map: Mapper): DecodedBatch {
  try {
    return { records: [map(v, tc, text, 1)], rejected: [], shape: 'json' };
  } catch (err) {
    return { records: [], rejected: [{ line: 1, error: (err as Error).message }], shape: 'json' };
  }
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function lineError(line: string, err: Error, last: boolean): string {
  const t = line.trimEnd();
  const c = t.charCodeAt(0);
  if (c !== 123 && c !== 91) return `not a JSON object: the line starts with ${JSON.stringify(t.slice(0, 20))}`;
  // JSON.parse says "Unexpected end of JSON input" for a line that stops early.
  if (/end of (JSON )?input|Unterminated string/i.test(err.message)) {
    return `cut short: the JSON object is not complete${last ? ' (the body ends here: truncated?)' : ''} (${err.message})`;
  }
  return `not valid JSON: ${err.message}`;
}
