/**
 * Classification per pattern, not per line: a template (the miner's id and text) is
 * classified once when it appears and again when its text changes; every record of it then
 * costs a Map lookup (`get`, `severityFor`). People's corrections (overrides) sit on top of
 * the models' answers and win at once.
 */
import { isLevel, type Level } from '../../shared/levels';
import { featurize, padBatch } from './features';
import { isCategory, type Category } from './labels';
import type { LoadedModel, ModelRuntime } from './runtime';

export interface TemplateClass {
  category: Category | null;
  /** The model's probability for its category (1 for a person's override). */
  confidence: number | null;
  /** The inferred severity, for records whose source gave no level. */
  severity: Level | null;
  severityConfidence: number | null;
  source: 'model' | 'override';
}

export interface TemplateOverride {
  category: Category | null;
  severity: Level | null;
}

export interface TemplateText {
  id: number;
  text: string;
}

const BATCH = 256;

export class TemplateClassifier {
  private readonly cache = new Map<number, TemplateClass>();
  private readonly overrides = new Map<number, TemplateOverride>();

  constructor(private runtime: ModelRuntime | null) {}

  /** Use these models from now on (the engine loads them after it starts). */
  attach(runtime: ModelRuntime): void {
    this.runtime = runtime;
  }

  private get category(): LoadedModel | null {
    return this.runtime?.model('category') ?? null;
  }

  private get severity(): LoadedModel | null {
    return this.runtime?.model('severity') ?? null;
  }

  /** True when at least one model is loaded. */
  get available(): boolean {
    return this.category !== null || this.severity !== null;
  }

  /** Model answers for texts, in order, without touching the cache. */
  async classifyTexts(texts: string[]): Promise<Array<Omit<TemplateClass, 'source'>>> {
    const out: Array<Omit<TemplateClass, 'source'>> = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      const chunk = texts.slice(i, i + BATCH);
      const batch = padBatch(chunk.map((t) => featurize(t)));
      const [cats, sevs] = await Promise.all([runOrNull(this.category, batch), runOrNull(this.severity, batch)]);
      chunk.forEach((_, k) => {
        const c = top(this.category, cats?.[k] ?? null);
        const s = top(this.severity, sevs?.[k] ?? null);
        out.push({
          category: c && isCategory(c.label) ? c.label : null,
          confidence: c?.p ?? null,
          severity: s && isLevel(s.label) ? s.label : null,
          severityConfidence: s?.p ?? null,
        });
      });
    }
    return out;
  }

  /** Classify templates and remember the answers by id; returns what `get` now gives. */
  async classifyTemplates(items: TemplateText[]): Promise<Map<number, TemplateClass>> {
    const answers = await this.classifyTexts(items.map((t) => t.text));
    const out = new Map<number, TemplateClass>();
    items.forEach((t, i) => {
      this.cache.set(t.id, { ...answers[i]!, source: 'model' });
      out.set(t.id, this.get(t.id)!);
    });
    return out;
  }

  /** Put a known answer in the cache (read back from the store at start). */
  remember(id: number, cls: Omit<TemplateClass, 'source'>): void {
    this.cache.set(id, { ...cls, source: 'model' });
  }

  has(id: number): boolean {
    return this.cache.has(id);
  }

  forget(id: number): void {
    this.cache.delete(id);
  }

  /** The template's class, a person's override applied; undefined when never classified. */
  get(id: number): TemplateClass | undefined {
    const model = this.cache.get(id);
    const o = this.overrides.get(id);
    if (!o) return model;
    const base = model ?? { category: null, confidence: null, severity: null, severityConfidence: null, source: 'model' as const };
    return {
      category: o.category ?? base.category,
      confidence: o.category ? 1 : base.confidence,
      severity: o.severity ?? base.severity,
      severityConfidence: o.severity ? 1 : base.severityConfidence,
      source: 'override',
    };
  }

  /** The severity for a record of this template whose source gave no level. */
  severityFor(id: number | null | undefined): Level | null {
    return id === null || id === undefined ? null : (this.get(id)?.severity ?? null);
  }

  categoryFor(id: number | null | undefined): Category | null {
    return id === null || id === undefined ? null : (this.get(id)?.category ?? null);
  }

  setOverride(id: number, o: TemplateOverride | null): void {
    if (!o || (!o.category && !o.severity)) this.overrides.delete(id);
    else this.overrides.set(id, o);
  }

  override(id: number): TemplateOverride | null {
    return this.overrides.get(id) ?? null;
  }

  get size(): number {
    return this.cache.size;
  }
}

async function runOrNull(model: LoadedModel | null, batch: Parameters<LoadedModel['run']>[0]) {
  return model ? model.run(batch) : null;
}

function top(model: LoadedModel | null, probs: Float32Array | null): { label: string; p: number } | null {
  if (!model || !probs) return null;
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[best]!) best = i;
  return { label: model.labels[best]!, p: probs[best]! };
}
