/**
 * The categories a log event is classified into (/work/shared/TAXONOMY.md), in the
 * taxonomy's order, which is also the tie-break order: when two fit, the first wins.
 */
export const CATEGORIES = [
  'security',
  'hardware',
  'storage',
  'database',
  'network',
  'resource',
  'performance',
  'application',
  'access',
  'lifecycle',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export function isCategory(s: string): s is Category {
  return (CATEGORIES as readonly string[]).includes(s);
}
