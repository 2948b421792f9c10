/**
 * A message as the miner sees it: whitespace-separated tokens, each masked (mask.ts).
 *
 * The scan writes offsets into reusable typed arrays — token spans, value spans — and a
 * 64-bit hash of the masked token sequence, without making a string. That is all the
 * miner's fast path needs: the hash finds the shape, and only the parameters are cut out
 * of the message. Strings for the tokens are made (`materialize`) only when a message
 * has a shape not seen before.
 *
 * Bounded work per line whatever the input: at most `maxTokens` tokens are read; the
 * rest of a longer message becomes one final value, so a 100,000-character line costs
 * about what a long ordinary line does, and its template stays short.
 */
import {
  CLASS,
  CLASS_DIGIT,
  CLASS_HEXLETTER,
  CLASS_HEXRUN,
  CLASS_JUNK,
  CLASS_LETTERS,
  MAX_TOKEN_CHARS,
  NEEDS_MASK,
  VAR,
  maskClassified,
  newSpans,
  pushSpan,
  type Spans,
} from './mask';

export interface Tokenized {
  /** The tokens as written. */
  raw: string[];
  /** Each token masked: itself, or its text with `<*>` for values. */
  masked: string[];
  /** The values the masks took, all tokens in order. */
  params: string[];
  /** paramEnd[i]: params.length after token i, so token i's values are params[paramEnd[i-1] .. paramEnd[i]). */
  paramEnd: number[];
  /** The message had more than maxTokens tokens: the last token holds the rest. */
  truncated: boolean;
}

/** One scanned message. The miner keeps one and scans every message into it. */
export class Scan {
  msg = '';
  /** Number of tokens. */
  n = 0;
  start = new Int32Array(64);
  end = new Int32Array(64);
  /** vEnd[i]: values of tokens 0..i, so token i's are [vEnd[i-1], vEnd[i]). */
  vEnd = new Int32Array(64);
  values: Spans = newSpans(64);
  truncated = false;
  /** Two independent 32-bit hashes of the masked token sequence. */
  h1 = 0;
  h2 = 0;
  /** Per token, the two hashes of its masked text. */
  t1 = new Int32Array(64);
  t2 = new Int32Array(64);
  /**
   * Tokens that needed the full scanner, remembered by the hash of their raw text: the
   * same token again (HTTP/1.1", AppleWebKit/605.1.15, a status code) is not scanned again.
   * Direct-mapped, so it is bounded and costs no allocation.
   */
  private readonly memo = new TokenMemo();
  /**
   * The message's UTF-16 code units, copied in by one native call: reading a typed array
   * costs about half of what charCodeAt does per character (V8 checks the string's
   * representation on every call), and this loop reads every character of every line.
   */
  codes = new Uint16Array(256);
  private bytes = Buffer.from(this.codes.buffer);

  valuesFrom(i: number): number {
    return i === 0 ? 0 : this.vEnd[i - 1]!;
  }

  raw(i: number): string {
    return this.msg.slice(this.start[i], this.end[i]);
  }

  value(k: number): string {
    return this.msg.slice(this.values.vs[k], this.values.ve[k]);
  }

  /** Token i masked: its text with `<*>` for each value. */
  masked(i: number): string {
    const from = this.valuesFrom(i);
    const to = this.vEnd[i]!;
    if (from === to) return this.raw(i);
    const { vs, ve } = this.values;
    let out = '';
    let pos = this.start[i]!;
    for (let k = from; k < to; k++) {
      out += this.msg.slice(pos, vs[k]) + VAR;
      pos = ve[k]!;
    }
    return out + this.msg.slice(pos, this.end[i]);
  }

  /** The masked tokens as strings: what the miner's slow path (a line of a new shape) needs. */
  maskedTokens(): string[] {
    const out = new Array<string>(this.n);
    for (let i = 0; i < this.n; i++) out[i] = this.masked(i);
    return out;
  }

  /** The message as strings (tests, tokenize()). */
  materialize(): Tokenized {
    const raw: string[] = [];
    const masked: string[] = [];
    const params: string[] = [];
    const paramEnd: number[] = [];
    for (let i = 0; i < this.n; i++) {
      raw.push(this.raw(i));
      masked.push(this.masked(i));
      paramEnd.push(this.vEnd[i]!);
    }
    for (let k = 0; k < this.values.nv; k++) params.push(this.value(k));
    return { raw, masked, params, paramEnd, truncated: this.truncated };
  }

