/**
 * Small pieces of the Patterns view: a template with its variables as chips, an example
 * line with the variables' values marked, the trend sparkline and the level-mix bar.
 */
import { memo } from 'react';
import { alignExample, levelMix, sparkline, tokenizeTemplate } from '../lib/patterns';
import { LEVEL_COLORS, LEVEL_LABELS } from '../lib/levels';
import { formatCount } from '../lib/format';
import { formatLocal, formatSpan } from '../lib/time';

/**
 * The template, `<*>` drawn as a chip. The chip's `<` and `>` are in the text (at zero
 * size) so selecting and copying gives the template back as the engine wrote it. With an
 * example that fits, each chip's tooltip shows the value it took there.
 */
export const TemplateText = memo(function TemplateText({
  template,
  example,
  className,
}: {
  template: string;
  example?: string;
  className?: string;
}) {
  const parts = tokenizeTemplate(template);
  const values = example !== undefined ? alignExample(template, example) : null;
  const valueOf = (index: number) => {
    const v = values?.find((p) => p.kind === 'var' && p.index === index);
    return v && v.kind === 'var' ? v.text : null;
  };
  return (
    <span className={`tpl${className ? ` ${className}` : ''}`} data-testid="pattern-template">
      {parts.map((p, i) => {
        if (p.kind === 'text') return <span key={i}>{p.text}</span>;
        const value = valueOf(p.index);
        return (
          <span
            key={i}
            className="tpl-var"
            data-var={p.index}
            title={value !== null ? `Variable ${p.index + 1}, e.g. ${value || '(empty)'}` : `Variable ${p.index + 1}`}
          >
            <span className="tpl-var-b">{'<'}</span>*<span className="tpl-var-b">{'>'}</span>
          </span>
        );
      })}
    </span>
  );
});

/** The example line, with the parts that are variables in the template marked. */
export function ExampleLine({ template, example }: { template: string; example: string }) {
  const parts = alignExample(template, example);
  if (!parts) return <>{example}</>;
  return (
    <>
      {parts.map((p, i) =>
        p.kind === 'text' ? (
          <span key={i}>{p.text}</span>
        ) : (
          <mark key={i} className="ex-var" title={`Variable ${p.index + 1}`}>
            {p.text}
          </mark>
        ),
      )}
    </>
  );
}

/**
 * The trend as an inline SVG path, not an ECharts instance: a list shows dozens of rows
 * and a virtualised one mounts and unmounts them as it scrolls. An ECharts chart per row
 * means a canvas, a zrender loop and a ResizeObserver each (and a few ms per init), for a
 * 100×22 line; a path is one DOM node, themed by CSS variables. ECharts stays for the
 * charts one looks into (the histogram).
 */
export const Sparkline = memo(function Sparkline({
  trend,
  start,
  bucketMs,
  width = 100,
  height = 22,
}: {
  trend: readonly number[];
  start: number;
  bucketMs: number;
  width?: number;
  height?: number;
}) {
  const g = sparkline(trend, width, height);
  const title =
    g.peak >= 0
      ? `Peak ${formatCount(g.max)} at ${formatLocal(start + g.peak * bucketMs, false)} (per ${formatSpan(bucketMs)})`
      : 'No records in this range';
  return (
    <svg
      className="spark"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={title}
      data-testid="pattern-trend"
    >
      <title>{title}</title>
      <path className="spark-area" d={g.area} />
      <path className="spark-line" d={g.line} />
    </svg>
  );
});

/** Records by level as one stacked bar, most severe at the left (each level at least 2 px). */
export const LevelMixBar = memo(function LevelMixBar({ levels }: { levels: Readonly<Record<string, number>> }) {
  const mix = levelMix(levels);
  const title = mix
    .map((m) => `${m.key === 'none' ? 'NO LEVEL' : LEVEL_LABELS[m.key]} ${formatCount(m.count)}`)
    .join(' · ');
  return (
    <span className="lvlmix" title={title} data-testid="pattern-levels" aria-label={title}>
      {mix.map((m) => (
        <span
          key={m.key}
          className="lvlmix-seg"
          data-level={m.key}
          style={{ flexGrow: m.share, background: LEVEL_COLORS[m.key] }}
        />
      ))}
    </span>
  );
});

/** The level mix spelled out, for an opened row. */
export function LevelLegend({ levels }: { levels: Readonly<Record<string, number>> }) {
  return (
    <span className="lvl-legend">
      {levelMix(levels).map((m) => (
        <span key={m.key} className="lvl-legend-item">
          <span className="facet-dot" style={{ background: LEVEL_COLORS[m.key] }} />
          {m.key === 'none' ? 'no level' : LEVEL_LABELS[m.key]}
          <span className="dim">{formatCount(m.count)}</span>
          <span className="dim">({Math.round(m.share * 100)}%)</span>
        </span>
      ))}
    </span>
  );
}
