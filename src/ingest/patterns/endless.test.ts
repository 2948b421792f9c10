/**
 * An endless stream in small: memory levels off. The miner's own estimate is checked in
 * bounds.test.ts; here the real heap, after full collections, must not grow between a
 * stream's first and last stretch once the cap is reached — a leak anywhere (an index that
 * keeps evicted shapes, a map of old ids) would show as growth proportional to the lines.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { TemplateMiner } from './miner';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

let seed = 7;
const rnd = (n: number): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return Math.floor((seed / 2 ** 32) * n);
};
const letters = 'abcdefghijklmnopqrstuvwxyz';
const word = (): string => Array.from({ length: 3 + rnd(8) }, () => letters[rnd(26)]).join('');
/** Unique lines, and one in four an event with a value (a pattern that stays). */
const line = (): string =>
  rnd(4) === 0 ? `user ${word()} logged in from 10.${rnd(256)}.${rnd(256)}.${rnd(256)}` : Array.from({ length: 2 + rnd(10) }, word).join(' ');

describe('TemplateMiner on an endless stream', () => {
  it('holds its heap level once the cap is reached', () => {
    const miner = new TemplateMiner({ maxTemplates: 500 });
    let changes = 0;
    miner.onChange = () => changes++;
    for (let i = 0; i < 5_000; i++) miner.add(line());
    expect(miner.stats().shapes).toBeLessThanOrEqual(500);
    const before = heapAfterGc();
    for (let i = 0; i < 30_000; i++) miner.add(line());
    const after = heapAfterGc();
    const stats = miner.stats();
    expect(stats.shapes).toBeLessThanOrEqual(500);
    // Three lines in four are new: ~26,000 shapes made and all but the cap's worth evicted.
    expect(stats.evicted).toBeGreaterThan(20_000);
    expect(changes).toBeGreaterThan(20_000);
    // 30,000 more unique lines: a leak of even one small object (32 bytes) per line is ~1 MB.
    expect(after - before).toBeLessThan(768 * 1024);
    // The event with a value stayed one pattern throughout (it is seen every few lines).
    expect(miner.add('user zed logged in from 10.1.2.3').template).toBe('user <*> logged in from <*>');
  });
});
