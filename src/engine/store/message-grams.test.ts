import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAM_BITS, GramBloom, needleBits } from './message-grams';
import { codePointTable } from '../testing/code-points';

let conn: DuckDBConnection;
beforeAll(async () => {
  conn = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => conn.closeSync());

const has = (bloom: GramBloom, bit: number) => (bloom.bits[bit >>> 3]! & (0x80 >>> (bit & 7))) !== 0;

describe('message grams (the skip index)', () => {
  it("folds as DuckDB's lower() does at the ASCII level (checked for every code point)", async () => {
    // The index is exact only if the only characters DuckDB lowers to ASCII are A–Z and
    // the two the fold knows (İ → i, Kelvin sign → k).
    await codePointTable(conn, 'cp');
    const rows = (await conn.runAndReadAll(`SELECT c, lower(c) AS l FROM cp WHERE regexp_matches(lower(c), '[\\x01-\\x7f]') AND unicode(c) > 127`)).getRowObjectsJS() as { c: string; l: string }[];
    expect(rows.map((r) => [r.c.codePointAt(0)!.toString(16), r.l]).sort()).toEqual([
      ['130', 'i'],
      ['212a', 'k'],
    ]);
    const ascii = (await conn.runAndReadAll(`SELECT c, lower(c) AS l FROM cp WHERE unicode(c) < 128`)).getRowObjectsJS() as { c: string; l: string }[];
    expect(ascii.filter((r) => r.l !== r.c.replace(/[A-Z]/g, (x) => x.toLowerCase()))).toEqual([]);
  });

  it('never misses: whenever DuckDB finds the needle in a message, every needle bit is set in the block', async () => {
    // A small alphabet, so needles often occur; cased, caseless and special characters.
    const char = fc.constantFrom(...'aAbBkK-_ .:/0 1İıKßΣσς日€\u0301'.split(''), '\u{1F600}');
    const text = (max: number) => fc.array(char, { maxLength: max }).map((cs) => cs.join(''));
    // Half the needles are cut from one of the messages and re-cased, so most are found.
    const pair = fc
      .tuple(fc.array(text(40), { minLength: 1, maxLength: 5 }), text(6), fc.nat(), fc.nat(), fc.integer({ min: 3, max: 12 }), fc.constantFrom('random', 'same', 'upper', 'lower'))
      .map(([messages, random, which, start, len, how]): [string[], string] => {
        if (how === 'random') return [messages, random];
        const m = messages[which % messages.length]!;
        const cut = m.slice(start % (m.length + 1), (start % (m.length + 1)) + len);
        return [messages, how === 'upper' ? cut.toUpperCase() : how === 'lower' ? cut.toLowerCase() : cut];
      });
    const pairs = fc.sample(pair, { numRuns: 6000, seed: 7 });
    // The two characters DuckDB lowers to ASCII, beside ASCII letters.
    pairs.push([['exİt code'], 'exit'], [['10 Kelvin: 5\u212Ab'], 'KB'], [['ΣΑΣ xİİy'], 'XIIY']);
    await conn.run('CREATE TABLE pairs (k INTEGER, message VARCHAR, needle VARCHAR)');
    const appender = await conn.createAppender('pairs');
    pairs.forEach(([messages, needle], k) => {
      for (const m of messages) {
        appender.appendInteger(k);
        appender.appendVarchar(m);
        appender.appendVarchar(needle);
        appender.endRow();
      }
    });
    appender.closeSync();
    const found = (await conn.runAndReadAll(
      `SELECT DISTINCT k FROM pairs WHERE contains(lower(message), lower(needle)) OR contains(message, needle)`,
    )).getRowObjectsJS() as { k: number }[];
    expect(found.length).toBeGreaterThan(1000);
    let checkedBits = 0;
    for (const { k } of found) {
      const [messages, needle] = pairs[k]!;
      const bloom = new GramBloom();
      for (const m of messages) bloom.add(m);
      for (const bit of needleBits(needle)) {
        checkedBits++;
        expect(has(bloom, bit), `needle ${JSON.stringify(needle)} in ${JSON.stringify(messages)}`).toBe(true);
      }
    }
    expect(checkedBits).toBeGreaterThan(800);
  });

  it('tells blocks apart: a rare needle passes almost no block of other text', () => {
    const needleSet = needleBits('rare-needle-5f3c9a');
    expect(needleSet.length).toBe(16);
    let passed = 0;
    for (let b = 0; b < 200; b++) {
      const bloom = new GramBloom();
      for (let i = 0; i < 2048; i++) {
        const n = b * 2048 + i;
        bloom.add(`10.${n % 251}.${n % 13}.7 GET /api/v1/items/${(n * 7919) % 100000}?q=${n.toString(36)} HTTP/1.1 200 ${n % 5000} Mozilla/5.0`);
      }
      const filled = bloom.bits.reduce((s, x) => s + popcount(x), 0) / GRAM_BITS;
      expect(filled).toBeLessThan(0.6);
      if (needleSet.every((bit) => has(bloom, bit))) passed++;
    }
    expect(passed).toBe(0);
    expect(needleBits('ab')).toEqual([]); // no trigram: nothing to look up
  });
});

function popcount(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}
