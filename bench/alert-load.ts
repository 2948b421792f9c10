/**
 * The load of the alerts ingest figure (bench/alerts.ts): NDJSON-shaped records over a few
 * hosts and services, and 500 rules of the shapes people write (level bounds, words,
 * host:/service: values, OR and NOT, groupBy host, p95 aggregates). Seeded: the same every run.
 */
import type { IngestRecord } from '../src/ingest/record';
import { mulberry32 } from './prng';

export const RULES = 500;
export const HOSTS = Array.from({ length: 24 }, (_, i) => `web${i + 1}`);
export const SERVICES = ['api', 'billing', 'auth', 'search', 'worker', 'gateway', 'cart', 'mailer'];
const LEVELS = ['info', 'info', 'info', 'info', 'info', 'debug', 'debug', 'warn', 'error'] as const;
const WORDS = ['timeout', 'refused', 'disk full', 'out of memory', 'deadlock', 'retrying', 'slow query', 'payment failed', 'unauthorized', 'cache miss'];


export function makeRecords(n: number, seed: number): IngestRecord[] {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const level = pick(LEVELS);
    const word = r() < 0.3 ? pick(WORDS) : null;
    const status = r() < 0.05 ? 500 + Math.floor(r() * 4) : 200;
    return {
      ts: null,
      level,
      host: pick(HOSTS),
      app: null,
      message: word ? `request ${i} ${word} after ${Math.floor(r() * 900)} ms` : `GET /api/items/${Math.floor(r() * 1e5)} ${status} in ${Math.floor(r() * 300)} ms`,
      fields: { service: pick(SERVICES), status, duration_ms: Math.floor(r() * 3000) / 10 },
      format: 'ndjson',
      line: i + 1,
      parseError: null,
    };
  });
}

/** 500 rules of the shapes people write: level bounds, words, host:/service: values, groupBy host. */
export function ruleSet(): Record<string, unknown>[] {
  const r = mulberry32(500);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const q = (w: string) => (w.includes(' ') ? `"${w}"` : w);
  return Array.from({ length: RULES }, (_, i) => {
    const shape = i % 8;
    const base = { name: `rule ${i}`, kind: 'threshold', window: pick(['1m', '5m', '10m']), above: 100_000 };
    switch (shape) {
      case 0: return { ...base, query: `level>=warn host:${pick(HOSTS)}` };
      case 1: return { ...base, query: `level>=error service:${pick(SERVICES)} ${q(pick(WORDS))}`, groupBy: ['host'] };
      case 2: return { ...base, query: `${q(pick(WORDS))} host:${pick(HOSTS)}` };
      case 3: return { ...base, query: `level:error service:${pick(SERVICES)}`, groupBy: ['host'] };
      case 4: return { ...base, query: `status>=500 service:${pick(SERVICES)} host:${pick(HOSTS)}` };
      case 5: return { ...base, query: `level>=warn (host:${pick(HOSTS)} OR host:${pick(HOSTS)})` };
      case 6: return { ...base, query: `level>=error NOT service:${pick(SERVICES)} ${q(pick(WORDS))}`, groupBy: ['host'] };
      default: return { ...base, kind: 'aggregate', fn: 'p95', field: 'duration_ms', query: `service:${pick(SERVICES)} host:${pick(HOSTS)}` };
    }
  });
}

