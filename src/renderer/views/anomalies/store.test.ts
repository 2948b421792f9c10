import { beforeEach, describe, expect, it } from 'vitest';
import type { AnomalyWindow, CategoryHistogram } from '../../../shared/protocol';
import { anomaliesActions, useAnomaliesStore } from './store';

const w: AnomalyWindow = { start: 0, end: 1, kind: 'spike', pattern: 1, template: 't', source: 's', count: 9, expected: 1, score: 0.9 };
const cats: CategoryHistogram = { start: 0, bucketMs: 1000, series: [{ category: 'network', counts: [1, 2] }], total: 3, tookMs: 1 };

beforeEach(() => anomaliesActions.reset());

describe('anomalies store', () => {
  it('keeps only the answer of the newest load', () => {
    anomaliesActions.start(1, { query: '', from: null, to: null });
    anomaliesActions.start(2, { query: 'x', from: null, to: null });
    anomaliesActions.receive(1, [w, w], 60_000, null);
    expect(useAnomaliesStore.getState()).toMatchObject({ windows: [], loading: true });
    anomaliesActions.receive(2, [w], 300_000, { kept: 1, all: 4 });
    expect(useAnomaliesStore.getState()).toMatchObject({ windows: [w], bucketMs: 300_000, narrowed: { kept: 1, all: 4 }, loading: false });
  });

  it('keeps the last windows on a failure and says why; a query error clears them', () => {
    anomaliesActions.start(1, { query: '', from: null, to: null });
    anomaliesActions.receive(1, [w], 60_000, null);
    anomaliesActions.start(2, { query: '', from: null, to: null });
    anomaliesActions.fail(2, 'engine gone');
    expect(useAnomaliesStore.getState()).toMatchObject({ windows: [w], error: 'engine gone', loading: false });
    anomaliesActions.start(3, { query: 'bad(', from: null, to: null });
    anomaliesActions.fail(3, null, true);
    expect(useAnomaliesStore.getState()).toMatchObject({ windows: [], error: null });
  });

  it('toggles kinds on and off', () => {
    anomaliesActions.toggleKind('drop');
    anomaliesActions.toggleKind('new');
    anomaliesActions.toggleKind('drop');
    expect(useAnomaliesStore.getState().hidden).toEqual(['new']);
  });

  it("follows our refit's progress, and a scheduled one only while none of ours runs", () => {
    const ev = (jobId: string, state: 'running' | 'done', fraction: number, scheduled = false) => ({ jobId, state, phase: 'fit', fraction, message: null, scheduled });
    anomaliesActions.refitStarting();
    expect(useAnomaliesStore.getState().refitStarting).toBe(true);
    anomaliesActions.refitStarted('r1');
    anomaliesActions.refitProgress(ev('s9', 'running', 0.9, true));
    expect(useAnomaliesStore.getState().refit).toMatchObject({ jobId: 'r1', state: 'running' });
    anomaliesActions.refitProgress(ev('r1', 'running', 0.5));
    anomaliesActions.refitProgress(ev('r1', 'done', 1));
    expect(useAnomaliesStore.getState().refit).toMatchObject({ jobId: 'r1', state: 'done', fraction: 1 });
    anomaliesActions.refitProgress(ev('s9', 'running', 0.2, true));
    expect(useAnomaliesStore.getState().refit).toMatchObject({ jobId: 's9', scheduled: true });
    anomaliesActions.refitRefused('not enough records');
    expect(useAnomaliesStore.getState()).toMatchObject({ refitStarting: false, refitError: 'not enough records' });
    anomaliesActions.dismissRefit();
    expect(useAnomaliesStore.getState()).toMatchObject({ refit: null, refitError: null });
  });

  it('drops stale category answers, and keeps the chart through a failure', () => {
    anomaliesActions.startCategories(1);
    anomaliesActions.startCategories(2);
    anomaliesActions.receiveCategories(1, cats);
    expect(useAnomaliesStore.getState().categories).toBeNull();
    anomaliesActions.receiveCategories(2, cats);
    anomaliesActions.startCategories(3);
    anomaliesActions.failCategories(3, 'timeout');
    expect(useAnomaliesStore.getState()).toMatchObject({ categories: cats, categoriesError: 'timeout', categoriesLoading: false });
  });
});
