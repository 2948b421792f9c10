/** Helpers for the receivers' tests: run real clients, send raw bytes. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

/** The system's Python when there is one: a pyenv shim in front of python3 costs seconds per start. */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Runs a command to its end; rejects with its stderr when it fails. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { env: { ...process.env, ...env }, timeout: 15_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

export async function sendUdp(port: number, payloads: Array<string | Buffer>, host = '127.0.0.1'): Promise<void> {
  const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    for (const p of payloads) {
      await new Promise<void>((resolve, reject) => sock.send(p, port, host, (err) => (err ? reject(err) : resolve())));
    }
  } finally {
    sock.close();
  }
}

/** Writes bytes over one TCP connection and closes it (half-close, then waits for the server to close). */
export async function sendTcp(port: number, data: string | Buffer, host = '127.0.0.1'): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const sock = connect(port, host, () => sock.end(data));
    sock.on('error', reject);
    sock.on('close', () => resolve());
    sock.resume();
  });
}

/** "<len> <msg>" framing of RFC 6587, with the length in bytes. */
export function octetFrame(msg: string): string {
  return `${Buffer.byteLength(msg)} ${msg}`;
}
