/** How categories and anomaly kinds look: one colour each, readable on both themes. */
import { CATEGORIES, type Category } from '../../shared/categories';
import type { AnomalyWindow } from '../../shared/protocol';

export const CATEGORY_COLORS: Readonly<Record<Category | 'none', string>> = {
  security: '#e0245e',
  hardware: '#a16ae8',
  storage: '#c08a2e',
  database: '#3d9df2',
  network: '#19b3a6',
  resource: '#f28f1c',
  performance: '#e8c31c',
  application: '#6c8ef5',
  access: '#56a64b',
  lifecycle: '#8e9aaf',
  other: '#6f7782',
  none: '#b6bcc4',
};

export const CATEGORY_ORDER: readonly (Category | 'none')[] = [...CATEGORIES, 'none'];

export function categoryKey(c: Category | null | undefined): Category | 'none' {
  return c ?? 'none';
}

export type AnomalyKind = AnomalyWindow['kind'];

export const ANOMALY_KINDS: readonly AnomalyKind[] = ['spike', 'drop', 'new', 'outlier'];

export const KIND_COLORS: Readonly<Record<AnomalyKind, string>> = {
  spike: '#f2495c',
  drop: '#6e9fff',
  new: '#ff9830',
  outlier: '#b877d9',
};

export const KIND_LABELS: Readonly<Record<AnomalyKind, string>> = {
  spike: 'Spike',
  drop: 'Drop to silence',
  new: 'New pattern',
  outlier: 'Unusual records',
};

/** A 0..1 confidence or score as a whole percentage. */
export function percentOf(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${Math.round(Math.max(0, Math.min(1, x)) * 100)}%`;
}
