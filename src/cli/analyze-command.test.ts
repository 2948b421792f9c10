import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, writeFile } from '../engine/testing/fixtures';
import { writeTinyModels } from '../engine/ml/testing';
import { main } from './index';

const dir = tempDir();
const models = tempDir('logscope-models-');
writeTinyModels(models);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(models, { recursive: true, force: true });
});

function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return main(['analyze', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

describe('logscope analyze', () => {
  const file = writeFile(
    dir,
    'app.log',
    [
      'ERROR: deadlock detected while waiting for lock on table orders',
      'Failed password for root from 10.0.0.1 port 22 ssh2',
      'Failed password for root from 10.0.0.2 port 22 ssh2',
    ].join('\n') + '\n',
  );

  it('prints one object per record with its pattern, category and severity', async () => {
    const r = await run(['--ndjson', '--models', models, file]);
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0]!)).toEqual(['line', 'pattern', 'template', 'level', 'severity', 'severity_inferred', 'category', 'confidence', 'anomaly', 'anomalous']);
    expect(rows[1]).toMatchObject({ line: 2, category: 'security', level: null, severity_inferred: true, anomaly: null, anomalous: null });
    expect(rows[1]!.pattern).toBe(rows[2]!.pattern);
    expect(typeof rows[1]!.confidence).toBe('number');
  });

  it('summarises by category and severity, and says when models are missing', async () => {
    const r = await run(['--models', dir, file]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/3 records in 1 file/);
    expect(r.out).toMatch(/\(none\)\s+\d/);
    expect(r.err).toMatch(/model category missing/);
    expect(r.out).toMatch(/\(none\)\s+3\s/);
    const ok = await run(['--models', models, file]);
    expect(ok.out).toMatch(/security\s+2/);
  });

  it('needs a file, and reports one it cannot read', async () => {
    expect((await run([])).code).toBe(2);
    const r = await run(['--models', models, `${dir}/nope.log`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nope\.log/);
  });
});
