// `npm start`: the built desktop app with Electron, or headless mode (`logscope serve`)
// where Electron cannot start (no display, or its binary is missing and cannot be
// fetched). It says why in one line, never prints a stack trace and never hangs.
// The decisions are in start-logic.ts (tested); this file only runs them.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const userArgs = process.argv.slice(2);
// npm runs scripts from the package folder; relative file arguments mean the user's folder.
const userCwd = process.env.INIT_CWD || process.cwd();

function say(line) {
  process.stderr.write(`${line}\n`);
}

function fail(line) {
  say(line);
  process.exit(1);
}

/** Runs `command`, passes signals on, and exits with its exit code. */
function runChild(command, args, options, logic) {
  const child = spawn(command, args, { stdio: 'inherit', cwd: userCwd, ...options });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    // Stay alive until the child is done, so the terminal gets its output to the end.
    process.on(signal, () => {
      if (logic.signalsToForward(Boolean(process.stdin.isTTY)).includes(signal)) child.kill(signal);
    });
  }
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ error }));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

function electronDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** Runs electron's install.js with a time limit; its output is kept for a one-line reason. */
function download(installScript, logic) {
  const timeoutMs = logic.downloadTimeoutMs(process.env);
  if (timeoutMs === 0)
    return Promise.resolve({ ok: false, why: 'downloading is turned off (LOGSCOPE_ELECTRON_DOWNLOAD_TIMEOUT=0)' });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [installScript], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 20_000) stderr += chunk;
    });
    // Only mention the download if it takes a while; a quick failure needs no extra line.
    const notice = setTimeout(
      () => say(`LogScope: downloading Electron (first launch; up to ${Math.round(timeoutMs / 1000)} s)…`),
      2_000,
    );
    const limit = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const done = (outcome) => {
      clearTimeout(notice);
      clearTimeout(limit);
      resolve(outcome);
    };
    child.on('error', (error) => done({ ok: false, why: error.message }));
    child.on('exit', (code, signal) => {
      if (code === 0 && !timedOut) return done({ ok: true });
      done({
        ok: false,
        why: logic.downloadFailure({ code, signal, stderr, timedOutAfterMs: timedOut ? timeoutMs : null }),
      });
    });
  });
}

async function runHeadless(why, logic) {
  say(logic.headlessNotice(why));
  const bin = path.join(root, 'bin', 'logscope.js');
  if (!existsSync(bin)) fail(`LogScope: headless mode is not available either: ${bin} is missing.`);
  const result = await runChild(process.execPath, logic.headlessArgs(bin, userArgs), {}, logic);
  if (result.error) fail(`LogScope: could not start headless mode: ${result.error.message}`);
  process.exit(logic.exitCodeOf(result.code, result.signal, constants.signals));
}

async function runElectron(binary, logic) {
  if (!existsSync(path.join(root, 'out', 'main', 'index.js'))) {
    fail('LogScope: the app is not built yet; run `npm run build` first.');
  }
  // Now that the binary is known to exist, require('electron') returns its path without
  // trying to download; use it so we run exactly what the package would.
  let electronPath = binary;
  try {
    const resolved = require('electron');
    if (typeof resolved === 'string') electronPath = resolved;
  } catch {
    // Keep the path we found.
  }
  const result = await runChild(
    electronPath,
    logic.electronArgs(root, userArgs),
    { env: logic.electronEnv(process.env) },
    logic,
  );
  if (result.error) {
    // The binary is there but would not run (wrong architecture, no permission).
    return runHeadless(`Electron would not run: ${result.error.message}`, logic);
  }
  process.exit(logic.exitCodeOf(result.code, result.signal, constants.signals));
}

async function loadLogic() {
  try {
    const { tsImport } = await import('tsx/esm/api');
    return await tsImport('./start-logic.ts', import.meta.url);
  } catch (error) {
    fail(`LogScope: cannot load scripts/start-logic.ts (${error.message}); run \`npm install\` first.`);
  }
}

async function main() {
  const logic = await loadLogic();
  const probe = {
    platform: process.platform,
    env: process.env,
    electronDir: electronDir(),
    exists: existsSync,
    readText: (file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return null;
      }
    },
  };
  let launch = logic.chooseLaunch(probe);
  if (launch.kind === 'download') launch = logic.chooseLaunch(probe, await download(launch.installScript, logic));
  if (launch.kind === 'electron') await runElectron(launch.binary, logic);
  else await runHeadless(launch.why, logic);
}

main().catch((error) => fail(`LogScope: could not start: ${error instanceof Error ? error.message : String(error)}`));
