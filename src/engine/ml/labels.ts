/**
 * The label sets of the shipped models: the taxonomy's categories (src/shared/categories.ts)
 * and the project's level scale (src/shared/levels.ts).
 */
import { LEVELS, type Level } from '../../shared/levels';

export { CATEGORIES, isCategory, type Category } from '../../shared/categories';

export const SEVERITIES: readonly Level[] = LEVELS;
