import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (training and evaluation run from a checkout, not a package). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const MODELS_DIR = join(REPO_ROOT, 'models');
export const DATA_DIR = join(MODELS_DIR, 'data');
/** Loghub's samples, beside the checkout (../shared/loghub). */
export const LOGHUB_DIR = resolve(REPO_ROOT, '../shared/loghub');
