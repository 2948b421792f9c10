/**
 * The notifier's share of "record crosses a threshold → notification request and webhook
 * call: p99 ≤ 1 s": from the evaluator's push() of a firing transition to (a) the in-app
 * notice being emitted (what becomes the OS notification / the browser's Notification)
 * and (b) a real webhook receiver on 127.0.0.1 having the whole POST. The evaluator's own
 * share (record received → transition) is measured by the alerts benchmark of the engine.
 *
 *   npx tsx bench/alert-notify.ts [--episodes 60] [--runs 3] [--storm 1000]
 *
 * Each episode is one alert firing alone (the common case; it waits the grouping window),
 * then a storm: `--storm` alerts firing in the same tick, one grouped message.
 * No peer: the tools we compare against do not have this path to measure in the same way.
 */
import { createNotifier } from '../src/engine/alerts/notify';
import { GROUP_MS } from '../src/engine/alerts/notify/group';
import { firing } from '../src/engine/alerts/notify/fixtures';
import { systemClock } from '../src/engine/alerts/types';
import { startReceiver } from '../src/engine/testing/webhook-receiver';
import { median } from './stats';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
const episodes = arg('episodes', 60);
const runs = arg('runs', 3);
const storm = arg('storm', 1000);
const TARGET_MS = 1000;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function run(): Promise<{ notice: number[]; hook: number[]; storm: number }> {
  let arrived: (() => void) | null = null;
  const rx = await startReceiver((_r, res) => {
    res.end('ok');
    arrived?.();
  });
  let noticed: (() => void) | null = null;
  const n = createNotifier({ clock: systemClock, emitNotice: () => noticed?.(), rateLimit: { count: 1_000_000, periodMs: 60_000 } });
  const channel = `webhook:${rx.url}/hook`;
  const notice: number[] = [];
  const hook: number[] = [];
  for (let i = 0; i < episodes; i++) {
    const gotNotice = new Promise<number>((r) => (noticed = () => r(performance.now())));
    const gotHook = new Promise<number>((r) => (arrived = () => r(performance.now())));
    const t0 = performance.now();
    n.push(firing(`host-${i}`, ['os', 'toast', channel]));
    const [a, b] = await Promise.all([gotNotice, gotHook]);
    notice.push(a - t0);
    hook.push(b - t0);
  }
  const gotHook = new Promise<number>((r) => (arrived = () => r(performance.now())));
  const t0 = performance.now();
  for (let i = 0; i < storm; i++) n.push(firing(`storm-${i}`, ['os', 'toast', channel]));
  const stormMs = (await gotHook) - t0;
  await n.close();
  await rx.close();
  return { notice, hook, storm: stormMs };
}

console.log(`npx tsx bench/alert-notify.ts --episodes ${episodes} --runs ${runs} --storm ${storm}`);
console.log(`data: ${episodes} single alerts firing one at a time, then ${storm} at once; grouping window ${GROUP_MS} ms; webhook on 127.0.0.1`);
const results = [];
for (let r = 0; r < runs; r++) results.push(await run());
const row = (label: string, xs: number[], stat = 'p99') => {
  const p99 = median(xs);
  console.log(`${label.padEnd(44)} ${stat} ${p99.toFixed(1).padStart(7)} ms  (runs: ${xs.map((x) => x.toFixed(1)).join(', ')})  target ≤ ${TARGET_MS} ms  ${p99 <= TARGET_MS ? 'ok' : 'FAIL'}`);
  return p99 <= TARGET_MS;
};
const ok = [
  row('push → in-app notice (median of p99s)', results.map((x) => pct(x.notice, 99))),
  row('push → webhook POST received (median of p99s)', results.map((x) => pct(x.hook, 99))),
  row(`${storm} alerts at once → one webhook POST`, results.map((x) => x.storm), 'median'),
];
console.log(`p50 push → webhook: ${median(results.map((x) => pct(x.hook, 50))).toFixed(1)} ms; peer: none (no ratio)`);
process.exit(ok.every(Boolean) ? 0 : 1);
