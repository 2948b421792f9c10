/**
 * Reading log sets in Loghub's layout: a folder `<Name>/` holding
 * `<Name>_2k.log_structured.csv` (LineId, header fields, Content, EventId, EventTemplate;
 * a `Level` column where the system wrote one) — or any `*_structured.csv`. Category labels
 * come from a `Category` column when the file has one, or from a labels table
 * (models/data/loghub/labels.tsv style) keyed by dataset and EventId.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { normalizeLevel, type Level } from '../../../shared/levels';
import { parseCsv } from '../../../ingest/patterns/evaluate';

export interface LoghubLine {
  dataset: string;
  lineId: number;
  content: string;
  eventId: string;
  template: string;
  /** The level the system wrote, on the project's scale; null when the set has none. */
  level: Level | null;
  /** A `Category` column's value, when the file carries one. */
  category: string | null;
}


/** Loghub's level words (Android's single letters, Apache's `notice`) on the project's scale. */
export function loghubLevel(word: string | undefined): Level | null {
  if (!word) return null;
  return normalizeLevel(word.trim());
}

/** The structured CSV of a dataset folder, or null when it has none. */
export function structuredFile(dir: string): string | null {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return null;
  const files = readdirSync(dir).filter((f) => f.endsWith('_structured.csv')).sort();
  return files.length ? join(dir, files[0]!) : null;
}

export function readLoghubDataset(dir: string, dataset = basename(dir)): LoghubLine[] {
  const file = structuredFile(dir);
  if (!file) throw new Error(`${dir}: no *_structured.csv file (Loghub layout: <Name>/<Name>_2k.log_structured.csv)`);
  const rows = parseCsv(readFileSync(file, 'utf8'));
  const header = rows.shift();
  if (!header) throw new Error(`${file}: empty`);
  const col = (name: string) => header.indexOf(name);
  const [content, eventId, template, level, lineId, category] = ['Content', 'EventId', 'EventTemplate', 'Level', 'LineId', 'Category'].map(col);
  if (content! < 0 || eventId! < 0) throw new Error(`${file}: needs Content and EventId columns (has ${header.join(', ')})`);
  const out: LoghubLine[] = [];
  rows.forEach((r, i) => {
    if (r.length < header.length) return; // a trailing blank line
    out.push({
      dataset,
      lineId: lineId! >= 0 ? Number(r[lineId!]) : i + 1,
      content: r[content!]!,
      eventId: r[eventId!]!,
      template: template! >= 0 ? r[template!]! : r[content!]!,
      level: level! >= 0 ? loghubLevel(r[level!]) : null,
      category: category! >= 0 ? r[category!]! || null : null,
    });
  });
  return out;
}

/** The dataset folders under a Loghub root (those holding a structured CSV), by name. */
export function listDatasets(root: string): string[] {
  return readdirSync(root)
    .filter((d) => structuredFile(join(root, d)) !== null)
    .sort();
}

/** `labels.tsv`: dataset, event ids (`E1,E3-E9`), category; `#` comments. */
export function readLabelTable(file: string): Map<string, string> {
  const out = new Map<string, string>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, n) => {
      if (!line.trim() || line.startsWith('#')) return;
      const [dataset, ids, category] = line.split('\t');
      if (!dataset || !ids || !category) throw new Error(`${file}:${n + 1}: expected dataset<TAB>ids<TAB>category`);
      for (const part of ids.split(',')) {
        const m = /^E(\d+)(?:-E(\d+))?$/.exec(part.trim());
        if (!m) throw new Error(`${file}:${n + 1}: bad event id "${part}"`);
        for (let k = Number(m[1]); k <= Number(m[2] ?? m[1]); k++) {
          const key = `${dataset}:E${k}`;
          if (out.has(key)) throw new Error(`${file}:${n + 1}: ${key} labelled twice (${out.get(key)} and ${category})`);
          out.set(key, category.trim());
        }
      }
    });
  return out;
}
