import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// main and preload are built for Electron; the renderer is the same bundle that headless
// mode serves to a browser. The engine and the CLI are plain Node and built by
// scripts/build.mjs, not here.
export default defineConfig({
  main: {
    build: { outDir: 'out/main', rollupOptions: { input: { index: resolve('src/main/index.ts') } } },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve('src/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    base: './',
    plugins: [react()],
    build: { outDir: resolve('out/renderer'), minify: true, rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
  },
});
