/**
 * Rebuilds models/data/loghub/templates.jsonl from Loghub's samples and the hand-made
 * labels (models/data/loghub/labels.tsv): one row per template with its category, its
 * line count and the levels its lines carried. Every template must be labelled exactly
 * once with a known category; anything else is an error naming the template.
 *
 *   npx tsx src/engine/ml/train/import-loghub.ts [LOGHUB_DIR]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDatasets, readLabelTable, readLoghubDataset } from '../eval/loghub';
import { isCategory } from '../labels';
import { DATA_DIR, LOGHUB_DIR } from './paths';

export interface LoghubTemplateRow {
  dataset: string;
  eventId: string;
  template: string;
  category: string;
  lines: number;
  levels: Record<string, number>;
}

export function importLoghub(root: string, labelsFile: string): LoghubTemplateRow[] {
  const labels = readLabelTable(labelsFile);
  const used = new Set<string>();
  const rows: LoghubTemplateRow[] = [];
  for (const dataset of listDatasets(root)) {
    const byId = new Map<string, LoghubTemplateRow>();
    for (const line of readLoghubDataset(join(root, dataset), dataset)) {
      const key = `${dataset}:${line.eventId}`;
      let row = byId.get(line.eventId);
      if (!row) {
        const category = labels.get(key);
        if (!category) throw new Error(`${labelsFile}: no label for ${key} (${line.template})`);
        if (!isCategory(category)) throw new Error(`${labelsFile}: ${key} has unknown category "${category}"`);
        used.add(key);
        row = { dataset, eventId: line.eventId, template: line.template, category, lines: 0, levels: {} };
        byId.set(line.eventId, row);
      }
      row.lines++;
      if (line.level) row.levels[line.level] = (row.levels[line.level] ?? 0) + 1;
    }
    rows.push(...[...byId.values()].sort((a, b) => Number(a.eventId.slice(1)) - Number(b.eventId.slice(1))));
  }
  const stale = [...labels.keys()].filter((k) => !used.has(k));
  if (stale.length) throw new Error(`${labelsFile}: labels for templates that do not exist: ${stale.join(', ')}`);
  return rows;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)) {
  const root = process.argv[2] ?? LOGHUB_DIR;
  const rows = importLoghub(root, join(DATA_DIR, 'loghub', 'labels.tsv'));
  writeFileSync(join(DATA_DIR, 'loghub', 'templates.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  console.log(`${rows.length} templates from ${new Set(rows.map((r) => r.dataset)).size} datasets`);
}