  private grow(): void {
    const size = this.start.length * 2;
    for (const key of ['start', 'end', 'vEnd', 't1', 't2'] as const) {
      const next = new Int32Array(size);
      next.set(this[key]);
      this[key] = next;
    }
  }

  /** Room for n code units (a power of two, so a stream of long lines grows it a few times at most). */
  private growCodes(n: number): void {
    let size = this.codes.length;
    while (size < n) size *= 2;
    this.codes = new Uint16Array(size);
    this.bytes = Buffer.from(this.codes.buffer);
  }

  /** Bytes held by the scan's buffers. */
  bytesHeld(): number {
    return this.codes.byteLength + this.start.byteLength * 5 + this.values.vs.byteLength * 2 + MEMO_BYTES;
  }

  /**
   * Scans `message` into this object: one pass over each token splits, classifies and
   * hashes it; only tokens that may hold a value go through the masks (or the memo).
   */
  scan(message: string, maxTokens: number): void {
    this.msg = message;
    this.n = 0;
    this.values.nv = 0;
    this.truncated = false;
    const n = message.length;
    if (n > this.codes.length) this.growCodes(n);
    // (little-endian, as every platform Node runs on: the bytes read back as code units)
    if (n > 0) {
      if (UCS2_WRITE) (this.bytes as Ucs2Buffer).ucs2Write(message, 0);
      else this.bytes.write(message, 0, 'utf16le');
    }
    const codes = this.codes;
    const memo = this.memo;
    const values = this.values;
    const table = CLASS;
    let lineH1 = Math.imul(FNV_SEED ^ maxTokens, FNV_PRIME);
    let lineH2 = Math.imul(0x9747b28c ^ maxTokens, 0x5bd1e995);
    let i = 0;
    while (i < n) {
      while (i < n && isSpace(codes[i]!)) i++;
      if (i >= n) break;
      if (this.n === this.start.length) this.grow();
      const k = this.n;
      const a = i;
      let h1 = FNV_SEED;
      let h2 = 0;
      let flags = 0;
      // Hex letters seen: eight or more may be a run of them (ffffffff), checked after.
      let hexLetters = 0;
      // The hottest loop of the miner: literal constants (checked against mask.ts below)
      // rather than imported ones, which V8 reads from their module on every character.
      for (; i < n; i++) {
        const c = codes[i]!;
        if (c <= 32 && (c === 32 || (c >= 9 && c <= 13))) break;
        h1 = Math.imul(h1 ^ c, 0x01000193);
        h2 = (Math.imul(h2, 31) + c) | 0;
        if (c < 128) {
          const cl = table[c]!;
          flags |= cl;
          hexLetters += (cl >> 4) & 1; // CLASS_HEXLETTER = 16
        } else if (c === 0xfffd) flags |= 32; // CLASS_JUNK
      }
      let b = i;
      if (hexLetters >= 8 && hasHexRun(codes, a, b)) flags |= CLASS_HEXRUN;
      if (k === maxTokens - 1 && b < n) {
        // More than one token left: the rest of the line, whatever it holds, is one value.
        let end = n;
        while (isSpace(codes[end - 1]!)) end--;
        if (end > b) {
          this.truncated = true;
          b = end;
          i = n;
          flags = CLASS_JUNK;
        }
      }
      this.start[k] = a;
      this.end[k] = b;
      this.n = k + 1;
      const from = values.nv;
      const len = b - a;
      if ((flags & NEEDS_MASK) === 0 && len <= MAX_TOKEN_CHARS) {
        // No value: the masked text is the raw text, already hashed.
        this.t1[k] = h1;
        this.t2[k] = finish(h2);
      } else if (flags === CLASS_DIGIT && len <= MAX_TOKEN_CHARS && isDottedNumber(codes, a, b)) {
        // A count, an address, a version (200, 10.0.0.1, 1.4.1): one value, the whole token,
        // as the masks would find it — without them, and without the memo, which keeps no
        // whole values (they rarely come back).
        pushSpan(values, a, b);
        this.t1[k] = WHOLE_VALUE_T1;
        this.t2[k] = WHOLE_VALUE_T2;
      } else if (!memo.recall(h1, h2, a, b, this)) {
        maskClassified(message, a, b, values, flags);
        this.tokenHash(k, from);
        memo.store(h1, h2, a, b, this, from);
      }
      this.vEnd[k] = values.nv;
      // The neighbour rules (context) only where one can apply — it runs on every token otherwise.
      if (k > 0) {
        const first = codes[a]!;
        const none = values.nv === from;
        if (
          none
            ? (len <= 5 && first < 128 && UNIT_START[first] === 1) ||
              (len >= 3 && len <= 10 && first >= 65 && first <= 90)
            : values.vs[from] === a && isCapitalWord(codes, this.start[k - 1]!, this.end[k - 1]!)
        )
          this.context(k);
      }
    }
    // The line: its token count and its tokens' hashes (which context may have changed).
    const count = this.n;
    lineH1 = Math.imul(lineH1 ^ count, FNV_PRIME);
    lineH2 = Math.imul(lineH2 ^ count, 0x5bd1e995);
    const t1 = this.t1;
    const t2 = this.t2;
    for (let t = 0; t < count; t++) {
      lineH1 = Math.imul(lineH1 ^ t1[t]!, FNV_PRIME);
      lineH2 = Math.imul(lineH2 ^ t2[t]!, 0x5bd1e995);
      lineH2 ^= lineH2 >>> 13;
    }
    this.h1 = lineH1 | 0;
    this.h2 = lineH2 | 0;
  }

