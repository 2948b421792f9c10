import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the shipped models are: $LOGSCOPE_MODELS, else the nearest `models/` folder with a
 * model card above this module — the repository's in development (src/engine/ml/), the
 * app's beside the built engine (out/engine/) — read from app.asar.unpacked when packaged,
 * where electron-builder puts them (asarUnpack: models/**). Null when there is none; the
 * engine then runs without models and says so in health.
 */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env, from = dirname(fileURLToPath(import.meta.url))): string | null {
  if (env.LOGSCOPE_MODELS) return env.LOGSCOPE_MODELS;
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'models');
    if (existsSync(join(candidate, 'category.json')) || existsSync(join(candidate, 'severity.json'))) {
      const unpacked = candidate.replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
      return unpacked !== candidate && existsSync(unpacked) ? unpacked : candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}
