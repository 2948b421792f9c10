// The import rules of docs/ARCHITECTURE.md ("Layout"), enforced so the map stays true
// without anyone remembering it: who may import what, folder by folder.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'dgram', 'http', 'https', 'zlib', 'worker_threads', 'crypto', 'stream', 'url', 'util', 'events', 'readline', 'tls'];
const nativePackages = ['@duckdb/*', 'onnxruntime-node', 'chokidar', 'ws'];
const layer = (from, names, message) => ({ group: names.map((n) => `${from}${n}`), message });

/** One rule block per folder: the patterns it must never import. */
const rules = {
  'src/shared/**': [
    { group: ['electron'], message: 'src/shared is pure TypeScript: no electron.' },
    { group: [...nodeBuiltins, ...nativePackages], message: 'src/shared runs in the browser too: no Node built-ins or native packages.' },
    layer('**/', ['ingest', 'ingest/*', 'engine', 'engine/*', 'main', 'main/*', 'preload', 'preload/*', 'renderer', 'renderer/*', 'cli', 'cli/*'], 'src/shared imports nothing else from src.'),
  ],
  'src/ingest/**': [
    { group: ['electron'], message: 'Only src/main and src/preload import electron.' },
    layer('**/', ['engine', 'engine/*', 'main', 'main/*', 'preload', 'preload/*', 'renderer', 'renderer/*', 'cli', 'cli/*'], 'src/ingest may import src/shared only.'),
  ],
  'src/engine/**': [
    { group: ['electron'], message: 'The engine is plain Node: it never imports electron.' },
    layer('**/', ['main', 'main/*', 'preload', 'preload/*', 'renderer', 'renderer/*', 'cli', 'cli/*'], 'src/engine may import src/shared and src/ingest only.'),
  ],
  'src/cli/**': [
    { group: ['electron'], message: 'Only src/main and src/preload import electron.' },
    layer('**/', ['main', 'main/*', 'preload', 'preload/*', 'renderer', 'renderer/*'], 'src/cli may import shared, ingest and engine.'),
  ],
  'src/renderer/**': [
    { group: ['electron'], message: 'The renderer is sandboxed: it talks to the engine through src/shared only.' },
    { group: [...nodeBuiltins, ...nativePackages], message: 'The renderer runs in a browser: no Node built-ins or native packages.' },
    layer('**/', ['ingest', 'ingest/*', 'engine', 'engine/*', 'main', 'main/*', 'preload', 'preload/*', 'cli', 'cli/*'], 'The renderer imports src/shared and browser packages only.'),
  ],
  'src/preload/**': [
    layer('**/', ['ingest', 'ingest/*', 'engine', 'engine/*', 'renderer', 'renderer/*', 'cli', 'cli/*'], 'The preload hands over the port and a few helpers; nothing more.'),
  ],
  'src/main/**': [
    layer('**/', ['ingest', 'ingest/*', 'renderer', 'renderer/*', 'cli', 'cli/*'], 'Main starts the engine and owns the window; no log data flows through it.'),
  ],
};

export default tseslint.config(
  { ignores: ['.scratch/**', 'out/**', 'dist/**', 'node_modules/**', 'bench/data/**', 'bench/results/**', 'e2e/artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...Object.entries(rules).map(([files, patterns]) => ({
    files: [files.replace('/**', '/**/*.{ts,tsx}')],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })),
);
