/**
 * Our side of the figures: the CLI as a child process (import, with its peak RSS), the
 * engine in this process (search, histogram, facets: latency as the UI sees it, without a
 * process start in it), and `logscope serve` with headless Chromium (start to rows shown).
 *
 * Everything here tolerates parts of the project that do not exist yet: it reports what
 * is missing instead of failing.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MethodName, ParamsIn, Result } from '../src/shared/protocol';
import { BENCH_DIR } from './generate';
import { commandLine, runTimed, type Timed } from './peers';

export const ROOT = resolve(BENCH_DIR, '..');
export const CLI_ENTRY = join(ROOT, 'bin', 'logscope.js');
const CLI_BUNDLE = join(ROOT, 'out', 'cli', 'run.js');
const CLI_SOURCE = join(ROOT, 'src', 'cli', 'run.ts');
const ENGINE_SOURCE = join(ROOT, 'src', 'engine', 'engine.ts');
export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

export interface Cli {
  /** argv before the command's own arguments. */
  prefix: string[];
  /** How it is shown in the printed command lines. */
  display: string;
  /** Set when the CLI runs from source through tsx: its start is slower than the bundle's. */
  note: string | null;
}

/**
 * `node bin/logscope.js` when the bundle is built; otherwise the source through tsx (a
 * few hundred ms slower to start, said in the notes), or null when there is no CLI yet.
 */
export function findCli(): Cli | null {
  if (existsSync(CLI_ENTRY) && existsSync(CLI_BUNDLE)) {
    return { prefix: [CLI_ENTRY], display: 'node bin/logscope.js', note: null };
  }
  if (existsSync(CLI_SOURCE)) {
    return {
      prefix: ['--import', 'tsx', CLI_SOURCE],
      display: 'node --import tsx src/cli/run.ts',
      note: 'CLI not built (out/cli/run.js missing): ran src/cli/run.ts through tsx, which adds its own start-up time',
    };
  }
  return null;
}

export interface ImportRun extends Timed {
  command: string;
}

/** `logscope import --data DIR FILE`: wall time and peak RSS of the whole process. */
export async function importWithCli(cli: Cli, file: string, dataDir: string): Promise<ImportRun> {
  const args = [...cli.prefix, 'import', '--data', dataDir, file];
  const t = await runTimed(process.execPath, args, { cwd: ROOT, timeoutMs: 1_800_000 });
  if (t.code !== 0) throw new Error(`import exited with ${t.code}: ${shortError(t.stderr || t.stdout)}`);
  return { ...t, command: `${cli.display} import --data ${dataDir} ${file}` };
}

/** The line of a child's stderr that says what went wrong (an Error line, else the last line). */
export function shortError(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error = lines.find((l) => /^(\w+Error|Error)\b|^error:/i.test(l));
  return (error ?? lines[lines.length - 1] ?? '(no output)').slice(0, 400);
}

// ---------------------------------------------------------------------------------------
// The engine in this process

/** The shape the harness needs: protocol methods by name, and a way to close. */
export interface EngineLike {
  call<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<Result<M>>;
  close?(): Promise<void> | void;
}

type EngineModule = {
  openEngine?: (opts: { dataDir: string }) => Promise<EngineLike>;
  Engine?: { open?: (opts: { dataDir: string; mode?: 'desktop' | 'headless' }) => Promise<EngineLike> };
};

/**
 * Open the project's engine on `dataDir`: `openEngine({ dataDir })` from
 * src/engine/engine.ts, or `Engine.open(...)`. The path is computed so the type checker
 * does not tie the benchmark to the engine's current exports.
 */
export async function loadEngine(dataDir: string): Promise<{ engine: EngineLike } | { error: string }> {
  if (!existsSync(ENGINE_SOURCE)) return { error: 'engine not available yet (no src/engine/engine.ts)' };
  let mod: EngineModule;
  try {
    const url = pathToFileURL(ENGINE_SOURCE).href;
    mod = (await import(url)) as EngineModule;
  } catch (e) {
    return { error: `engine not available yet (import failed: ${(e as Error).message.split('\n')[0]})` };
  }
  const open =
    mod.openEngine ??
    (mod.Engine?.open ? (o: { dataDir: string }) => mod.Engine!.open!({ ...o, mode: 'headless' }) : null);
  if (!open)
    return { error: 'engine not available yet (src/engine/engine.ts exports neither openEngine nor Engine.open)' };
  try {
    return { engine: await open({ dataDir }) };
  } catch (e) {
    return { error: `engine did not open ${dataDir}: ${(e as Error).message}` };
  }
}

