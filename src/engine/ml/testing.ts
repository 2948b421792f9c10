/** Test helpers: tiny models trained in a moment, written where a test wants them. */
import { buildModel, writeModel } from './train/build';
import type { TrainRow } from './train/data';
import { DEFAULT_TASK_OPTIONS, FeatureCache } from './train/tasks';

const row = (text: string, category: TrainRow['category'], severity: TrainRow['severity']): TrainRow => ({
  text,
  category,
  severity,
  source: 'written',
  dataset: null,
  ref: 'test',
  system: null,
});

export const TINY_ROWS: TrainRow[] = [
  row('Failed password for root from 10.0.0.1 port 22 ssh2', 'security', 'warn'),
  row('Accepted publickey for deploy from 10.0.0.2 port 51234 ssh2', 'security', 'info'),
  row('CPU3 temperature above threshold, cpu clock throttled', 'hardware', 'warn'),
  row('EXT4-fs error (device sda1): reading directory block', 'storage', 'error'),
  row('ERROR: deadlock detected while waiting for lock on table orders', 'database', 'error'),
  row('connect() failed (111: Connection refused) while connecting to upstream', 'network', 'error'),
  row('java.lang.OutOfMemoryError: Java heap space', 'resource', 'error'),
  row('Slow request: GET /api/search took 4.2s', 'performance', 'warn'),
  row('java.lang.NullPointerException at com.acme.Service.run', 'application', 'error'),
  row('10.0.0.1 - - [02/Mar/2024:10:00:01 +0000] "GET /index.html HTTP/1.1" 200 512', 'access', 'info'),
  row('Started nginx.service - A high performance web server', 'lifecycle', 'info'),
  row('User 42 added item 7 to cart', 'other', 'debug'),
];

export const TINY_OPTIONS = { ...DEFAULT_TASK_OPTIONS, train: { ...DEFAULT_TASK_OPTIONS.train, epochs: 30, learningRate: 0.3 } };

/** Train and write tiny category and severity models (with cards) into `dir`. */
export function writeTinyModels(dir: string, rows: TrainRow[] = TINY_ROWS): void {
  const cache = new FeatureCache(TINY_OPTIONS.features);
  for (const task of ['category', 'severity'] as const) writeModel(dir, buildModel(task, rows, [], TINY_OPTIONS, cache));
}