  /** The hashes of token k's masked text, its values starting at index `from`. */
  tokenHash(k: number, from: number): void {
    const codes = this.codes;
    const { vs, ve, nv } = this.values;
    let h1 = FNV_SEED;
    let h2 = 0;
    let pos = this.start[k]!;
    const end = this.end[k]!;
    for (let v = from; ; v++) {
      const stop = v < nv ? vs[v]! : end;
      for (let c = pos; c < stop; c++) {
        const ch = codes[c]!;
        h1 = Math.imul(h1 ^ ch, FNV_PRIME);
        h2 = (Math.imul(h2, 31) + ch) | 0;
      }
      if (v >= nv) break;
      h1 = Math.imul(h1 ^ VALUE_MARK, FNV_PRIME);
      h2 = (Math.imul(h2, 31) + VALUE_MARK) | 0;
      pos = ve[v]!;
    }
    this.t1[k] = h1;
    this.t2[k] = finish(h2);
  }

  /**
   * Values that only their neighbours reveal, decided when token k arrives:
   * - a size or time unit after a number is part of the value (`17.5 KB` and `16.0 B` are one shape);
   * - month and weekday names next to a day or a time are a date (`Fri Jun 17 07:07:00 2005`),
   *   so a template does not split when the month turns.
   */
  private context(k: number): void {
    const msg = this.msg;
    const { vs, ve } = this.values;
    const from = this.valuesFrom(k);
    const mine = this.vEnd[k]! - from;
    const prevFrom = this.valuesFrom(k - 1);
    const prevCount = from - prevFrom;
    // The previous token ends with a value, and token k starts with one.
    const prevEndsValue = prevCount > 0 && ve[from - 1] === this.end[k - 1];
    const startsValue = mine > 0 && vs[from] === this.start[k];
    const s = this.start[k]!;
    const e = this.end[k]!;
    if (
      mine === 0 &&
      prevEndsValue &&
      e - s <= 4 &&
      UNIT_START[msg.charCodeAt(s) & 127] &&
      isNumber(msg, vs[from - 1]!, ve[from - 1]!)
    ) {
      const unit = unitLength(msg, s, e);
      if (unit > 0) {
        this.insertValue(k, s, s + unit);
        return;
      }
    }
    if (startsValue && prevCount === 0 && isDateWord(msg, this.start[k - 1]!, this.end[k - 1]!, MONTHS)) {
      // "Jun 17": the month, and a weekday before it
      this.insertValue(k - 1, this.start[k - 1]!, this.end[k - 1]!);
      if (
        k >= 2 &&
        this.vEnd[k - 2] === this.valuesFrom(k - 2) &&
        isDateWord(msg, this.start[k - 2]!, this.end[k - 2]!, WEEKDAYS)
      )
        this.insertValue(k - 2, this.start[k - 2]!, this.end[k - 2]!);
    } else if (
      mine === 0 &&
      prevCount === 1 &&
      vs[prevFrom] === this.start[k - 1] &&
      ve[prevFrom] === this.end[k - 1]
    ) {
      // "17 Jun 2005"
      if (isNumber(msg, this.start[k - 1]!, this.end[k - 1]!) && isDateWord(msg, s, e, MONTHS))
        this.insertValue(k, s, e);
    }
  }

