import { Rng } from './rng';

/**
 * Several days of logs from a few services, with an hour-of-day rhythm and noise, and
 * incidents injected at seeded times: an error burst, a source going silent, a new pattern,
 * a parameter drifting. The evaluation (eval.ts) runs the detectors over it and checks they
 * find each incident; the train script fits the shipped default model on it.
 *
 * Deterministic: the same seed and days give the same records.
 */

export interface GeneratedRecord {
  ts: number;
  source: string;
  pattern: number;
  /** Level code (src/shared/levels.ts): 3 info, 5 warn, 6 error. */
  level: number;
  params: string[];
}

export type IncidentKind = 'error-burst' | 'silence' | 'new-pattern' | 'param-drift';

export interface Incident {
  kind: IncidentKind;
  start: number;
  end: number;
  source: string;
  /** The pattern it is about; null for a whole source. */
  pattern: number | null;
}

export interface GeneratedLogs {
  seed: number;
  days: number;
  start: number;
  end: number;
  records: GeneratedRecord[];
  templates: Map<number, string>;
  incidents: Incident[];
}

interface PatternSpec {
  id: number;
  source: string;
  template: string;
  level: number;
  /** Records per minute at the daily mean. */
  rate: number;
  /** Parameters: an id (wide, uniform) and a latency (log-normal around `latency` ms), as the template has them. */
  params: ('id' | 'latency' | 'word')[];
  latency?: number;
}

const START = Date.UTC(2024, 2, 4); // a Monday, 00:00 UTC
const MINUTE = 60_000;
const DAY = 86_400_000;
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'kappa'];

/** The baseline patterns: four services, a few busy patterns each, a warning and a rare error. */
const PATTERNS: PatternSpec[] = [
  { id: 1, source: 'api', template: 'GET /api/items/<*> 200 in <*> ms', level: 3, rate: 6, params: ['id', 'latency'], latency: 35 },
  { id: 2, source: 'api', template: 'POST /api/orders/<*> 201 in <*> ms', level: 3, rate: 2, params: ['id', 'latency'], latency: 80 },
  { id: 3, source: 'api', template: 'GET /health 200', level: 3, rate: 1, params: [] },
  { id: 4, source: 'api', template: 'slow request /api/search took <*> ms', level: 5, rate: 0.15, params: ['latency'], latency: 1200 },
  { id: 5, source: 'api', template: 'upstream <*> returned 502', level: 6, rate: 0.04, params: ['word'] },
  { id: 11, source: 'db', template: 'query on <*> took <*> ms', level: 3, rate: 4, params: ['word', 'latency'], latency: 12 },
  { id: 12, source: 'db', template: 'checkpoint complete: wrote <*> buffers', level: 3, rate: 0.2, params: ['id'] },
  { id: 13, source: 'db', template: 'connection from <*> accepted', level: 3, rate: 1.5, params: ['id'] },
  { id: 14, source: 'db', template: 'could not obtain lock on relation <*>', level: 6, rate: 0.05, params: ['id'] },
  { id: 21, source: 'worker', template: 'job <*> done in <*> ms', level: 3, rate: 3, params: ['id', 'latency'], latency: 400 },
  { id: 22, source: 'worker', template: 'picked up job <*> from queue <*>', level: 3, rate: 3, params: ['id', 'word'] },
  { id: 23, source: 'worker', template: 'retrying job <*> after error', level: 5, rate: 0.2, params: ['id'] },
  { id: 24, source: 'worker', template: 'job <*> failed: timeout', level: 6, rate: 0.05, params: ['id'] },
  { id: 31, source: 'auth', template: 'user <*> logged in', level: 3, rate: 2, params: ['id'] },
  { id: 32, source: 'auth', template: 'token refreshed for user <*> in <*> ms', level: 3, rate: 2.5, params: ['id', 'latency'], latency: 20 },
  { id: 33, source: 'auth', template: 'invalid password for user <*>', level: 5, rate: 0.3, params: ['id'] },
  { id: 34, source: 'auth', template: 'account <*> locked', level: 6, rate: 0.03, params: ['id'] },
];

const NEW_PATTERN = { id: 900, template: 'panic: nil pointer dereference in handler <*>', level: 7 };

/** 0.3 at night to 1.7 mid-afternoon: a working day's rhythm, mean 1. */
function rhythm(ts: number): number {
  const hour = ((ts - START) % DAY) / 3_600_000;
  return 1 + 0.7 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
}

