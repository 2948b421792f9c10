/**
 * Scoring a miner against loghub's ground truth, shared by bench/patterns-accuracy.ts and
 * the accuracy test: read the structured CSV, run the miner with its merges followed, and
 * the two figures of the literature.
 *
 * Grouping accuracy (GA): a line is right when its predicted group holds exactly the lines
 * of its true group. Parsing accuracy (PA): the line's template text equals the true
 * template, whitespace aside. Both take each line's final template — a template that
 * later merged into another counts as the one it merged into, as stored rows do.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { detectFormat } from '../detect';
import { builtinFormats } from '../formats/load';
import { TemplateMiner, type MinerOptions } from './miner';

/** The ten loghub 2k samples in ../shared/loghub. */
export const DATASETS = [
  'HDFS',
  'Hadoop',
  'Spark',
  'Zookeeper',
  'Linux',
  'Apache',
  'OpenSSH',
  'Android',
  'Proxifier',
  'Thunderbird',
] as const;

/** RFC 4180: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true; // a quote opens a field only at its start
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export interface Truth {
  content: string[];
  eventId: string[];
  template: string[];
}

/** A loghub `<Name>_2k.log_structured.csv`. */
export function readTruth(file: string): Truth {
  const rows = parseCsv(readFileSync(file, 'utf8'));
  const header = rows[0] ?? [];
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: no column ${name}`);
    return i;
  };
  const [c, e, t] = [col('Content'), col('EventId'), col('EventTemplate')];
  const body = rows.slice(1).filter((r) => r.length > 1);
  return { content: body.map((r) => r[c]!), eventId: body.map((r) => r[e]!), template: body.map((r) => r[t]!) };
}

/** A raw log's lines, CR of CRLF removed as the readers do. */
export function readLines(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export interface Mined {
  /** Each message's final template id (merges followed). */
  ids: number[];
  /** Each message's final template text. */
  templates: string[];
  miner: TemplateMiner;
  seconds: number;
}

/** Runs a miner over messages and resolves every id through the merges that followed. */
export function mine(messages: readonly string[], opts: MinerOptions = {}): Mined {
  const into = new Map<number, number>();
  const miner = new TemplateMiner({
    ...opts,
    onChange: (c) => {
      if (c.kind === 'merged') into.set(c.from, c.into);
    },
  });
  const started = performance.now();
  const raw = messages.map((m) => miner.add(m).id);
  const seconds = (performance.now() - started) / 1000;
  const resolve = (id: number): number => {
    let r = id;
    for (let next = into.get(r); next !== undefined; next = into.get(r)) r = next;
    return r;
  };
  const ids = raw.map(resolve);
  const templates = ids.map((id) => miner.get(id)?.template ?? '');
  return { ids, templates, miner, seconds };
}

export function groupingAccuracy(predicted: readonly (number | string)[], truth: readonly string[]): number {
  const truthSize = new Map<string, number>();
  for (const t of truth) truthSize.set(t, (truthSize.get(t) ?? 0) + 1);
  const clusters = new Map<number | string, number[]>();
  predicted.forEach((p, i) => {
    let list = clusters.get(p);
    if (!list) clusters.set(p, (list = []));
    list.push(i);
  });
  let right = 0;
  for (const lines of clusters.values()) {
    const t = truth[lines[0]!]!;
    if (lines.every((i) => truth[i] === t) && truthSize.get(t) === lines.length) right += lines.length;
  }
  return truth.length === 0 ? 1 : right / truth.length;
}

/** Whitespace aside: two templates are equal when they are equal without any. */
export const withoutSpace = (s: string): string => s.replace(/\s+/g, '');

export function parsingAccuracy(predicted: readonly string[], truth: readonly string[]): number {
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (withoutSpace(predicted[i]!) === withoutSpace(truth[i]!)) right++;
  return truth.length === 0 ? 1 : right / truth.length;
}

export interface LoghubInput {
  /** The format detection chose, on the first 200 non-blank lines as the pipeline does. */
  format: string;
  /** Each line's message as that format reads it; the whole line where it does not parse. */
  messages: string[];
  /** Lines the format did not parse. */
  unparsed: number;
  truth: Truth;
}

/** A loghub sample as ingest sees it: its raw lines through format detection and parsing. */
export function loghubInput(dir: string, name: string): LoghubInput {
  const lines = readLines(path.join(dir, name, `${name}_2k.log`));
  const truth = readTruth(path.join(dir, name, `${name}_2k.log_structured.csv`));
  if (truth.eventId.length !== lines.length)
    throw new Error(`${name}: ${lines.length} lines but ${truth.eventId.length} rows of ground truth`);
  const head = lines.filter((l) => l.trim() !== '').slice(0, 200);
  const format = detectFormat(head, builtinFormats());
  let unparsed = 0;
  const messages = lines.map((line) => {
    const parsed = format.parse(line);
    if (!parsed) unparsed++;
    return parsed ? parsed.message : line;
  });
  return { format: format.name, messages, unparsed, truth };
}
