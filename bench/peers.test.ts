import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, NEEDLE, NEEDLE_COUNT } from './generate';
import {
  commandLine,
  grepCount,
  LNAV,
  LNAV_NDJSON_USER_TABLE,
  LNAV_TABLE,
  lnavCountByStatus,
  lnavTimeToSearchable,
  parseLnavTable,
  withoutPri,
} from './peers';

describe('parseLnavTable', () => {
  it('reads the rows of lnav -n output', () => {
    expect(parseLnavTable('count(*) \n   77024 \n')).toEqual([['77024']]);
    expect(parseLnavTable('sc_status count(*) \n      200    63617 \n      404     2874 \n')).toEqual([
      ['200', '63617'],
      ['404', '2874'],
    ]);
  });
});

describe('commandLine', () => {
  it('quotes what a shell would split', () => {
    expect(
      commandLine('lnav', ['-n', '-c', ';SELECT count(*) FROM access_log', 'a.log'], { HOME: '$(mktemp -d)' }),
    ).toBe("HOME=$(mktemp -d) lnav -n -c ';SELECT count(*) FROM access_log' a.log");
  });
});

describe('withoutPri', () => {
  it("drops every line's <PRI> prefix and nothing else, across read chunks", () => {
    const dir = mkdtempSync(join(tmpdir(), 'logscope-bench-pri-'));
    const path = join(dir, 'syslog.log');
    const chunks: Buffer[] = [];
    generate('syslog', { seed: 3, size: 9 * 1024 * 1024 }, (c) => chunks.push(Buffer.from(c)));
    const text = Buffer.concat(chunks).toString('latin1');
    writeFileSync(path, text);
    const r = withoutPri(path);
    const expected = text.replace(/^<\d+>/gm, '');
    expect(r.path).toBe(join(dir, 'syslog.nopri.log'));
    expect(readFileSync(r.path, 'latin1')).toBe(expected);
    expect(r.bytes).toBe(expected.length);
    expect(withoutPri(path).bytes).toBe(r.bytes); // cached
    rmSync(dir, { recursive: true, force: true });
  });
});

/** The peers on small generated files: what the figures rely on, checked where lnav is. */
describe.skipIf(!existsSync(LNAV))('peers on generated files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logscope-bench-peers-'));
  const file = (format: 'access' | 'syslog' | 'ndjson' | 'log4j') => {
    const chunks: Buffer[] = [];
    const meta = generate(format, { seed: 1, size: 256 * 1024 }, (c) => chunks.push(Buffer.from(c)));
    const path = join(dir, `${format}.log`);
    writeFileSync(path, Buffer.concat(chunks));
    return { path, meta };
  };

  it('lnav parses every record of the access log and log4j, and counts statuses as generated', async () => {
    const access = file('access');
    expect((await lnavTimeToSearchable(access.path, LNAV_TABLE.access!)).count).toBe(access.meta.records);
    expect((await lnavCountByStatus(access.path)).counts).toEqual(access.meta.counts.status);
    const log4j = file('log4j');
    expect((await lnavTimeToSearchable(log4j.path, LNAV_TABLE.log4j!)).count).toBe(log4j.meta.records);
  });

  it('lnav 0.11 skips <PRI> syslog lines; NDJSON needs the user format', async () => {
    const syslog = file('syslog');
    const withoutPriLines = syslog.meta.records - readFileSync(syslog.path, 'latin1').split('\n<').length + 1;
    const n = (await lnavTimeToSearchable(syslog.path, LNAV_TABLE.syslog!)).count;
    // Every line without a <PRI> is a record (the first line, if it has one, may be too).
    expect(n === withoutPriLines || n === withoutPriLines + 1).toBe(true);
    expect((await lnavTimeToSearchable(withoutPri(syslog.path).path, LNAV_TABLE.syslog!)).count).toBe(
      syslog.meta.records,
    );
    const ndjson = file('ndjson');
    expect((await lnavTimeToSearchable(ndjson.path, LNAV_NDJSON_USER_TABLE, { ndjsonUserFormat: true })).count).toBe(
      ndjson.meta.records,
    );
  });

  it('grep counts the needle', async () => {
    const access = file('access');
    expect((await grepCount(access.path, NEEDLE)).count).toBe(NEEDLE_COUNT);
    rmSync(dir, { recursive: true, force: true });
  });
});
