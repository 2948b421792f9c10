// Builds everything: the Electron parts and the UI with electron-vite, then the engine
// and the CLI (plain Node) with esbuild. Dependencies stay external: they are installed.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';

const vite = spawnSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], { stdio: 'inherit' });
if (vite.status !== 0) process.exit(vite.status ?? 1);

await build({
  entryPoints: {
    'cli/run': 'src/cli/run.ts',
    'engine/utility': 'src/engine/utility.ts',
    // Worker threads load their own entry: miner-client.ts finds it beside either bundle.
    'engine/miner-worker': 'src/engine/patterns/miner-worker.ts',
    'engine/anomaly-refit-worker': 'src/engine/ml/anomaly/refit-worker.ts',
  },
  outdir: 'out',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
console.log('built out/cli/run.js and out/engine/utility.js');
