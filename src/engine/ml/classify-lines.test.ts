/**
 * The shipped models (models/*.onnx, trained by `npm run train`) on a few clear lines per
 * category, from systems the training data names only in passing. A failure here means a
 * retrained model lost something obvious.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateClassifier } from './classifier';
import type { Category } from './labels';
import { MODEL_SPECS } from './ml-service';
import { defaultModelsDir } from './models-dir';
import { ModelRuntime } from './runtime';

const CLEAR: Record<Category, string[]> = {
  security: ['Failed password for invalid user oracle from 203.0.113.8 port 40122 ssh2', 'pam_unix(sudo:session): session opened for user root by bob(uid=1000)'],
  hardware: ['mce: [Hardware Error]: CPU 2: Machine Check Exception: 4 Bank 5: b200000000070005', 'usb 3-2: new SuperSpeed USB device number 3 using xhci_hcd'],
  storage: ['EXT4-fs error (device nvme0n1p2): ext4_journal_check_start:83: Detected aborted journal', 'No space left on device while writing /var/lib/app/data.db'],
  database: ['ERROR:  duplicate key value violates unique constraint "accounts_pkey"', 'Deadlock found when trying to get lock; try restarting transaction'],
  network: ['connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.1.1', 'dial tcp 10.0.0.9:443: i/o timeout'],
  resource: ['java.lang.OutOfMemoryError: Java heap space', 'Out of memory: Killed process 812 (python3) total-vm:4123456kB'],
  performance: ['Slow query: took 5230 ms to fetch 12 rows', 'Processed 50000 records in 3.2s (15625 records/s)'],
  application: ['Traceback (most recent call last):\n  File "app.py", line 3, in <module>\nZeroDivisionError: division by zero', 'panic: runtime error: invalid memory address or nil pointer dereference'],
  access: ['192.0.2.10 - - [10/Apr/2024:08:00:00 +0000] "GET /products/12 HTTP/1.1" 200 1043 "-" "Mozilla/5.0"', 'POST /api/orders 201 18.201 ms - 64'],
  lifecycle: ['Scheduler started with 4 workers', 'Stopping Docker Application Container Engine...'],
  other: ['User 1203 added product 88 to wishlist', 'onResume called for SettingsActivity'],
};

let runtime: ModelRuntime;
beforeAll(async () => {
  runtime = await ModelRuntime.load(defaultModelsDir(), MODEL_SPECS);
});
afterAll(() => runtime.close());

describe('the shipped models', () => {
  it('are present, intact and loaded', () => {
    expect(runtime.status().map((s) => [s.name, s.state, s.reason])).toEqual([
      ['category', 'ready', null],
      ['severity', 'ready', null],
    ]);
  });

  it('classify clear lines of every category', async () => {
    const classifier = new TemplateClassifier(runtime);
    const cases = Object.entries(CLEAR).flatMap(([category, lines]) => lines.map((line) => ({ category, line })));
    const answers = await classifier.classifyTexts(cases.map((c) => c.line));
    const wrong = cases.filter((c, i) => answers[i]!.category !== c.category).map((c, i) => `${c.category}: ${c.line} → ${answers[cases.indexOf(c)]!.category} (${i})`);
    expect(wrong).toEqual([]);
  });

  it('infer the severity of clear lines', async () => {
    const classifier = new TemplateClassifier(runtime);
    const [err, info] = await classifier.classifyTexts([
      'java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null',
      'Started nginx.service - A high performance web server and a reverse proxy server.',
    ]);
    expect(err!.severity).toBe('error');
    expect(info!.severity).toBe('info');
    for (const a of [err!, info!]) expect(a.severityConfidence).toBeGreaterThan(0);
  });
});
