import path from 'node:path';
import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DOWNLOAD_TIMEOUT_MS,
  chooseLaunch,
  downloadFailure,
  downloadTimeoutMs,
  electronArgs,
  electronEnv,
  exitCodeOf,
  findElectronBinary,
  headlessArgs,
  headlessNotice,
  missingDisplay,
  signalsToForward,
  type MachineProbe,
} from './start-logic';

const EL = '/repo/node_modules/electron';

/** A machine: files that exist (with their text), an environment, a platform. */
function machine(options: {
  platform?: NodeJS.Platform;
  env?: Record<string, string | undefined>;
  files?: Record<string, string>;
  electronDir?: string | null;
}): MachineProbe {
  const files = options.files ?? {};
  return {
    platform: options.platform ?? 'linux',
    env: options.env ?? { DISPLAY: ':0' },
    electronDir: options.electronDir === undefined ? EL : options.electronDir,
    exists: (file) => Object.hasOwn(files, file),
    readText: (file) => files[file] ?? null,
  };
}

const installed = {
  [path.join(EL, 'path.txt')]: 'electron',
  [path.join(EL, 'dist', 'electron')]: '',
  [path.join(EL, 'install.js')]: '',
};
const notDownloaded = { [path.join(EL, 'install.js')]: '' };

describe('missingDisplay', () => {
  it('on Linux needs DISPLAY or WAYLAND_DISPLAY', () => {
    expect(missingDisplay('linux', {})).toMatch(/no display/);
    expect(missingDisplay('linux', { DISPLAY: '' })).toMatch(/no display/);
    expect(missingDisplay('linux', { DISPLAY: ':0' })).toBeNull();
    expect(missingDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBeNull();
    expect(missingDisplay('freebsd', {})).toMatch(/no display/);
  });

  it('on macOS and Windows needs nothing', () => {
    expect(missingDisplay('darwin', {})).toBeNull();
    expect(missingDisplay('win32', {})).toBeNull();
  });
});

describe('findElectronBinary', () => {
  it('finds dist/<path.txt>', () => {
    expect(findElectronBinary(machine({ files: installed }))).toEqual({
      found: true,
      binary: path.join(EL, 'dist', 'electron'),
    });
  });

  it('uses the platform path from path.txt (macOS app bundle)', () => {
    const mac = 'Electron.app/Contents/MacOS/Electron';
    const files = { [path.join(EL, 'path.txt')]: mac, [path.join(EL, 'dist', mac)]: '' };
    expect(findElectronBinary(machine({ platform: 'darwin', files }))).toEqual({
      found: true,
      binary: path.join(EL, 'dist', mac),
    });
  });

  it('reports a missing download, a missing binary, a missing package', () => {
    expect(findElectronBinary(machine({ files: notDownloaded }))).toEqual({
      found: false,
      why: "Electron's binary has not been downloaded",
    });
    const gone = findElectronBinary(machine({ files: { [path.join(EL, 'path.txt')]: 'electron' } }));
    expect(gone.found).toBe(false);
    expect(findElectronBinary(machine({ electronDir: null }))).toEqual({
      found: false,
      why: 'the electron package is not installed',
    });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron/index.js', () => {
    const env = { DISPLAY: ':0', ELECTRON_OVERRIDE_DIST_PATH: '/opt/el' };
    expect(findElectronBinary(machine({ env, files: { '/opt/el/electron': '' } }))).toEqual({
      found: true,
      binary: '/opt/el/electron',
    });
    expect(findElectronBinary(machine({ env })).found).toBe(false);
  });
});

describe('chooseLaunch', () => {
  it('runs Electron when there is a display and the binary', () => {
    expect(chooseLaunch(machine({ files: installed }))).toEqual({
      kind: 'electron',
      binary: path.join(EL, 'dist', 'electron'),
    });
  });

  it('goes headless without a display, before looking for (or downloading) anything', () => {
    const launch = chooseLaunch(machine({ env: {}, files: notDownloaded }));
    expect(launch).toEqual({ kind: 'headless', why: 'no display: neither DISPLAY nor WAYLAND_DISPLAY is set' });
  });

  it('asks to download a missing binary once, then runs Electron if that worked', () => {
    const probe = machine({ files: notDownloaded });
    expect(chooseLaunch(probe)).toEqual({ kind: 'download', installScript: path.join(EL, 'install.js') });
    // The download put the files in place.
    Object.assign(probe, machine({ files: installed }));
    expect(chooseLaunch(probe, { ok: true })).toEqual({ kind: 'electron', binary: path.join(EL, 'dist', 'electron') });
  });

  it('goes headless when the download failed, saying why', () => {
    const launch = chooseLaunch(machine({ files: notDownloaded }), { ok: false, why: 'fetch failed' });
    expect(launch).toEqual({
      kind: 'headless',
      why: "Electron's binary is missing and could not be downloaded: fetch failed",
    });
  });

  it('never asks to download twice, even if the download "succeeded" without a binary', () => {
    const launch = chooseLaunch(machine({ files: notDownloaded }), { ok: true });
    expect(launch.kind).toBe('headless');
  });

  it('goes headless without the electron package, or when asked to', () => {
    expect(chooseLaunch(machine({ electronDir: null }))).toEqual({
      kind: 'headless',
      why: 'the electron package is not installed',
    });
    expect(chooseLaunch(machine({ env: { DISPLAY: ':0', LOGSCOPE_HEADLESS: '1' }, files: installed }))).toEqual({
      kind: 'headless',
      why: 'LOGSCOPE_HEADLESS is set',
    });
  });

  it('does not download over an ELECTRON_OVERRIDE_DIST_PATH that is wrong', () => {
    const launch = chooseLaunch(
      machine({ env: { DISPLAY: ':0', ELECTRON_OVERRIDE_DIST_PATH: '/nope' }, files: notDownloaded }),
    );
    expect(launch.kind).toBe('headless');
  });
});

describe('headlessNotice', () => {
  it('is one line that says why and that headless mode starts', () => {
    const line = headlessNotice('no display: neither DISPLAY nor WAYLAND_DISPLAY is set');
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('no display');
    expect(line).toContain('headless mode');
  });
});

describe('downloadFailure', () => {
  const base = { code: 1, signal: null, timedOutAfterMs: null };

  it("keeps install.js's error message and drops its stack trace", () => {
    const stderr =
      'TypeError: fetch failed\n    at node:internal/deps/undici/undici:14976:13\n    at async FetchDownloader.download (file:///x.js:46:30)\n';
    expect(downloadFailure({ ...base, stderr })).toBe('fetch failed');
    expect(downloadFailure({ ...base, stderr: 'HTTPError: Response code 404 (Not Found)\n  at x' })).toBe(
      'Response code 404 (Not Found)',
    );
    const warned =
      '(node:42) ExperimentalWarning: something\n(Use `node --trace-warnings ...`)\nError: getaddrinfo ENOTFOUND github.com\n    at x\n';
    expect(downloadFailure({ ...base, stderr: warned })).toBe('getaddrinfo ENOTFOUND github.com');
    expect(downloadFailure({ ...base, stderr: '    at a (x.js:1)\nsomething odd happened\n' })).toBe(
      'something odd happened',
    );
  });

  it('says when it timed out, or how it ended when there is no message', () => {
    expect(downloadFailure({ ...base, stderr: 'partial', timedOutAfterMs: 90_000 })).toBe('no answer within 90 s');
    expect(downloadFailure({ ...base, stderr: '' })).toBe('install.js exited with code 1');
    expect(downloadFailure({ code: null, signal: 'SIGKILL', stderr: '', timedOutAfterMs: null })).toBe(
      'the download was stopped (SIGKILL)',
    );
  });

  it('keeps it short', () => {
    expect(downloadFailure({ ...base, stderr: `Error: ${'x'.repeat(500)}` }).length).toBe(160);
  });
});

describe('downloadTimeoutMs', () => {
  it('defaults, takes seconds from the environment, and 0 turns the download off', () => {
    expect(downloadTimeoutMs({})).toBe(DEFAULT_DOWNLOAD_TIMEOUT_MS);
    expect(downloadTimeoutMs({ LOGSCOPE_ELECTRON_DOWNLOAD_TIMEOUT: '5' })).toBe(5_000);
    expect(downloadTimeoutMs({ LOGSCOPE_ELECTRON_DOWNLOAD_TIMEOUT: '0' })).toBe(0);
    expect(downloadTimeoutMs({ LOGSCOPE_ELECTRON_DOWNLOAD_TIMEOUT: 'soon' })).toBe(DEFAULT_DOWNLOAD_TIMEOUT_MS);
    expect(downloadTimeoutMs({ LOGSCOPE_ELECTRON_DOWNLOAD_TIMEOUT: '-1' })).toBe(DEFAULT_DOWNLOAD_TIMEOUT_MS);
  });
});

describe('command lines', () => {
  it('Electron gets the app folder, then the user arguments', () => {
    expect(electronArgs('/repo', ['a.log', '--x'])).toEqual(['/repo', 'a.log', '--x']);
  });

  it('Electron never runs as plain Node, whatever the terminal set', () => {
    const env = electronEnv({ ELECTRON_RUN_AS_NODE: '1', PATH: '/bin' });
    expect(env).toEqual({ PATH: '/bin' });
  });

  it('headless runs `bin/logscope.js serve` with the user arguments', () => {
    expect(headlessArgs('/repo/bin/logscope.js', ['--port', '8080'])).toEqual([
      '/repo/bin/logscope.js',
      'serve',
      '--port',
      '8080',
    ]);
  });
});

describe('signals and exit codes', () => {
  it('does not send a second SIGINT after Ctrl+C in a terminal', () => {
    expect(signalsToForward(true)).not.toContain('SIGINT');
    expect(signalsToForward(true)).toContain('SIGTERM');
    expect(signalsToForward(false)).toContain('SIGINT');
  });

  it("exits with the child's code, or 128 + the signal number", () => {
    expect(exitCodeOf(0, null, constants.signals)).toBe(0);
    expect(exitCodeOf(3, null, constants.signals)).toBe(3);
    expect(exitCodeOf(null, 'SIGINT', constants.signals)).toBe(130);
    expect(exitCodeOf(null, null, constants.signals)).toBe(1);
  });
});
