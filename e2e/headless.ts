import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { chromium, type Browser } from 'playwright-core';

/**
 * The receivers `serve` starts by default listen on fixed ports (9880, 5514, 12201), which
 * two test files running at once would fight over: tests turn them off unless they ask.
 */
export const NO_RECEIVERS = ['--http-port', '0', '--syslog-udp-port', '0', '--syslog-tcp-port', '0', '--gelf-udp-port', '0'];

/** `logscope serve` as a user starts it, on a fresh data folder; resolves with its URL once it is ready. */
export function startServe(dataDir: string, extraArgs: string[] = []): Promise<{ proc: ChildProcess; url: string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    // Later flags win, so extraArgs can turn a receiver back on.
    const args = ['bin/logscope.js', 'serve', '--data', dataDir, '--port', '0', ...NO_RECEIVERS, ...extraArgs];
    const proc = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL in 20 s: ${out}${err}`)), 20_000);
    proc.stderr!.on('data', (d) => (err += d));
    proc.stdout!.on('data', (d) => {
      out += d;
      // The URL comes first; "LogScope is serving" once the engine and receivers are up.
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m && /LogScope is serving/.test(out)) {
        clearTimeout(timer);
        const stop = () =>
          new Promise<void>((done) => {
            if (proc.exitCode !== null) return done();
            proc.once('exit', () => done());
            proc.kill('SIGTERM');
          });
        resolve({ proc, url: m[1]!, stop });
      }
    });
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

/** Headless Chromium as the tests (and bench/ours.ts) run it: no GPU, no sandbox, no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A port the system just handed out and released: a receiver started next takes it. */
export async function ephemeralPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** POST records as NDJSON to the HTTP receiver on `port`; the answer's status. */
export async function postNdjson(port: number, lines: object[]): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: lines.map((l) => JSON.stringify(l)).join('\n') + '\n',
  });
  return res.status;
}
