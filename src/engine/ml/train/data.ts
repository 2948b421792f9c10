/**
 * The training rows, from models/data:
 * - loghub/templates.jsonl — every Loghub sample template with a hand-made category and
 *   the levels its lines carried (import-loghub.ts builds it);
 * - written/*.txt — lines written for this project across systems not in Loghub, one per
 *   line as `category severity | text` (severity `-` when the line has no typical level),
 *   `@system NAME` naming the system of the lines after it, `@dataset NAME` marking lines
 *   that copy a Loghub set (left out with that set in leave-one-dataset-out), `#` comments,
 *   `\n` inside a text for a multi-line record;
 * - overrides.jsonl (optional) and any files given with --overrides — people's corrections
 *   exported by the engine (`{"template", "category", "severity"}` per line).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isLevel, type Level } from '../../../shared/levels';
import { isCategory, type Category } from '../labels';

export interface TrainRow {
  text: string;
  category: Category | null;
  severity: Level | null;
  source: 'loghub' | 'written' | 'override';
  /** The Loghub dataset the row comes from or copies; null for the rest. */
  dataset: string | null;
  /** Where it came from: `loghub:HDFS:E5`, `written/database.txt:12`, `override:…`. */
  ref: string;
  system: string | null;
  /** Loghub rows: how many of the sample's lines the template has (the severity model weighs by it). */
  lines?: number;
}

const loghubRow = z.object({
  dataset: z.string(),
  eventId: z.string(),
  template: z.string(),
  category: z.string().refine(isCategory, 'unknown category'),
  lines: z.number().int(),
  levels: z.record(z.string(), z.number()),
});

const overrideRow = z.object({
  template: z.string(),
  category: z.string().refine(isCategory, 'unknown category').nullable().optional(),
  severity: z.string().refine(isLevel, 'unknown level').nullable().optional(),
});

function jsonLines<T>(file: string, schema: z.ZodType<T>): Array<{ value: T; line: number }> {
  const out: Array<{ value: T; line: number }> = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (!text.trim()) return;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw new Error(`${file}:${i + 1}: not JSON (${(err as Error).message})`);
      }
      const r = schema.safeParse(json);
      if (!r.success) throw new Error(`${file}:${i + 1}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      out.push({ value: r.data, line: i + 1 });
    });
  return out;
}

/** The majority level of a template's lines (ties: the more severe). */
function majorityLevel(levels: Record<string, number>): Level | null {
  let best: Level | null = null;
  let n = 0;
  for (const [k, v] of Object.entries(levels)) {
    if (!isLevel(k)) continue;
    if (v > n || (v === n && best !== null && k > best)) [best, n] = [k, v];
  }
  return best;
}

export function readLoghubRows(file: string): TrainRow[] {
  return jsonLines(file, loghubRow).map(({ value: r }) => ({
    text: r.template,
    category: r.category as Category,
    severity: majorityLevel(r.levels),
    source: 'loghub',
    dataset: r.dataset,
    ref: `loghub:${r.dataset}:${r.eventId}`,
    system: r.dataset,
    lines: r.lines,
  }));
}

export function readWrittenFile(file: string, name: string): TrainRow[] {
  const rows: TrainRow[] = [];
  let system: string | null = null;
  let dataset: string | null = null;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const where = `${name}:${i + 1}`;
      if (!line.trim() || line.startsWith('#')) return;
      if (line.startsWith('@system ')) {
        system = line.slice(8).trim();
        dataset = null;
        return;
      }
      if (line.startsWith('@dataset ')) {
        dataset = line.slice(9).trim() || null;
        return;
      }
      const bar = line.indexOf(' | ');
      const m = bar > 0 ? /^([a-z]+) +([a-z-]+)$/.exec(line.slice(0, bar).trim()) : null;
      if (!m) throw new Error(`${where}: expected "category severity | text"`);
      const [, category, severity] = m;
      if (!isCategory(category!)) throw new Error(`${where}: unknown category "${category}"`);
      if (severity !== '-' && !isLevel(severity!)) throw new Error(`${where}: unknown severity "${severity}"`);
      const text = line.slice(bar + 3).replace(/\\n/g, '\n').replace(/\\t/g, '\t');
      if (!text.trim()) throw new Error(`${where}: empty text`);
      rows.push({ text, category: category!, severity: severity === '-' ? null : (severity as Level), source: 'written', dataset, ref: where, system });
    });
  return rows;
}

export function readWrittenDir(dir: string): TrainRow[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .flatMap((f) => readWrittenFile(join(dir, f), `written/${f}`));
}

export function readOverrides(file: string): TrainRow[] {
  return jsonLines(file, overrideRow).map(({ value: r, line }) => ({
    text: r.template,
    category: (r.category ?? null) as Category | null,
    severity: (r.severity ?? null) as Level | null,
    source: 'override',
    dataset: null,
    ref: `override:${file}:${line}`,
    system: null,
  }));
}

/** Everything in a data folder, plus extra override files. Order is fixed (sorted files). */
export function loadTrainingRows(dataDir: string, overrideFiles: string[] = []): TrainRow[] {
  const rows = [...readLoghubRows(join(dataDir, 'loghub', 'templates.jsonl')), ...readWrittenDir(join(dataDir, 'written'))];
  const own = join(dataDir, 'overrides.jsonl');
  for (const f of [...(existsSync(own) ? [own] : []), ...overrideFiles]) rows.push(...readOverrides(f));
  return rows;
}
