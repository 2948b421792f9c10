/**
 * Runs the Patterns view's calls and puts the answers in its stores: the pattern list for
 * the applied query (with generations, like the Explore runner), a comparison of two
 * sides, and the list of sources for the compare picker.
 */
import type { EngineApi } from '../../shared/client';
import { useQueryStore } from '../stores/query';
import { patternsActions, usePatternsStore } from '../stores/patterns';
import { compareActions, useCompareStore } from '../stores/compare';
import { sourcesActions } from '../stores/sources';
import { resolveRange } from '../lib/time';
import { describeError, isQueryError } from './errors';

export interface PatternsRunnerOptions {
  now?: () => number;
  /** How many patterns to list (the engine allows up to 1000). */
  limit?: number;
  /** Sparkline buckets across the range. */
  buckets?: number;
  /** Rows per compare list. */
  compareLimit?: number;
}

export type PatternsRunner = ReturnType<typeof createPatternsRunner>;

export function createPatternsRunner(api: EngineApi, opts: PatternsRunnerOptions = {}) {
  const now = opts.now ?? Date.now;
  const limit = opts.limit ?? 500;
  const buckets = opts.buckets ?? 30;
  const compareLimit = opts.compareLimit ?? 50;
  let gen = 0;
  let cmpGen = 0;

  /** List the applied query's patterns; `refresh` (same query, new data) keeps the scroll. */
  async function run(refresh = false): Promise<void> {
    const my = ++gen;
    const { applied } = useQueryStore.getState();
    const range = resolveRange(applied.range, now());
    const params = { query: applied.query, from: range.from, to: range.to };
    const sort = usePatternsStore.getState().sort;
    patternsActions.start(my, params);
    try {
      const res = await api.patterns({ ...params, sort, limit, buckets });
      patternsActions.receive(my, res, refresh);
      if (my === gen) useQueryStore.getState().setRunError(null);
    } catch (e) {
      const d = describeError(e);
      // The bar shows a query error (once); the list says nothing more about it.
      if (d.query && my === gen) useQueryStore.getState().setRunError({ ...d.query, query: applied.query });
      patternsActions.fail(my, isQueryError(e) ? null : d.message, isQueryError(e));
    }
  }

  /** Compare the panel's two sides for the applied query. */
  async function compare(): Promise<void> {
    const my = ++cmpGen;
    const { a, b } = useCompareStore.getState();
    const query = useQueryStore.getState().applied.query;
    compareActions.start(my, { query, a, b });
    try {
      compareActions.receive(my, await api.patternsCompare({ query, a, b, limit: compareLimit }));
    } catch (e) {
      const d = describeError(e);
      compareActions.fail(my, d.message ?? 'The engine is not reachable.');
    }
  }

  async function loadSources(): Promise<void> {
    sourcesActions.start();
    try {
      sourcesActions.receive((await api.sources({})).sources);
    } catch (e) {
      sourcesActions.fail(describeError(e).message);
    }
  }

  return {
    run,
    compare,
    loadSources,
    get generation() {
      return gen;
    },
  };
}
