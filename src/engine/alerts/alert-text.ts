/** An alert's id and the search that shows its records: the rule's query with the group's values. */

export function alertId(ruleId: string, group: Record<string, string | null>): string {
  const keys = Object.keys(group);
  return keys.length ? `${ruleId}|${JSON.stringify(keys.map((k) => group[k]))}` : ruleId;
}

export function alertQuery(query: string, group: Record<string, string | null>): string {
  const q = query.trim() === '*' ? '' : query.trim();
  const parts = Object.entries(group).map(([k, v]) => (v === null ? `-${k}:*` : `${k}:"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`));
  const head = q && parts.length && /\bOR\b/.test(q) ? `(${q})` : q;
  return [head, ...parts].filter(Boolean).join(' ');
}
