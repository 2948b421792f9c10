#!/usr/bin/env node
// Entry of the `logscope` command; the code is the bundle `npm run build` makes.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../out/cli/run.js', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  console.error('logscope: not built yet; run `npm run build` in ' + fileURLToPath(new URL('..', import.meta.url)));
  process.exit(1);
}
await import(bundle.href);
