/** How levels look: colours (shared by the table badges and the histogram) and labels. */
import { LEVELS, type Level } from '../../shared/levels';

/** Grafana's classic log-level palette, readable on both themes. */
export const LEVEL_COLORS: Readonly<Record<Level | 'none', string>> = {
  trace: '#8e9aaf',
  debug: '#5794f2',
  info: '#73bf69',
  notice: '#3cb9c6',
  warn: '#f2b705',
  error: '#f2495c',
  fatal: '#b877d9',
  none: '#7b8087',
};

export const LEVEL_LABELS: Readonly<Record<Level | 'none', string>> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  notice: 'NOTICE',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'FATAL',
  none: '—',
};

export function levelKey(level: Level | null | undefined): Level | 'none' {
  return level ?? 'none';
}

/** Stack order for the histogram: most severe on top is drawn last. */
export const LEVEL_ORDER: readonly (Level | 'none')[] = ['none', ...LEVELS];
