/**
 * Template mining accuracy on the ten loghub 2k datasets (../shared/loghub), the way ingest
 * sees them: raw .log lines → format detection on the first 200 lines (as the pipeline does)
 * → each line parsed by the detected format → its message to the miner (the whole line when
 * the format does not parse it). One miner configuration for every dataset.
 *
 *   npx tsx bench/patterns-accuracy.ts [--loghub DIR] [--json] [--show N]
 *
 * Grouping accuracy (GA): a line is right when its predicted group holds exactly the lines
 * of its true group (EventId). Parsing accuracy (PA): the line's template text equals the
 * ground truth's EventTemplate, whitespace runs aside. Both use each line's final template:
 * a template that later merged into another counts as the one it merged into, as stored
 * rows do through templates.merged_into.
 *
 * The same figures on loghub's own Content column are printed beside them: what the miner
 * does when the header split is loghub's, so a gap between the two is the format's doing.
 * `--show N` prints up to N mis-grouped true groups per dataset.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectFormat } from '../src/ingest/detect';
import { builtinFormats } from '../src/ingest/formats/load';
import { TemplateMiner, type MinerOptions } from '../src/ingest/patterns/miner';

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
    } else if (c === '"') quoted = true;
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

export function readTruth(file: string): Truth {
  const rows = parseCsv(readFileSync(file, 'utf8'));
  const header = rows[0]!;
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: no column ${name}`);
    return i;
  };
  const [c, e, t] = [col('Content'), col('EventId'), col('EventTemplate')];
  const body = rows.slice(1).filter((r) => r.length > 1);
  return { content: body.map((r) => r[c]!), eventId: body.map((r) => r[e]!), template: body.map((r) => r[t]!) };
}

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

/** Runs the miner over messages and resolves every id through the merges that followed. */
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
  return right / truth.length;
}

const norm = (s: string): string => s.replace(/\s+/g, '');

export function parsingAccuracy(predicted: readonly string[], truth: readonly string[]): number {
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (norm(predicted[i]!) === norm(truth[i]!)) right++;
  return right / truth.length;
}

export interface DatasetResult {
  name: string;
  format: string;
  lines: number;
  unparsed: number;
  messageDiffers: number;
  diffExamples: { message: string; content: string }[];
  ga: number;
  pa: number;
  templates: number;
  trueTemplates: number;
  contentGa: number;
  contentPa: number;
  seconds: number;
  mined: Mined;
  truth: Truth;
}

export function runDataset(dir: string, name: string, opts: MinerOptions = {}): DatasetResult {
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
  const diffExamples: { message: string; content: string }[] = [];
  let messageDiffers = 0;
  messages.forEach((m, i) => {
    if (norm(m) !== norm(truth.content[i]!)) {
      messageDiffers++;
      if (diffExamples.length < 3) diffExamples.push({ message: m, content: truth.content[i]! });
    }
  });
  const mined = mine(messages, opts);
  const onContent = mine(truth.content, opts);
  return {
    name,
    format: format.name,
    lines: lines.length,
    unparsed,
    messageDiffers,
    diffExamples,
    ga: groupingAccuracy(mined.ids, truth.eventId),
    pa: parsingAccuracy(mined.templates, truth.template),
    templates: new Set(mined.ids).size,
    trueTemplates: new Set(truth.eventId).size,
    contentGa: groupingAccuracy(onContent.ids, truth.eventId),
    contentPa: parsingAccuracy(onContent.templates, truth.template),
    seconds: mined.seconds,
    mined,
    truth,
  };
}

export const DEFAULT_LOGHUB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/loghub');

/** The true groups that the miner did not reproduce, largest first, with what it made of them. */
function misgrouped(r: DatasetResult, max: number): string[] {
  const byTruth = new Map<string, number[]>();
  r.truth.eventId.forEach((e, i) => {
    let l = byTruth.get(e);
    if (!l) byTruth.set(e, (l = []));
    l.push(i);
  });
  const byPred = new Map<number, number[]>();
  r.mined.ids.forEach((p, i) => {
    let l = byPred.get(p);
    if (!l) byPred.set(p, (l = []));
    l.push(i);
  });
  const out: { size: number; text: string }[] = [];
  for (const [e, lines] of byTruth) {
    const preds = new Map<number, number>();
    for (const i of lines) preds.set(r.mined.ids[i]!, (preds.get(r.mined.ids[i]!) ?? 0) + 1);
    const exact = preds.size === 1 && byPred.get(r.mined.ids[lines[0]!]!)!.length === lines.length;
    if (exact) continue;
    const parts = [...preds].map(([p, c]) => {
      const extra = byPred.get(p)!.filter((i) => r.truth.eventId[i] !== e).length;
      return `    ${c} → #${p} ${JSON.stringify(r.mined.miner.get(p)?.template)}${extra ? ` (+${extra} from other groups)` : ''}`;
    });
    out.push({ size: lines.length, text: `  ${e} (${lines.length}) ${JSON.stringify(r.truth.template[lines[0]!])}\n${parts.join('\n')}` });
  }
  return out
    .sort((a, b) => b.size - a.size)
    .slice(0, max)
    .map((o) => o.text);
}

function main(): void {
  const args = process.argv.slice(2);
  const dirArg = args.indexOf('--loghub');
  const dir = dirArg >= 0 ? path.resolve(args[dirArg + 1]!) : DEFAULT_LOGHUB;
  const showArg = args.indexOf('--show');
  const show = showArg >= 0 ? Number(args[showArg + 1]) : 0;
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : null;
  const results = DATASETS.filter((n) => !only || only.includes(n)).map((n) => runDataset(dir, n));
  const pct = (x: number): string => (x * 100).toFixed(1).padStart(6);
  const rows = results.map(
    (r) =>
      `${r.name.padEnd(12)} ${r.format.padEnd(21)} ${pct(r.ga)} ${pct(r.pa)}   ${String(r.templates).padStart(4)} / ${String(r.trueTemplates).padEnd(4)}` +
      `${String(r.messageDiffers).padStart(6)}   ${pct(r.contentGa)} ${pct(r.contentPa)}`,
  );
  const mean = (f: (r: DatasetResult) => number): number => results.reduce((s, r) => s + f(r), 0) / results.length;
  console.log('dataset      detected format           GA %   PA %   templates   msg≠Content   GA %   PA %  (on loghub Content)');
  for (const row of rows) console.log(row);
  console.log(
    `${'mean'.padEnd(34)} ${pct(mean((r) => r.ga))} ${pct(mean((r) => r.pa))}${' '.repeat(26)}${pct(mean((r) => r.contentGa))} ${pct(mean((r) => r.contentPa))}`,
  );
  console.log(`min GA ${pct(Math.min(...results.map((r) => r.ga)))}`);
  for (const r of results) {
    if (r.messageDiffers === 0 && r.unparsed === 0) continue;
    console.log(`\n${r.name}: ${r.messageDiffers} messages differ from Content, ${r.unparsed} lines not parsed by ${r.format}`);
    for (const d of r.diffExamples) console.log(`  message ${JSON.stringify(d.message)}\n  Content ${JSON.stringify(d.content)}`);
  }
  if (show > 0) {
    for (const r of results) {
      const lines = misgrouped(r, show);
      if (lines.length) console.log(`\n${r.name} — true groups not reproduced:\n${lines.join('\n')}`);
    }
  }
  if (args.includes('--json')) {
    console.log(
      JSON.stringify(
        results.map(({ mined: _m, truth: _t, diffExamples: _d, ...r }) => r),
        null,
        1,
      ),
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
