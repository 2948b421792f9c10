/**
 * Records per category per bucket: the mix of categories over time. Buckets as the level
 * histogram's (same range, same round widths), so the two charts line up. Counted per
 * pattern first and then joined to `templates`, so the query's own columns never meet
 * the templates' names, and a correction moves stored records at once. Rows of a pattern
 * merged into another (one hop) count under the survivor's category.
 */
import { CATEGORIES, isCategory, type Category } from '../../shared/categories';
import type { CategoryHistogram, Params } from '../../shared/protocol';
import type { Store } from '../store/store';
import type { Explorer } from './explore';

export async function categoryHistogram(
  store: Store,
  explorer: Explorer,
  p: Params<'categoryHistogram'>,
): Promise<CategoryHistogram> {
  const started = performance.now();
  const w = await explorer.where(p.query, p.from, p.to, true);
  const { start, bucketMs, n } = await explorer.buckets(p.from, p.to, p.buckets);
  const rows = await store.read(
    `WITH g AS (
       SELECT ((epoch_ms(ts) - ?::BIGINT) // ?::BIGINT)::INTEGER AS b, template_id AS tid, count(*)::INTEGER AS c
       FROM ${w.from} WHERE ${w.sql} GROUP BY ALL)
     SELECT g.b, coalesce(s.category, t.category) AS category, sum(g.c)::DOUBLE AS c
     FROM g LEFT JOIN templates t ON t.id = g.tid LEFT JOIN templates s ON s.id = t.merged_into GROUP BY ALL`,
    [start, bucketMs, ...w.params],
  );
  const keys: (Category | null)[] = [...CATEGORIES, null];
  const series = keys.map((category) => ({ category, counts: new Array<number>(n).fill(0) }));
  let total = 0;
  for (const r of rows) {
    const b = Number(r.b);
    if (b < 0 || b >= n) continue;
    const name = r.category == null ? '' : String(r.category);
    const s = series[isCategory(name) ? CATEGORIES.indexOf(name) : CATEGORIES.length]!;
    s.counts[b]! += Number(r.c);
    total += Number(r.c);
  }
  return {
    start,
    bucketMs,
    series: series.filter((s) => s.counts.some((c) => c > 0)),
    total,
    tookMs: performance.now() - started,
  };
}
