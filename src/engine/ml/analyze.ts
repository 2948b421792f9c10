/**
 * Classify the records of files without storing them (`logscope analyze`): each file read,
 * its format detected and its records assembled exactly as import does, every message
 * through one template miner, and each pattern — as it stands at the end of the run —
 * classified once by the models. A record then gets its pattern's category, and its
 * severity: its own level, or its pattern's inferred one when the line gave none.
 *
 * Memory per record is a few numbers (typed arrays), so large files fit; the output is
 * produced at the end, when every pattern has its final text.
 */
import { stat } from 'node:fs/promises';
import { TemplateMiner, type TemplateChange } from '../../ingest/patterns/miner';
import { assembleRecords } from '../../ingest/pipeline';
import { readLines } from '../../ingest/sources/file-lines';
import { levelCode, levelFromCode, type Level } from '../../shared/levels';
import { TemplateClassifier, type TemplateClass } from './classifier';
import { MODEL_SPECS } from './ml-service';
import { ModelRuntime, type ModelStatus } from './runtime';

export interface AnalyzedRecord {
  file: string;
  /** First line of the record in its file, from 1. */
  line: number;
  pattern: number;
  template: string;
  /** The level the line carried (null: none). */
  level: Level | null;
  /** Effective severity: the level, or the pattern's inferred one. */
  severity: Level | null;
  severityInferred: boolean;
  category: TemplateClass['category'];
  confidence: number | null;
}

export interface AnalyzedFile {
  path: string;
  format: string | null;
  records: number;
  error: string | null;
  warnings: string[];
}

export interface AnalyzeResult {
  files: AnalyzedFile[];
  models: ModelStatus[];
  /** Records in input order (file by file). */
  records(): Generator<AnalyzedRecord>;
}

class Column {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

export async function analyzeFiles(paths: string[], opts: { modelsDir: string | null; defaultZone?: string }): Promise<AnalyzeResult> {
  const survivor = new Map<number, number>();
  const miner = new TemplateMiner({ onChange: (c: TemplateChange) => c.kind === 'merged' && survivor.set(c.from, c.into) });
  const live = (id: number): number => {
    for (let next = survivor.get(id); next !== undefined; next = survivor.get(id)) id = next;
    return id;
  };
  const files: AnalyzedFile[] = [];
  const fileOf = new Column();
  const lines = new Column();
  const ids = new Column();
  const levels = new Column();
  const lastText = new Map<number, string>();
  for (const path of paths) {
    const f: AnalyzedFile = { path, format: null, records: 0, error: null, warnings: [] };
    files.push(f);
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new Error('not a regular file');
      const chunks = readLines(path, { onWarning: (w) => f.warnings.push(w) });
      const time = { defaultZone: opts.defaultZone ?? 'local', referenceMs: st.mtimeMs };
      for await (const batch of assembleRecords(chunks, { time, onFormat: (name) => (f.format = name) })) {
        for (const r of batch.records) {
          const m = miner.add(r.message);
          lastText.set(m.id, m.template);
          fileOf.push(files.length - 1);
          lines.push(r.line);
          ids.push(m.id);
          levels.push(levelCode(r.level));
          f.records++;
        }
      }
    } catch (err) {
      f.error = (err as Error).message;
    }
  }
  const text = (id: number) => miner.get(id)?.template ?? lastText.get(id) ?? '';
  const runtime = await ModelRuntime.load(opts.modelsDir, MODEL_SPECS);
  const classifier = new TemplateClassifier(runtime);
  const distinct = new Set<number>();
  for (let i = 0; i < ids.length; i++) distinct.add(live(ids.data[i]!));
  await classifier.classifyTemplates([...distinct].map((id) => ({ id, text: text(id) })));
  await runtime.close();
  return {
    files,
    models: runtime.status(),
    *records() {
      for (let i = 0; i < ids.length; i++) {
        const id = live(ids.data[i]!);
        const cls = classifier.get(id);
        const level = levelFromCode(levels.data[i]!);
        const inferred = level === null && (cls?.severity ?? null) !== null;
        yield {
          file: files[fileOf.data[i]!]!.path,
          line: lines.data[i]!,
          pattern: id,
          template: text(id),
          level,
          severity: level ?? cls?.severity ?? null,
          severityInferred: inferred,
          category: cls?.category ?? null,
          confidence: cls?.confidence ?? null,
        };
      }
    },
  };
}