  /** Adds a value to token t (which has none), keeping values in token order. */
  private insertValue(t: number, start: number, end: number): void {
    const at = this.valuesFrom(t);
    pushSpan(this.values, 0, 0);
    const { vs, ve } = this.values;
    vs.copyWithin(at + 1, at, this.values.nv - 1);
    ve.copyWithin(at + 1, at, this.values.nv - 1);
    vs[at] = start;
    ve[at] = end;
    for (let i = t; i < this.n; i++) this.vEnd[i]!++;
    this.rehash(t);
  }

  /** Token t's hashes after its values changed (it and the tokens after it are already scanned). */
  private rehash(t: number): void {
    const saved = this.values.nv;
    // tokenHash reads values up to nv: limit it to token t's.
    this.values.nv = this.vEnd[t]!;
    this.tokenHash(t, this.valuesFrom(t));
    this.values.nv = saved;
  }
}

// Outside the range of UTF-16 code units, so it never collides with text.
const VALUE_MARK = 0x10001;
const FNV_SEED = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Avalanche for the polynomial lane, so nearby texts spread. */
function finish(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) | 0;
}

/** The hashes tokenHash gives a token that is one value whole (`<*>`). */
const WHOLE_VALUE_T1 = Math.imul(FNV_SEED ^ VALUE_MARK, FNV_PRIME);
const WHOLE_VALUE_T2 = finish(VALUE_MARK);

/** Digits in runs joined by single dots, digits at both ends: what the masks take whole. */
function isDottedNumber(s: Uint16Array, a: number, b: number): boolean {
  let prevDot = true; // (so a leading dot fails)
  for (let i = a; i < b; i++) {
    const c = s[i]!;
    if (c >= 48 && c <= 57) prevDot = false;
    else if (c === 46 && !prevDot) prevDot = true;
    else return false;
  }
  return !prevDot;
}

/** Slots of the token memo (a power of two), and the most values a remembered token holds. */
const MEMO_SIZE = 4096;
const MEMO_VALUES = 4;
const MEMO_BYTES = MEMO_SIZE * (5 * 4 + 1 + MEMO_VALUES * 2 * 4);

/**
 * See Scan.memo. Keyed by the two raw-text hashes and the length. Tokens that are one
 * value whole (an address, a count, a path) are not kept: they rarely come back and would
 * only push out the ones that do.
 */
class TokenMemo {
  private readonly r1 = new Int32Array(MEMO_SIZE);
  private readonly r2 = new Int32Array(MEMO_SIZE);
  /** Token length; 0 marks an empty slot. */
  private readonly len = new Int32Array(MEMO_SIZE);
  private readonly t1 = new Int32Array(MEMO_SIZE);
  private readonly t2 = new Int32Array(MEMO_SIZE);
  private readonly count = new Uint8Array(MEMO_SIZE);
  /** Value spans relative to the token's start, MAX_VALUES pairs per slot. */
  private readonly spans = new Int32Array(MEMO_SIZE * MEMO_VALUES * 2);

  private slot(h1: number, h2: number): number {
    return (h1 ^ (h2 >>> 11)) & (MEMO_SIZE - 1);
  }

  /** When the token s[a, b) is remembered: appends its values and sets its hashes in `scan`. */
  recall(h1: number, h2: number, a: number, b: number, scan: Scan): boolean {
    const i = this.slot(h1, h2);
    if (this.len[i] !== b - a || this.r1[i] !== h1 || this.r2[i] !== h2) return false;
    const k = scan.n - 1;
    const base = i * MEMO_VALUES * 2;
    for (let v = 0; v < this.count[i]!; v++)
      pushSpan(scan.values, a + this.spans[base + 2 * v]!, a + this.spans[base + 2 * v + 1]!);
    scan.t1[k] = this.t1[i]!;
    scan.t2[k] = this.t2[i]!;
    return true;
  }

  store(h1: number, h2: number, a: number, b: number, scan: Scan, from: number): void {
    const values = scan.values.nv - from;
    if (values > MEMO_VALUES || (values === 1 && scan.values.vs[from] === a && scan.values.ve[from] === b)) return;
    const i = this.slot(h1, h2);
    const k = scan.n - 1;
    this.r1[i] = h1;
    this.r2[i] = h2;
    this.len[i] = b - a;
    this.t1[i] = scan.t1[k]!;
    this.t2[i] = scan.t2[k]!;
    this.count[i] = values;
    const base = i * MEMO_VALUES * 2;
    for (let v = 0; v < values; v++) {
      this.spans[base + 2 * v] = scan.values.vs[from + v]! - a;
      this.spans[base + 2 * v + 1] = scan.values.ve[from + v]! - a;
    }
  }
}

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * Buffer's own UTF-16 writer, which write(s, 0, 'utf16le') calls after dispatching on the
 * encoding name — a tenth of the copy's cost for a short line. Undocumented but on
 * Buffer.prototype in every Node release; write() stands in if it ever goes.
 */
