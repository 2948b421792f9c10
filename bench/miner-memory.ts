/**
 * The miner on an endless stream of lines that are all different (the worst case for its
 * caps: every line would be a new template), for a while, printing every 30 s the
 * process's RSS and heap, the miner's template and shape counts, evictions, its own memory
 * estimate and the cap. Memory must level off once the cap is reached.
 *
 *   npx tsx bench/miner-memory.ts [--minutes 10] [--every 30] [--cap N] [--words]
 *
 * Lines: random words (3–10 letters, 2–11 of them), and one in four an ordinary event with
 * a random value (`user <word> logged in from <ip>`), so the stream also has patterns that
 * stay. `--cap` sets maxTemplates (default: the engine's, 5000).
 */
import { TemplateMiner } from '../src/ingest/patterns/miner';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const minutes = Number(arg('--minutes', '10'));
const every = Number(arg('--every', '30'));
const cap = process.argv.includes('--cap') ? Number(arg('--cap', '5000')) : undefined;

let seed = 42;
const rnd = (n: number): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return Math.floor((seed / 2 ** 32) * n);
};
const letters = 'abcdefghijklmnopqrstuvwxyz';
function word(): string {
  let w = '';
  for (let i = 3 + rnd(8); i > 0; i--) w += letters[rnd(26)];
  return w;
}
function line(): string {
  if (rnd(4) === 0) return `user ${word()} logged in from 10.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
  const words: string[] = [];
  for (let i = 2 + rnd(10); i > 0; i--) words.push(word());
  return words.join(' ');
}

const miner = new TemplateMiner(cap ? { maxTemplates: cap } : {});
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
const started = performance.now();
const end = started + minutes * 60_000;
let nextReport = started + every * 1000;
let lines = 0;
let lastLines = 0;
let lastAt = started;
console.log(`miner memory: ${minutes} min of unique lines, report every ${every} s, cap ${miner.stats().cap} shapes`);
console.log('   time      lines   lines/s   templates  shapes  evicted   merged   miner est.   heap used         RSS');
const report = (now: number): void => {
  const s = miner.stats();
  const mem = process.memoryUsage();
  const rate = ((lines - lastLines) * 1000) / (now - lastAt);
  lastLines = lines;
  lastAt = now;
  console.log(
    `${(((now - started) / 1000).toFixed(0) + ' s').padStart(7)} ${String(lines).padStart(10)} ${Math.round(rate).toString().padStart(9)}` +
      ` ${String(s.templates).padStart(11)} ${String(s.shapes).padStart(7)} ${String(s.evicted).padStart(8)} ${String(s.merged).padStart(8)}` +
      ` ${mib(s.memoryBytes).padStart(12)} ${mib(mem.heapUsed).padStart(11)} ${mib(mem.rss).padStart(11)}`,
  );
};
for (;;) {
  for (let i = 0; i < 1000; i++) miner.add(line());
  lines += 1000;
  const now = performance.now();
  if (now >= nextReport) {
    report(now);
    nextReport += every * 1000;
  }
  if (now >= end) break;
}
const s = miner.stats();
console.log(`done: ${lines} lines; ${s.templates} templates, ${s.shapes} shapes (cap ${s.cap}), ${s.evicted} evicted, ${s.merged} merged`);
