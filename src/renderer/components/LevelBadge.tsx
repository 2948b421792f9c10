import type { Level } from '../../shared/levels';
import { LEVEL_LABELS, levelKey } from '../lib/levels';

export function LevelBadge({ level }: { level: Level | null }) {
  const key = levelKey(level);
  return <span className={`lvl-badge lvl-${key}`}>{LEVEL_LABELS[key]}</span>;
}