export interface GenerateOptions {
  /** Inject the four incidents (on the last days; needs days ≥ 4). Default true. */
  incidents?: boolean;
  /** Scale every rate (the train script and benchmarks use more records). Default 1. */
  volume?: number;
}

export function generateLogs(seed: number, days: number, opts: GenerateOptions = {}): GeneratedLogs {
  if (!(days >= 1)) throw new Error('generateLogs: days must be at least 1');
  const rng = new Rng(`anomaly-generate:${seed}`);
  const volume = opts.volume ?? 1;
  const end = START + days * DAY;
  const templates = new Map<number, string>(PATTERNS.map((p) => [p.id, p.template]));
  const incidents: Incident[] = [];
  if (opts.incidents ?? true) {
    if (days < 4) throw new Error('generateLogs: incidents need at least 4 days (3 of baseline)');
    // One incident per slot, in random order, in the days after the third; slots keep them apart.
    const kinds: IncidentKind[] = ['error-burst', 'silence', 'new-pattern', 'param-drift'];
    const first = START + 3 * DAY;
    const slot = (end - first) / kinds.length;
    const order = [...kinds];
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    order.forEach((kind, k) => {
      // Start on a minute somewhere in the first 60 % of the slot (incidents last ≤ 2 h).
      const start = first + k * slot + Math.floor((rng.next() * 0.6 * slot) / MINUTE) * MINUTE;
      if (kind === 'error-burst') {
        const p = rng.pick(PATTERNS.filter((s) => s.level === 6));
        incidents.push({ kind, start, end: start + 40 * MINUTE, source: p.source, pattern: p.id });
      } else if (kind === 'silence') {
        const source = rng.pick(['api', 'db', 'worker', 'auth']);
        incidents.push({ kind, start, end: start + 90 * MINUTE, source, pattern: null });
      } else if (kind === 'new-pattern') {
        const source = rng.pick(['api', 'worker']);
        templates.set(NEW_PATTERN.id, NEW_PATTERN.template);
        incidents.push({ kind, start, end: start + 30 * MINUTE, source, pattern: NEW_PATTERN.id });
      } else {
        const p = rng.pick(PATTERNS.filter((s) => s.latency && s.rate >= 2));
        incidents.push({ kind, start, end: start + 120 * MINUTE, source: p.source, pattern: p.id });
      }
    });
  }

  const records: GeneratedRecord[] = [];
  const param = (kind: 'id' | 'latency' | 'word', latency: number) =>
    kind === 'id' ? String(1 + rng.int(100_000)) : kind === 'word' ? rng.pick(WORDS) : String(Math.round(latency * Math.exp(0.35 * rng.normal())));
  // Per pattern, a slowly wandering level (overdispersion): real traffic is not Poisson.
  const wander = new Map<number, number>(PATTERNS.map((p) => [p.id, 0]));
  for (let t = START; t < end; t += MINUTE) {
    const r = rhythm(t);
    for (const p of PATTERNS) {
      const w = 0.9 * wander.get(p.id)! + 0.1 * 0.3 * rng.normal();
      wander.set(p.id, w);
      let rate = p.rate * r * Math.exp(w) * volume;
      let latency = p.latency ?? 0;
      let silent = false;
      for (const inc of incidents) {
        if (t < inc.start || t >= inc.end) continue;
        if (inc.kind === 'silence' && inc.source === p.source) silent = true;
        if (inc.kind === 'error-burst' && inc.pattern === p.id) rate = rate * 30 + 3 * volume;
        if (inc.kind === 'param-drift' && inc.pattern === p.id) {
          // Ramps up over 30 minutes to 8× the usual latency, then stays there.
          latency *= 1 + 7 * Math.min(1, (t - inc.start) / (30 * MINUTE));
        }
      }
      if (silent) continue;
      const k = rng.poisson(rate);
      for (let j = 0; j < k; j++) {
        records.push({
          ts: t + rng.int(MINUTE),
          source: p.source,
          pattern: p.id,
          level: p.level,
          params: p.params.map((kind) => param(kind, latency)),
        });
      }
    }
    for (const inc of incidents) {
      if (inc.kind !== 'new-pattern' || t < inc.start || t >= inc.end) continue;
      const k = rng.poisson(1.5 * volume);
      for (let j = 0; j < k; j++) {
        records.push({ ts: t + rng.int(MINUTE), source: inc.source, pattern: NEW_PATTERN.id, level: NEW_PATTERN.level, params: [String(rng.int(50))] });
      }
    }
  }
  records.sort((a, b) => a.ts - b.ts);
  return { seed, days, start: START, end, records, templates, incidents };
}
