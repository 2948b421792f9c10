/**
 * electron-builder.yml: valid for the installed electron-builder, unpacks the native
 * modules, and names icons that exist at the sizes the platforms need. Parsed with
 * js-yaml and validated with app-builder-lib, both installed as electron-builder's own
 * dependencies (no YAML package of our own).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { decodePng } from './png';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function loadYaml(text: string): unknown {
  if (!existsSync(path.join(root, 'node_modules', 'js-yaml'))) {
    throw new Error('node_modules/js-yaml is missing (it comes with electron-builder): run npm install');
  }
  return (require('js-yaml') as { load(text: string): unknown }).load(text);
}

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asarUnpack: string[];
  directories: { buildResources: string };
  fileAssociations: { ext: string | string[] }[];
  linux: { target: string[]; icon: string };
  mac: { target: string; icon: string };
  win: { target: string; icon: string };
}

const config = loadYaml(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

/** Whether electron-builder would unpack `file` (its matcher is minimatch with dot: true). */
const unpacked = (file: string) => config.asarUnpack.some((pattern) => minimatch(file, pattern, { dot: true }));

function pngSize(file: string): { width: number; height: number } {
  const { width, height } = decodePng(readFileSync(path.join(root, file)));
  return { width, height };
}

describe('electron-builder.yml', () => {
  it('is a valid configuration for the installed electron-builder', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false })).resolves.toBeUndefined();
  });

  it('names the app', () => {
    expect(config.appId).toBe('dev.logscope.app');
    expect(config.productName).toBe('LogScope');
  });

  it('packages the built app, package.json and the models', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json', 'models/**']));
  });

  it('unpacks DuckDB, onnxruntime and the models from the asar, and nothing else we know of', () => {
    for (const file of [
      'node_modules/@duckdb/node-bindings-linux-x64/duckdb.node',
      'node_modules/@duckdb/node-bindings-darwin-arm64/libduckdb.dylib',
      'node_modules/@duckdb/node-api/lib/index.js',
      'node_modules/onnxruntime-node/bin/napi-v3/linux/x64/onnxruntime_binding.node',
      'node_modules/onnxruntime-node/bin/napi-v3/win32/x64/onnxruntime.dll',
      'models/anomaly.onnx',
    ]) {
      expect(unpacked(file), file).toBe(true);
    }
    for (const file of ['out/main/index.js', 'node_modules/zod/index.js', 'package.json']) {
      expect(unpacked(file), file).toBe(false);
    }
  });

  it('builds AppImage and deb, dmg, and an NSIS installer', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
  });

  it('opens .log files', () => {
    expect(config.fileAssociations.flatMap((a) => a.ext)).toContain('log');
  });

  it('uses icons from resources/ that exist, at the sizes each platform needs', () => {
    expect(config.directories.buildResources).toBe('resources');
    for (const file of [config.mac.icon, config.win.icon]) {
      expect(file.startsWith('resources/')).toBe(true);
      // macOS needs at least 512x512 to make its .icns; Windows 256x256 for its .ico.
      expect(pngSize(file)).toEqual({ width: 512, height: 512 });
    }
    const linuxIcons = readdirSync(path.join(root, config.linux.icon)).filter((f) => f.endsWith('.png'));
    expect(linuxIcons.length).toBeGreaterThanOrEqual(5);
    for (const file of linuxIcons) {
      const [, w, h] = /^(\d+)x(\d+)\.png$/.exec(file) ?? [];
      expect(file, 'Linux icon names must be <N>x<N>.png').toMatch(/^\d+x\d+\.png$/);
      expect(pngSize(path.join(config.linux.icon, file))).toEqual({ width: Number(w), height: Number(h) });
    }
    expect(linuxIcons).toContain('512x512.png');
  });
});