type Ucs2Buffer = Buffer & { ucs2Write: (s: string, offset: number) => number };
const UCS2_WRITE = typeof (Buffer.prototype as Partial<Ucs2Buffer>).ucs2Write === 'function';
if (CLASS_HEXLETTER !== 16 || CLASS_JUNK !== 32 || CLASS_DIGIT !== 1) throw new Error('tokenize.ts: class flags changed in mask.ts');

/** Eight hex letters in a row inside a word of nothing else (ffffffff, not "feedbacked"). */
function hasHexRun(s: Uint16Array, a: number, b: number): boolean {
  let run = 0;
  for (let i = a; i < b; i++) {
    const c = s[i]!;
    const cl = c < 128 ? CLASS[c]! : CLASS_LETTERS;
    if (cl & CLASS_HEXLETTER) {
      if (run >= 0 && ++run >= 8) return true;
    } else run = cl & CLASS_LETTERS ? -1 : 0;
  }
  return false;
}

/** Tokenizes and masks one message into strings (tests and the slow path). */
export function tokenize(message: string, maxTokens: number): Tokenized {
  const scan = new Scan();
  scan.scan(message, maxTokens);
  return scan.materialize();
}

const UNITS = new Set(
  'B b KB kB MB GB TB PB KiB MiB GiB TiB K M G ms us µs ns s sec secs min mins h hr hrs'.split(' '),
);
/** 3–10 characters starting with a capital: what a month or weekday name can be. */
function isCapitalWord(s: Uint16Array, a: number, b: number): boolean {
  const c = s[a]!;
  return b - a >= 3 && b - a <= 10 && c >= 65 && c <= 90;
}

/** First letters of the units, to skip the set lookup for most tokens. */
const UNIT_START = new Uint8Array(128);
for (const u of UNITS) UNIT_START[u.charCodeAt(0) & 127] = 1;
/** Three-letter names as numbers (three lower-case char codes), so a check makes no string. */
const threeLetters = (names: string): Set<number> =>
  new Set(names.split(' ').map((w) => (w.charCodeAt(0) << 16) | (w.charCodeAt(1) << 8) | w.charCodeAt(2)));
const MONTHS = threeLetters('jan feb mar apr may jun jul aug sep oct nov dec');
const WEEKDAYS = threeLetters('mon tue wed thu fri sat sun');
const FULL_NAMES = new Set(
  'january february march april june july august september sept october november december monday tuesday wednesday thursday friday saturday sunday'.split(
    ' ',
  ),
);

/** A number: optional sign, digits, dots and commas. */
function isNumber(s: string, a: number, b: number): boolean {
  let i = a;
  const c0 = s.charCodeAt(i);
  if (c0 === 45 || c0 === 43) i++;
  if (i >= b || !isDigitCode(s.charCodeAt(i))) return false;
  for (; i < b; i++) {
    const c = s.charCodeAt(i);
    if (!isDigitCode(c) && c !== 46 && c !== 44) return false;
  }
  return true;
}
const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

const CLOSERS = new Set([41, 93, 125, 44, 59, 58, 46]); // ) ] } , ; : .
/** Length of the unit at the start of s[a, b) when the rest is only closing punctuation (`KB)`, `ms,`), else 0. */
function unitLength(s: string, a: number, b: number): number {
  let end = b;
  while (end > a && CLOSERS.has(s.charCodeAt(end - 1))) end--;
  if (end === a || end - a > 3) return 0;
  return UNITS.has(s.slice(a, end)) ? end - a : 0;
}

/** Jun, June, Jun., Jun, — three letters at least, first capital. Allocates only for a full name. */
function isDateWord(s: string, a: number, b: number, names: Set<number>): boolean {
  let end = b;
  const last = s.charCodeAt(end - 1);
  if (last === 44 || last === 46 || last === 59) end--;
  const len = end - a;
  if (len < 3 || len > 9) return false;
  const c = s.charCodeAt(a);
  if (c < 65 || c > 90) return false;
  const key = ((c | 32) << 16) | ((s.charCodeAt(a + 1) | 32) << 8) | (s.charCodeAt(a + 2) | 32);
  if (!names.has(key)) return false;
  return len === 3 || FULL_NAMES.has(s.slice(a, end).toLowerCase());
}
