/**
 * The Sources view's configuration snippets, checked against the real tools where they
 * are installed here: rsyslogd validates its config, Python runs its snippet and the
 * record arrives, logger sends one, Node parses the JavaScript, Python's TOML and YAML
 * parsers read Vector's, the Collector's and Promtail's. Fluent Bit, Alloy and Docker are
 * not installed: their snippets follow the tools' documented syntax (see snippets.ts).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../src/engine/engine';
import { tempDir } from '../src/engine/testing/fixtures';
import { SNIPPETS, senderHost, type Snippet, type SnippetTarget } from '../src/renderer/views/sources/snippets';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const RSYSLOGD = ['/usr/sbin/rsyslogd', '/usr/bin/rsyslogd'].find((p) => existsSync(p)) ?? null;
/** Asynchronous: the engine under test runs in this process and must answer meanwhile. */
const run = promisify(execFile);
const hasPythonModule = (m: string) => spawnSync(PYTHON, ['-c', `import ${m}`]).status === 0;

const TOKEN = 'tok_Zq9-3vKp_x7LmNw2RtY8';
const target: SnippetTarget = { host: '127.0.0.1', port: 9880, token: TOKEN };
const snippet = (id: string): Snippet => SNIPPETS.find((s) => s.id === id)!;
const dir = tempDir();
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.open({ dataDir: tempDir() });
});
afterAll(async () => {
  await engine?.close();
});

async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const end = Date.now() + 15_000;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('configuration snippets', () => {
  it('name every tool the Sources view promises, each with and without a token', () => {
    expect(SNIPPETS.map((s) => s.id)).toEqual(
      expect.arrayContaining([
        'rsyslog',
        'fluent-bit',
        'vector',
        'otel-collector',
        'alloy',
        'promtail',
        'python',
        'pino',
        'winston',
      ]),
    );
    for (const s of SNIPPETS) {
      const withToken = s.render(target);
      const without = s.render({ ...target, token: null });
      expect(withToken, s.id).toContain('9880');
      if (s.receiver === 'http') expect(withToken, s.id).toContain(TOKEN);
      expect(without, s.id).not.toContain('tok_');
    }
    expect(senderHost('0.0.0.0', 'logs.example.org')).toBe('logs.example.org');
    expect(senderHost('::', 'localhost')).toBe('127.0.0.1');
    expect(senderHost('192.0.2.7', 'x')).toBe('192.0.2.7');
  });

  it.skipIf(!RSYSLOGD)('rsyslog: rsyslogd -N1 accepts the config', () => {
    const conf = file('rsyslog.conf', snippet('rsyslog').render({ host: '127.0.0.1', port: 5514, token: null }));
    const r = spawnSync(RSYSLOGD!, ['-N1', '-f', conf], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('Python: the snippet runs and its record is stored, authenticated with the token', async () => {
    const http = await engine.call('liveSourceAdd', { kind: 'http', config: { port: 0, token: TOKEN } });
    const code = snippet('python').render({ host: '127.0.0.1', port: http.port!, token: TOKEN });
    await run(PYTHON, ['-c', code], { timeout: 15_000 });
    const found = await until(
      () => engine.call('search', { query: '"hello from Python"', limit: 5 }),
      (r) => r.rows.length > 0,
      'the Python record',
    );
    expect(found.rows[0]).toMatchObject({ level: 'warn', source: 'http:ingest' });
    // Without the token the receiver refuses: the snippet's credentials are what let it in.
    const bad = snippet('python').render({ host: '127.0.0.1', port: http.port!, token: null });
    await run(PYTHON, ['-c', bad.replace('hello from Python', 'not stored')], { timeout: 15_000 });
    expect((await engine.call('search', { query: '"not stored"', limit: 1 })).rows).toEqual([]);
  });

  it('logger: the shell snippet sends a record the syslog receiver stores', async () => {
    const udp = await engine.call('liveSourceAdd', { kind: 'syslog-udp', config: { port: 0, flushMs: 5 } });
    const cmd = snippet('logger').render({ host: '127.0.0.1', port: udp.port!, token: null });
    await run('bash', ['-c', cmd], { timeout: 15_000 });
    await until(
      () => engine.call('search', { query: '"hello from logger"', limit: 1 }),
      (r) => r.rows.length === 1,
      'the logger record',
    );
  });

  it('JavaScript and shell snippets parse (node --check, bash -n)', () => {
    for (const id of ['pino', 'winston']) {
      const p = file(`${id}.cjs`, snippet(id).render(target));
      const r = spawnSync(process.execPath, ['--check', p], { encoding: 'utf8' });
      expect(r.status, `${id}: ${r.stderr}`).toBe(0);
    }
    for (const id of ['docker-gelf', 'logger']) {
      const r = spawnSync('bash', ['-n', file(`${id}.sh`, snippet(id).render(target))], { encoding: 'utf8' });
      expect(r.status, `${id}: ${r.stderr}`).toBe(0);
    }
  });

  it.skipIf(!hasPythonModule('tomllib'))('Vector: the TOML parses to an http sink with the URI and bearer auth', () => {
    const p = file('vector.toml', snippet('vector').render(target));
    const out = execFileSync(
      PYTHON,
      ['-c', 'import json,sys,tomllib; print(json.dumps(tomllib.load(open(sys.argv[1],"rb"))))', p],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual({
      sinks: {
        logscope: {
          type: 'http',
          inputs: ['my_source'],
          uri: 'http://127.0.0.1:9880/ingest',
          method: 'post',
          encoding: { codec: 'json' },
          framing: { method: 'newline_delimited' },
          auth: { strategy: 'bearer', token: TOKEN },
        },
      },
    });
  });

  it.skipIf(!hasPythonModule('yaml'))(
    'OpenTelemetry Collector and Promtail: the YAML parses to the documented keys',
    () => {
      const load = (id: string) =>
        JSON.parse(
          execFileSync(
            PYTHON,
            [
              '-c',
              'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))',
              file(`${id}.yaml`, snippet(id).render(target)),
            ],
            {
              encoding: 'utf8',
            },
          ),
        );
      const otel = load('otel-collector');
      expect(otel.exporters['otlphttp/logscope']).toEqual({
        endpoint: 'http://127.0.0.1:9880',
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      expect(otel.service.pipelines.logs).toEqual({ receivers: ['otlp'], exporters: ['otlphttp/logscope'] });
      const promtail = load('promtail');
      expect(promtail.clients).toEqual([{ url: 'http://127.0.0.1:9880/loki/api/v1/push', bearer_token: TOKEN }]);
      expect(promtail.scrape_configs[0].static_configs[0].labels.__path__).toBe('/var/log/app/*.log');
    },
  );

  it('Fluent Bit and Alloy: the shapes their documentation gives', () => {
    const fb = snippet('fluent-bit').render(target).trim().split('\n');
    expect(fb[0]).toBe('[OUTPUT]');
    // Classic format: every entry is "    Key value" under its section.
    for (const line of fb.slice(1)) expect(line).toMatch(/^ {4}[A-Za-z_]+ +\S/);
    expect(fb).toContain(`    Header           Authorization Bearer ${TOKEN}`);
    const alloy = snippet('alloy').render(target);
    expect(alloy.split('{').length).toBe(alloy.split('}').length);
    expect(alloy).toContain('url = "http://127.0.0.1:9880/loki/api/v1/push"');
    expect(alloy).toContain(`bearer_token = "${TOKEN}"`);
  });
});
