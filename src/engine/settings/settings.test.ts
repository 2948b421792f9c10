import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '../../shared/settings';
import { Engine, CallError } from '../engine';
import { tempDir } from '../testing/fixtures';
import { brokenSuffix, loadSettingsFile, saveSettingsFile, SETTINGS_FILE } from './settings-file';
import { SettingsService } from './settings-service';

const fixedNow = () => new Date(Date.UTC(2024, 4, 1, 12, 30, 0, 5));
const brokenName = `${SETTINGS_FILE}.broken-2024-05-01T12-30-00-005Z`;

function withFile(content: string | Buffer): string {
  const dir = tempDir();
  writeFileSync(join(dir, SETTINGS_FILE), content);
  return dir;
}

const custom: Settings = SettingsSchema.parse({
  receivers: { listenAddress: '0.0.0.0', http: { enabled: true, port: 9000 }, token: 'sekrit-token-0123456' },
  theme: 'dark',
  notifications: { doNotDisturb: true },
  retentionDays: 7,
});

describe('settings.json: load', () => {
  it('gives the defaults without a file, and writes nothing', () => {
    const dir = tempDir();
    const loaded = loadSettingsFile(dir);
    expect(loaded).toMatchObject({ settings: DEFAULT_SETTINGS, problem: null, brokenCopy: null });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reads back what was saved, and fills fields a file from an older version lacks', () => {
    const dir = tempDir();
    saveSettingsFile(dir, custom);
    expect(loadSettingsFile(dir).settings).toEqual(custom);

    const old = withFile(JSON.stringify({ theme: 'light', unknownFromTheFuture: { x: 1 } }));
    const loaded = loadSettingsFile(old);
    expect(loaded.problem).toBeNull();
    expect(loaded.settings).toEqual({ ...DEFAULT_SETTINGS, theme: 'light' });
  });

  it('saves with owner-only permissions (the receivers token is a secret), without temp files left', () => {
    const dir = tempDir();
    saveSettingsFile(dir, custom);
    expect(readdirSync(dir)).toEqual([SETTINGS_FILE]);
    if (process.platform !== 'win32') expect(statSync(join(dir, SETTINGS_FILE)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{"theme": "dark",', /is not valid JSON/],
    ['a wrong type', JSON.stringify({ retentionDays: 'forever' }), /retentionDays: .*number/],
    ['a port out of range', JSON.stringify({ receivers: { http: { port: 70000 } } }), /receivers\.http\.port: /],
    ['a bad listen address', JSON.stringify({ receivers: { listenAddress: 'my laptop' } }), /receivers\.listenAddress: must be an IP/],
    ['a relative data folder', JSON.stringify({ dataFolder: 'logs' }), /dataFolder: must be an absolute path/],
    ['an array at the top', '[]', /\(top level\)/],
  ])('a file with %s: defaults, the problem named, the broken file kept aside', (_name, content, problem) => {
    const dir = withFile(content);
    const loaded = loadSettingsFile(dir, fixedNow);
    expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
    expect(loaded.problem).toMatch(problem);
    expect(loaded.problem).toContain(join(dir, SETTINGS_FILE));
    expect(loaded.problem).toContain(brokenName);
    expect(loaded.brokenCopy).toBe(join(dir, brokenName));
    // Nothing the person wrote is lost; a fresh default file replaces it.
    expect(readFileSync(join(dir, brokenName), 'utf8')).toBe(content);
    expect(JSON.parse(readFileSync(join(dir, SETTINGS_FILE), 'utf8'))).toEqual(DEFAULT_SETTINGS);
    // The next start is clean.
    expect(loadSettingsFile(dir).problem).toBeNull();
  });

  it('a settings.json that is a folder is moved aside and reported', () => {
    const dir = tempDir();
    mkdirSync(join(dir, SETTINGS_FILE));
    const loaded = loadSettingsFile(dir, fixedNow);
    expect(loaded.problem).toMatch(/could not be read \(it is a folder\)/);
    expect(statSync(join(dir, brokenName)).isDirectory()).toBe(true);
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('an unreadable file is reported', () => {
    const dir = withFile('{}');
    chmodSync(join(dir, SETTINGS_FILE), 0o000);
    const loaded = loadSettingsFile(dir, fixedNow);
    expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
    expect(loaded.problem).toMatch(/could not be read \(permission denied\)/);
  });

  it('names broken copies by time, sortable and safe for every file system', () => {
    expect(brokenSuffix(fixedNow())).toBe('2024-05-01T12-30-00-005Z');
  });
});

describe('SettingsService', () => {
  it('set() validates, saves and tells listeners; an unchanged set is quiet', () => {
    const dir = tempDir();
    const service = SettingsService.load(dir);
    const seen: Settings[] = [];
    service.onChange((r) => seen.push(r.settings));
    const report = service.set(custom);
    expect(report.settings).toEqual(custom);
    expect(loadSettingsFile(dir).settings).toEqual(custom);
    service.set(custom);
    expect(seen).toEqual([custom]);
  });

  it('refuses invalid settings with the field named, and keeps the old ones', () => {
    const dir = tempDir();
    const service = SettingsService.load(dir);
    expect(() => service.set({ receivers: { http: { enabled: true, port: 0 } } })).toThrow(/receivers\.http\.port/);
    expect(() =>
      service.set({ receivers: { http: { enabled: true, port: 5514 }, syslogTcp: { enabled: true, port: 5514 } } }),
    ).toThrow(/receivers\.syslogTcp\.port: port 5514 is already the HTTP receiver's/);
    expect(service.current).toEqual(DEFAULT_SETTINGS);
    expect(existsSync(join(dir, SETTINGS_FILE))).toBe(false);
  });

  it('reports a broken file until the person saves settings again', () => {
    const dir = withFile('nonsense');
    const service = SettingsService.load(dir, fixedNow);
    expect(service.report().problem).toMatch(/not valid JSON/);
    service.set({ ...DEFAULT_SETTINGS, theme: 'dark' });
    expect(service.report().problem).toBeNull();
  });

  it('a new data folder waits for a restart, and says so', () => {
    const dir = tempDir();
    const service = SettingsService.load(dir);
    const report = service.set({ ...DEFAULT_SETTINGS, dataFolder: join(tempDir(), 'db') });
    expect(report.restartPending).toEqual(['dataFolder']);
    expect(service.storeFolder(dir)).toBe(dir);
  });

  it('uses the data folder setting, and falls back to the default folder when it cannot be made', () => {
    const home = tempDir();
    const elsewhere = join(tempDir(), 'nested', 'db');
    saveSettingsFile(home, { ...DEFAULT_SETTINGS, dataFolder: elsewhere });
    expect(SettingsService.load(home).storeFolder(home)).toBe(elsewhere);
    expect(existsSync(elsewhere)).toBe(true);

    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, 'x');
    saveSettingsFile(home, { ...DEFAULT_SETTINGS, dataFolder: join(blocker, 'db') });
    const service = SettingsService.load(home);
    expect(service.storeFolder(home)).toBe(home);
    expect(service.report().problem).toMatch(/cannot be used .*default folder/);
  });
});

describe('settings through the engine protocol', () => {
  const engines: Engine[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
  });

  it('settingsGet, settingsSet and settingsChanged; bad settings are a bad_request naming the field', async () => {
    const dir = tempDir();
    const engine = await Engine.open({ dataDir: dir });
    engines.push(engine);
    expect((await engine.call('settingsGet', {})).settings).toEqual(DEFAULT_SETTINGS);

    const changed: unknown[] = [];
    engine.on('settingsChanged', (r) => changed.push(r.settings));
    const report = await engine.call('settingsSet', { settings: custom });
    expect(report).toMatchObject({ settings: custom, problem: null, file: join(dir, SETTINGS_FILE) });
    expect(changed).toEqual([custom]);

    const error = await engine.call('settingsSet', { settings: { retentionDays: -1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallError);
    expect((error as CallError).info).toMatchObject({ code: 'bad_request' });
    expect((error as CallError).info.message).toMatch(/settings\.retentionDays/);
  });

  it('a corrupt settings file does not stop the engine: it starts on defaults and reports it', async () => {
    const dir = withFile('{ corrupt');
    const engine = await Engine.open({ dataDir: dir });
    engines.push(engine);
    const report = await engine.call('settingsGet', {});
    expect(report.settings).toEqual(DEFAULT_SETTINGS);
    expect(report.problem).toMatch(/not valid JSON.*kept as .*settings\.json\.broken-/);
    expect((await engine.call('health', {})).records).toBe(0);
    rmSync(join(dir, SETTINGS_FILE));
  });
});
