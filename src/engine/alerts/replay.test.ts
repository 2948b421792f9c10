import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AlertRuleInputSchema } from '../../shared/alerts';
import type { IngestRecord } from '../../ingest/record';
import type { Store } from '../store/store';
import type { LogWriter } from '../store/writer';
import { createCatalog } from '../query/catalog';
import { openTempStore } from '../testing/fixtures';
import { ManualClock } from '../testing/manual-clock';
import { LiveEvaluator } from './evaluator';
import { noLookups } from './predicate';
import { replayRule } from './replay';
import { timing } from './semantics';

let store: Store;
let writer: LogWriter;
let close: () => Promise<void>;
beforeAll(async () => ({ store, writer, close } = await openTempStore()));
afterAll(() => close());

const T0 = Date.UTC(2026, 0, 1);
let run = 0;

describe('replay agrees with the live evaluator on the same records', () => {
  it('threshold rules per host: the same episodes, to the step (property-based)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 600 }).map((k) => k * 1000 + 500), host: fc.constantFrom('a', 'b'), err: fc.boolean() }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom('0s', '12s'),
        async (rows, above, forText) => {
          const source = `run-${run++}`;
          const spec = AlertRuleInputSchema.parse({ name: 'p', kind: 'threshold', query: `level>=error source:${source}`, window: '1m', above, for: forText, cooldown: '0s', groupBy: ['host'] });
          const sorted = [...rows].sort((x, y) => x.dt - y.dt);
          const records: IngestRecord[] = sorted.map((r) => ({ ts: T0 + r.dt, level: r.err ? 'error' : 'info', host: r.host, app: null, message: 'm', fields: null, format: 'json', line: 1, parseError: null }));
          await writer.append({ source: { name: source, kind: 'http', format: 'json' }, records, fallbackTs: T0 });

          // Live: the clock follows the records (never exactly on a step boundary, so a
          // transition's time names its step); every step is judged once it is over.
          const clock = new ManualClock(T0);
          const fired: { step: number; host: string | null }[] = [];
          const ev = new LiveEvaluator({ clock, catalog: () => createCatalog([]), lookups: noLookups, firstSeen: () => null, onTransition: (t) => {
            if (t.to === 'firing') fired.push({ step: Math.ceil(t.at / 6000) - 1, host: t.alert.group.host ?? null });
          } });
          ev.setRules([{ id: 'p', spec }]);
          for (const r of sorted) {
            const at = T0 + r.dt;
            // The engine ticks once a second; a longer gap would be a clock jump.
            while (clock.now() + 1000 <= at) {
              clock.advance(1000);
              ev.tick();
            }
            if (at > clock.now()) clock.advance(at - clock.now());
            ev.tick();
            ev.observe([{ ts: at, level: r.err ? 6 : 3, source, host: r.host, app: null, message: 'm', format: 'json', parseError: null, line: 1, fields: null, templateId: null, anomaly: null, ingestTs: at }]);
          }
          for (let i = 0; i < 20; i++) {
            clock.advance(6000);
            ev.tick();
          }
          const replay = await replayRule(store, createCatalog([]), spec, { from: T0, to: clock.now() - 1500 - 6000 });
          const s = timing(spec).stepMs;
          const fromReplay = replay.episodes.map((e) => ({ step: Math.ceil(e.start / s) - 1, host: e.group.host ?? null }));
          const key = (x: { step: number; host: string | null }) => `${x.step}:${x.host}`;
          expect(fired.map(key).sort()).toEqual(fromReplay.map(key).sort());
        },
      ),
      { numRuns: 40 },
    );
  });
});
