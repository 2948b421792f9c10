import { describe, expect, it } from 'vitest';
import { StreamFramer, type FramerOptions } from './framing';

const SYSLOG: FramerOptions = { maxBytes: 64, octetCounting: true, lf: true };

function frames(
  chunks: Array<string | Buffer>,
  opts: FramerOptions = SYSLOG,
  end = true,
): Array<[string, string | null]> {
  const out: Array<[string, string | null]> = [];
  const f = new StreamFramer(opts, (buf, s, e, cut) => out.push([buf.toString('utf8', s, e), cut]));
  for (const c of chunks) f.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  if (end) f.end();
  return out;
}

/** Every way of cutting `stream` in two and three pieces gives the same frames as one piece. */
function sameWhereverSplit(stream: string, opts: FramerOptions = SYSLOG): Array<[string, string | null]> {
  const whole = frames([stream], opts);
  const b = Buffer.from(stream);
  for (let i = 0; i <= b.length; i++) {
    expect(frames([b.subarray(0, i), b.subarray(i)], opts), `split at ${i}`).toEqual(whole);
    for (let j = i; j <= b.length; j += 7)
      expect(frames([b.subarray(0, i), b.subarray(i, j), b.subarray(j)], opts)).toEqual(whole);
  }
  return whole;
}

describe('StreamFramer (syslog)', () => {
  it('recognises octet counting and LF framing per message, wherever the stream is split', () => {
    const counted = (m: string) => `${Buffer.byteLength(m)} ${m}`;
    const stream = `${counted('<13>hello\n')}<14>line one\n${counted('<1>a\nb c')}\r\n<13>crlf\r\n${counted('<13>ünïcode')}\n<15>last`;
    expect(sameWhereverSplit(stream)).toEqual([
      ['<13>hello\n', null],
      ['<14>line one', null],
      ['<1>a\nb c', null],
      ['<13>crlf', null],
      ['<13>ünïcode', null],
      ['<15>last', null],
    ]);
  });

  it('takes NUL as the end of a message, and LF as text once a connection has used NUL', () => {
    const counted = (m: string) => `${Buffer.byteLength(m)} ${m}`;
    expect(
      sameWhereverSplit(`<14>first\n<15>nul framed\u0000<15>multi\nline\u0000${counted('<1>x')}<2>y\u0000`),
    ).toEqual([
      ['<14>first', null],
      ['<15>nul framed', null],
      ['<15>multi\nline', null],
      ['<1>x', null],
      ['<2>y', null],
    ]);
  });

  it('reads a frame that starts with digits but has no count as text', () => {
    expect(sameWhereverSplit('2024-01-02 stamped\n12345678901 eleven digits\n')).toEqual([
      ['2024-01-02 stamped', null],
      ['12345678901 eleven digits', null],
    ]);
  });

  it('cuts an octet-counted message over the limit, marks it and skips the rest of its frame', () => {
    const big = 'x'.repeat(100);
    const out = sameWhereverSplit(`100 ${big}5 <1>ok`);
    expect(out).toEqual([
      ['x'.repeat(64), 'octet count 100 is over the limit of 64 bytes: message cut'],
      ['<1>ok', null],
    ]);
  });

  it('cuts an LF-framed message over the limit and skips to its end', () => {
    expect(sameWhereverSplit(`<1>${'y'.repeat(100)}\n<2>next\n`)).toEqual([
      [`<1>${'y'.repeat(61)}`, 'no end of message within 64 bytes: message cut'],
      ['<2>next', null],
    ]);
  });

  it('gives what a connection sent before it closed mid-frame, marked', () => {
    expect(frames(['30 <13>only part'])).toEqual([['<13>only part', 'connection closed after 13 of 30 octets']]);
    expect(frames(['<13>no newline at the end'])).toEqual([['<13>no newline at the end', null]]);
    expect(frames(['<13>held'], SYSLOG, false)).toEqual([]);
  });
});

describe('StreamFramer (GELF: NUL only)', () => {
  it('splits on NUL only, keeping LFs inside a message', () => {
    const opts: FramerOptions = { maxBytes: 64, octetCounting: false, lf: false };
    expect(sameWhereverSplit('{"a":\n1}\u0000{"b":2}\u0000\u000012 {"c":3}\u0000', opts)).toEqual([
      ['{"a":\n1}', null],
      ['{"b":2}', null],
      ['12 {"c":3}', null],
    ]);
  });
});