/**
 * One protocol call as the UI would wait for it: the call, then the result serialised as
 * it would be for the wire (the JSON.stringify is part of the time).
 */
export async function timedCall<M extends MethodName>(
  engine: EngineLike,
  method: M,
  params: ParamsIn<M>,
): Promise<{ ms: number; result: Result<M> }> {
  const started = performance.now();
  const result = await engine.call(method, params);
  JSON.stringify(result);
  return { ms: performance.now() - started, result };
}

// ---------------------------------------------------------------------------------------
// Headless start: spawn `serve`, load the page in Chromium, wait for rows

export interface StartRun {
  ms: number;
  /** Time until `serve` printed its URL. */
  listeningMs: number;
  /** Time until the page's DOMContentLoaded (HTML and the main bundle in). */
  pageLoadedMs: number;
  command: string;
}

/**
 * From spawning `logscope serve --data DIR --port 0` until the page shows
 * `[data-testid="log-row"]`. Chromium is started before the clock starts (a user's browser
 * is already open); each run gets a fresh browser context, and the server is stopped
 * (and waited for) after each run.
 *
 * Receivers are off (e2e/headless.ts's NO_RECEIVERS): serve's defaults listen on fixed
 * ports, which other tests and benchmarks on the machine hold, and a start is about the
 * UI. The URL is taken only from a whole line of output, so a chunk that ends inside the
 * token cannot give a truncated one.
 */
export async function headlessStart(cli: Cli, dataDir: string, runs: number): Promise<StartRun[] | { error: string }> {
  if (!existsSync(CHROMIUM)) return { error: `no Chromium at ${CHROMIUM}` };
  let chromium: typeof import('playwright-core').chromium;
  let headless: typeof import('../e2e/headless');
  try {
    ({ chromium } = await import('playwright-core'));
    headless = await import('../e2e/headless');
  } catch (e) {
    return { error: `playwright-core not available: ${(e as Error).message}` };
  }
  const launch = () => chromium.launch({ executablePath: CHROMIUM, args: headless.CHROMIUM_ARGS });
  let browser = await launch();
  const results: StartRun[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      // A browser that went away (crashed, or killed from outside) is started again,
      // before the clock, rather than failing every later run.
      if (!browser.isConnected()) browser = await launch();
      results.push(await oneStart(cli, dataDir, browser, headless.NO_RECEIVERS));
    }
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    await browser.close().catch(() => undefined);
  }
  return results;
}

async function oneStart(
  cli: Cli,
  dataDir: string,
  browser: import('playwright-core').Browser,
  noReceivers: readonly string[],
): Promise<StartRun> {
  const args = [...cli.prefix, 'serve', '--data', dataDir, '--port', '0', ...noReceivers];
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let context: import('playwright-core').BrowserContext | null = null;
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`serve printed no URL in 60 s: ${(out + err).slice(-400)}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^open (https?:\/\/\S+)\r?\n/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1]!);
        }
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`serve exited (${code ?? signal}) before printing its URL: ${err.slice(-400)}`));
      });
    });
    const listeningMs = performance.now() - started;
    context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    const pageLoadedMs = performance.now() - started;
    await page.locator('[data-testid="log-row"]').first().waitFor({ state: 'visible', timeout: 60_000 });
    const ms = performance.now() - started;
    return {
      ms,
      listeningMs,
      pageLoadedMs,
      command: commandLine(
        'node',
        args.map((a) => a.replace(ROOT + '/', '')),
      ),
    };
  } finally {
    await context?.close().catch(() => undefined);
    await stopChild(child, exited);
  }
}

/** SIGTERM (serve commits and closes), then SIGKILL after 30 s; resolves once it is gone. */
async function stopChild(child: import('node:child_process').ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
