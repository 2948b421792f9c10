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

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

/**
 * The production dependencies of package.json and theirs, as installed, that hold
 * compiled Node add-ons (.node files), with those files' paths inside the package.
 */
function nativePackages(): { name: string; binaries: string[] }[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const seen = new Set<string>();
  const queue = Object.keys(pkg.dependencies);
  const natives: { name: string; binaries: string[] }[] = [];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const dir = path.join(root, 'node_modules', name);
    if (!existsSync(path.join(dir, 'package.json'))) continue; // an optional platform package for another OS
    const meta = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    queue.push(...Object.keys(meta.dependencies ?? {}), ...Object.keys(meta.optionalDependencies ?? {}));
    // A package's own nested node_modules are its dependencies' business, seen on their own.
    const binaries = walk(dir)
      .map((file) => path.relative(dir, file).split(path.sep).join('/'))
      .filter((file) => file.endsWith('.node') && !file.split('/').includes('node_modules'));
    if (binaries.length > 0) natives.push({ name, binaries });
  }
  return natives;
}

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

  it('packages the built app, package.json, the models and the tray icons', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json', 'models/**', 'resources/icons/**']));
  });

  it('every `files` entry names files that exist', () => {
    for (const entry of config.files) {
      // An exclusion ('!models/data/**') must still name something, or it is a typo.
      const pattern = entry.replace(/^!/, '');
      const base = pattern.split('/').findIndex((part) => /[*?[{]/.test(part));
      if (base < 0) {
        expect(existsSync(path.join(root, pattern)), `${pattern} does not exist`).toBe(true);
        continue;
      }
      const found = walk(path.join(root, pattern.split('/').slice(0, base).join('/')))
        .map((file) => path.relative(root, file).split(path.sep).join('/'))
        .some((file) => minimatch(file, pattern, { dot: true }));
      expect(found, `${pattern} matches no file (is the app built?)`).toBe(true);
    }
  });

  it('unpacks every native module the app depends on (packages with .node files, found from package.json)', () => {
    const natives = nativePackages();
    // DuckDB's platform binding and onnxruntime are the two this machine has.
    expect(natives.some((n) => n.name.startsWith('@duckdb/node-bindings-'))).toBe(true);
    expect(natives.map((n) => n.name)).toContain('onnxruntime-node');
    for (const { name, binaries } of natives) {
      for (const binary of binaries) expect(unpacked(`node_modules/${name}/${binary}`), `${name}/${binary}`).toBe(true);
    }
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
      // macOS makes its .icns from one PNG, 1024x1024 for retina; Windows needs 256x256 or more for its .ico.
      expect(pngSize(file)).toEqual({ width: 1024, height: 1024 });
    }
    const linuxIcons = readdirSync(path.join(root, config.linux.icon)).filter((f) => f.endsWith('.png'));
    expect(linuxIcons.length).toBeGreaterThanOrEqual(5);
    for (const file of linuxIcons) {
      const [, w, h] = /^(\d+)x(\d+)\.png$/.exec(file) ?? [];
      expect(file, 'Linux icon names must be <N>x<N>.png').toMatch(/^\d+x\d+\.png$/);
      expect(pngSize(path.join(config.linux.icon, file))).toEqual({ width: Number(w), height: Number(h) });
    }
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) expect(linuxIcons).toContain(`${size}x${size}.png`);
  });
});
