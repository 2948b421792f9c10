/**
 * Template mining accuracy on the ten loghub 2k datasets (../shared/loghub), the way ingest
 * sees them: raw .log lines → format detection on the first 200 lines (as the pipeline does)
 * → each line parsed by the detected format → its message to the miner (the whole line when
 * the format does not parse it). One miner configuration for every dataset.
 *
 *   npx tsx bench/patterns-accuracy.ts [--loghub DIR] [--only A,B] [--json] [--show N]
 *   npx tsx bench/patterns-accuracy.ts --speed [--lines N] [--runs R]
 *
 * Grouping accuracy (GA): a line is right when its predicted group holds exactly the lines
 * of its true group (EventId). Parsing accuracy (PA): the line's template text equals the
 * ground truth's EventTemplate, whitespace aside. Both use each line's final template:
 * a template that later merged into another counts as the one it merged into, as stored
 * rows do through templates.merged_into.
 *
 * The same figures on loghub's own Content column are printed beside them: what the miner
 * does when the header split is loghub's, so a gap between the two is the format's doing.
 * `--show N` prints up to N mis-grouped true groups per dataset.
 *
 * `--speed`: lines per second of the miner alone on one core, on 1,000,000 (`--lines`)
 * messages of bench/generate.ts's syslog and access (nginx combined) files, each line
 * first parsed by its detected format as ingest does (not timed). Every run starts a
 * fresh miner; the median of `--runs` (5) runs is the figure, by wall clock and by the
 * process's CPU time (the machine may be busy with other work). A bare loop over the
 * same characters is timed too, so figures from different machines can be compared.
 */
import { StringDecoder } from 'node:string_decoder';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectFormat } from '../src/ingest/detect';
import { builtinFormats } from '../src/ingest/formats/load';
import {
  DATASETS,
  groupingAccuracy,
  loghubInput,
  mine,
  parsingAccuracy,
  withoutSpace,
  type Mined,
  type Truth,
} from '../src/ingest/patterns/evaluate';
import { TemplateMiner, type MinerOptions } from '../src/ingest/patterns/miner';
import { generate, type BenchFormat } from './generate';

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

export function runDataset(dir: string, name: string, opts: MinerOptions = {}, onContent = true): DatasetResult {
  const { format, messages, unparsed, truth } = loghubInput(dir, name);
  const diffExamples: { message: string; content: string }[] = [];
  let messageDiffers = 0;
  messages.forEach((m, i) => {
    if (withoutSpace(m) !== withoutSpace(truth.content[i]!)) {
      messageDiffers++;
      if (diffExamples.length < 3) diffExamples.push({ message: m, content: truth.content[i]! });
    }
  });
  const mined = mine(messages, opts);
  const content = onContent ? mine(truth.content, opts) : null;
  return {
    name,
    format,
    lines: messages.length,
    unparsed,
    messageDiffers,
    diffExamples,
    ga: groupingAccuracy(mined.ids, truth.eventId),
    pa: parsingAccuracy(mined.templates, truth.template),
    templates: new Set(mined.ids).size,
    trueTemplates: new Set(truth.eventId).size,
    contentGa: content ? groupingAccuracy(content.ids, truth.eventId) : NaN,
    contentPa: content ? parsingAccuracy(content.templates, truth.template) : NaN,
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
    out.push({
      size: lines.length,
      text: `  ${e} (${lines.length}) ${JSON.stringify(r.truth.template[lines[0]!])}\n${parts.join('\n')}`,
    });
  }
  return out
    .sort((a, b) => b.size - a.size)
    .slice(0, max)
    .map((o) => o.text);
}

/** `count` messages of a generated file, as the detected format reads them. */
export function generatedMessages(
  format: BenchFormat,
  count: number,
  seed = 42,
): { format: string; messages: string[] } {
  const lines: string[] = [];
  const decoder = new StringDecoder('latin1');
  let rest = '';
  // Generous size so the file holds `count` records; only that many are kept.
  generate(format, { seed, size: count * 400 }, (chunk) => {
    if (lines.length >= count) return;
    const parts = (rest + decoder.write(chunk)).split('\n');
    rest = parts.pop()!;
    for (const l of parts) if (l && lines.length < count) lines.push(l);
  });
  const detected = detectFormat(lines.slice(0, 200), builtinFormats());
  return { format: detected.name, messages: lines.map((l) => detected.parse(l)?.message ?? l) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function speed(args: string[]): void {
  const count = args.includes('--lines') ? Number(args[args.indexOf('--lines') + 1]) : 1_000_000;
  const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 5;
  for (const kind of ['syslog', 'access'] as const) {
    const { format, messages } = generatedMessages(kind, count);
    const chars = messages.reduce((n, m) => n + m.length, 0);
    const wall: number[] = [];
    const cpu: number[] = [];
    const bare: number[] = [];
    let stats = '';
    for (let r = 0; r < runs; r++) {
      let t0 = performance.now();
      let spaces = 0;
      for (const m of messages) for (let i = 0; i < m.length; i++) if (m.charCodeAt(i) === 32) spaces++;
      bare.push(((performance.now() - t0) * 1e6) / chars);
      const miner = new TemplateMiner();
      const c0 = process.cpuUsage();
      t0 = performance.now();
      for (let i = 0; i < messages.length; i++) miner.add(messages[i]!);
      const seconds = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(c0);
      wall.push(messages.length / seconds);
      cpu.push(messages.length / ((used.user + used.system) / 1e6));
      const st = miner.stats();
      stats = `${st.templates} templates, ${st.shapes} shapes, ~${(st.memoryBytes / 1024).toFixed(0)} KiB${spaces < 0 ? '' : ''}`;
    }
    const k = (x: number): string => `${Math.round(x / 1000)}k`;
    console.log(
      `${kind.padEnd(7)} (${format}, ${messages.length} messages, ${(chars / messages.length).toFixed(0)} chars avg): ` +
        `median ${k(median(wall))} lines/s wall [${wall.map(k).join(' ')}], ${k(median(cpu))} lines/s CPU time; ` +
        `bare char loop ${median(bare).toFixed(2)} ns/char; ${stats}`,
    );
  }
}

function main(): void {
  const args = process.argv.slice(2);
  if (args.includes('--speed')) return speed(args);
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
  console.log(
    'dataset      detected format           GA %   PA %   templates   msg≠Content   GA %   PA %  (on loghub Content)',
  );
  for (const row of rows) console.log(row);
  console.log(
    `${'mean'.padEnd(34)} ${pct(mean((r) => r.ga))} ${pct(mean((r) => r.pa))}${' '.repeat(26)}${pct(mean((r) => r.contentGa))} ${pct(mean((r) => r.contentPa))}`,
  );
  console.log(`min GA ${pct(Math.min(...results.map((r) => r.ga)))}`);
  for (const r of results) {
    if (r.messageDiffers === 0 && r.unparsed === 0) continue;
    console.log(
      `\n${r.name}: ${r.messageDiffers} messages differ from Content, ${r.unparsed} lines not parsed by ${r.format}`,
    );
    for (const d of r.diffExamples)
      console.log(`  message ${JSON.stringify(d.message)}\n  Content ${JSON.stringify(d.content)}`);
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
