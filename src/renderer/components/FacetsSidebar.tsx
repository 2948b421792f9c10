/**
 * Top values of level, source, host and app for the current query. Click a value to
 * filter for it; Alt- or Shift-click (or the ⊖ button) to filter it out.
 */
import type { MouseEvent } from 'react';
import type { Facet } from '../../shared/protocol';
import { useFacetsStore } from '../stores/facets';
import { useQueryStore } from '../stores/query';
import { addFacetFilter } from '../lib/query-edit';
import { basename, formatCount } from '../lib/format';
import { isLevel } from '../../shared/levels';
import { LEVEL_COLORS, LEVEL_LABELS } from '../lib/levels';
import { MinusCircleIcon, PlusCircleIcon } from './icons';

const TITLES: Record<string, string> = { level: 'Level', source: 'Source', host: 'Host', app: 'App' };

export function FacetsSidebar() {
  const facets = useFacetsStore((s) => s.facets);
  const loading = useFacetsStore((s) => s.loading);
  const error = useFacetsStore((s) => s.error);
  return (
    <nav className="facets" data-testid="facets" aria-label="Fields" aria-busy={loading || undefined}>
      <div className="facets-title">
        <span>Fields</span>
        <span className="dim small">click to filter · ⌥/⇧-click to exclude</span>
      </div>
      {error && facets.length === 0 && <div className="callout callout-error small">{error}</div>}
      {facets.map((f) => (
        <FacetGroup key={f.field} facet={f} />
      ))}
    </nav>
  );
}

function FacetGroup({ facet }: { facet: Facet }) {
  const draft = useQueryStore((s) => s.draft);
  const submit = useQueryStore((s) => s.submit);
  const values = facet.values;
  const max = values.reduce((m, v) => Math.max(m, v.count), 0);
  const apply = (value: string, negate: boolean) => submit(addFacetFilter(draft, facet.field, value, negate));
  const onClick = (e: MouseEvent, value: string) => apply(value, e.altKey || e.shiftKey);

  return (
    <section className="facet" data-testid={`facet-${facet.field}`}>
      <h4 className="facet-name">
        {TITLES[facet.field] ?? facet.field}
        <span className="dim">{values.length + facet.others}</span>
      </h4>
      {values.length === 0 && <div className="dim small facet-none">No values</div>}
      <ul>
        {values.map((v) => {
          const label =
            v.value === null
              ? '(none)'
              : facet.field === 'source'
                ? basename(v.value)
                : facet.field === 'level' && isLevel(v.value)
                  ? LEVEL_LABELS[v.value]
                  : v.value;
          const color =
            facet.field === 'level' ? LEVEL_COLORS[v.value !== null && isLevel(v.value) ? v.value : 'none'] : undefined;
          const clickable = v.value !== null;
          return (
            <li key={v.value ?? '\u0000'} className="facet-value">
              <button
                type="button"
                className="facet-main"
                disabled={!clickable}
                data-testid="facet-value"
                data-field={facet.field}
                data-value={v.value ?? ''}
                title={clickable ? `${v.value}\nClick: only these · Alt/Shift-click: exclude` : 'No value'}
                onClick={(e) => clickable && onClick(e, v.value!)}
              >
                <span
                  className="facet-bar"
                  style={{
                    width: `${max > 0 ? Math.max(1, (v.count / max) * 100) : 0}%`,
                    ...(color ? { background: color } : {}),
                  }}
                />
                {color && <span className="facet-dot" style={{ background: color }} />}
                <span className={`facet-label${v.value === null ? ' dim' : ''}`}>{label}</span>
                <span className="facet-count">{formatCount(v.count)}</span>
              </button>
              {clickable && (
                <span className="facet-actions">
                  <button
                    type="button"
                    className="icon-btn"
                    title="Filter for this value"
                    onClick={() => apply(v.value!, false)}
                  >
                    <PlusCircleIcon />
                  </button>
                  <button
                    type="button"
                    className="icon-btn"
                    title="Filter out this value"
                    onClick={() => apply(v.value!, true)}
                  >
                    <MinusCircleIcon />
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {facet.others > 0 && <div className="dim small facet-more">+{formatCount(facet.others)} more</div>}
    </section>
  );
}
