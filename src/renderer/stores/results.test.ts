import { beforeEach, describe, expect, it } from 'vitest';
import { resultsActions, useResultsStore } from './results';

const page = { rows: [], total: 0, nextCursor: null, tookMs: 1 };
const params = { query: '', from: null, to: null };

beforeEach(() => resultsActions.reset());

describe('firstPageIn', () => {
  it('turns on with the first page (or its failure) and stays on for later runs', () => {
    expect(useResultsStore.getState().firstPageIn).toBe(false);
    resultsActions.start(1, params);
    expect(useResultsStore.getState().firstPageIn).toBe(false);
    resultsActions.receive(1, page, false);
    expect(useResultsStore.getState().firstPageIn).toBe(true);
    resultsActions.start(2, params);
    expect(useResultsStore.getState().firstPageIn).toBe(true);
  });

  it('turns on when the first run fails, so the chart is not held back for ever', () => {
    resultsActions.start(1, params);
    resultsActions.fail(1, 'the engine is not reachable');
    expect(useResultsStore.getState().firstPageIn).toBe(true);
  });

  it('ignores an answer from a replaced run', () => {
    resultsActions.start(1, params);
    resultsActions.start(2, params);
    resultsActions.receive(1, page, false);
    expect(useResultsStore.getState().firstPageIn).toBe(false);
  });
});
