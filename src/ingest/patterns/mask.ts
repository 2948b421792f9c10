/**
 * Variable masks: one whitespace-delimited token in, its masked text out, with `<*>` where
 * a value stood and the values pushed to `params` in order. Masking runs before any
 * clustering, so lines that differ only in numbers, addresses, ids, paths, URLs, e-mail
 * addresses, dates, durations or sizes already have the same shape when the miner sees them.
 *
 * It is a hand-written scanner rather than a list of regular expressions because it runs on
 * every token of every line: most tokens are plain words, and a word with no digit and none
 * of `/ @ <` is returned as it came after one pass over its characters, allocation-free.
 *
 * Conventions (chosen so one value keeps one shape, which keeps a template together):
 * - a value is one `<*>` whatever its inner shape: `1` and `0.25`, `10ms` and `1.5s`,
 *   `2001:db8::1` and `::1`, `/a/b` and `/a/b/c` all mask the same way;
 * - values joined by `.`, `-` or `_` are one value (`1.4.1`, `2015-10-18`,
 *   `1347369012-10.1.2.3-1445182159119`), but `:` and `/` separate values, so `ip:port`
 *   reads `<*>:<*>` and a time `<*>:<*>:<*>` — the shape loghub's templates use;
 * - the name part of an id stays: `blk_<*>`, `attempt_<*>`, `key=<*>`, `CPU#<*>`;
 * - a word that merely contains digits is not a value: `dfs.DataNode$PacketResponder`,
 *   `workers2.properties`, `ssh2`, `Win64`, `u0` stay as they are. Whether such a word
 *   varies is for the miner to learn from the stream, not for a mask to guess.
 */

/** How a variable is written in template text. */
export const VAR = '<*>';

/** Tokens longer than this are values (base64, hashes, blobs): a template never holds a huge constant. */
export const MAX_TOKEN_CHARS = 160;

// Character classes for codes below 128; everything above is a letter (words in any
// script are constants), except the replacement character, which marks binary junk.
const DIGIT = 1;
const UPPER = 2;
const LOWER = 4;
const WORDSYM = 8; // _ and $: part of identifiers
const HEXLETTER = 16;
const JUNK = 32; // control characters: binary data, never a constant
// Characters some values need: a token without any of them (and without a digit) skips the scanner.
const SLASH = 64; // / and \
const AT = 128;
const COLON = 256;
const LT = 512;
const HEXRUN = 1024; // not a character: eight hex letters in a row were seen (ffffffff)
const NEEDS_SCAN = DIGIT | SLASH | AT | LT | HEXRUN;
const LETTERS = UPPER | LOWER | WORDSYM;

/** Flags of a character below 128 (tokenize.ts reads it in its own loop). */
export const CLASS = new Uint16Array(128);
export const CLASS_DIGIT = DIGIT;
export const CLASS_HEXLETTER = HEXLETTER;
export const CLASS_LETTERS = LETTERS;
export const CLASS_HEXRUN = HEXRUN;
export const CLASS_JUNK = JUNK;
for (let c = 0; c < 32; c++) CLASS[c] = JUNK;
CLASS[9] = 0; // tab is whitespace, split before us
CLASS[127] = JUNK;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = UPPER;
for (let c = 97; c <= 122; c++) CLASS[c] = LOWER;
for (let c = 65; c <= 70; c++) CLASS[c]! |= HEXLETTER;
for (let c = 97; c <= 102; c++) CLASS[c]! |= HEXLETTER;
CLASS[95] = WORDSYM; // _
CLASS[36] = WORDSYM; // $
CLASS[47] = SLASH;
CLASS[92] = SLASH; // \ (Windows paths)
CLASS[64] = AT;
CLASS[58] = COLON;
CLASS[60] = LT;

const REPLACEMENT_CHAR = 0xfffd;

function cls(c: number): number {
  return c < 128 ? CLASS[c]! : c === REPLACEMENT_CHAR ? JUNK : LOWER;
}
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWord = (c: number): boolean => (cls(c) & (DIGIT | UPPER | LOWER | WORDSYM)) !== 0;
const isHex = (c: number): boolean => (c < 128 ? (CLASS[c]! & (DIGIT | HEXLETTER)) !== 0 : false);
/** Characters that may join two values into one (`1.5`, `2015-10-18`, `1_2`). */
const isGlue = (c: number): boolean => c === 46 || c === 45 || c === 95;

/** Value spans, appended by maskRange: [vs[k], ve[k]) are offsets into the message. */
export interface Spans {
  vs: Int32Array;
  ve: Int32Array;
  nv: number;
}

export function newSpans(capacity = 64): Spans {
  return { vs: new Int32Array(capacity), ve: new Int32Array(capacity), nv: 0 };
}

/** Appends a value span, growing the arrays when full. */
export function pushSpan(sp: Spans, start: number, end: number): void {
  if (sp.nv === sp.vs.length) {
    const vs = new Int32Array(sp.vs.length * 2);
    const ve = new Int32Array(sp.vs.length * 2);
    vs.set(sp.vs);
    ve.set(sp.ve);
    sp.vs = vs;
    sp.ve = ve;
  }
  sp.vs[sp.nv] = start;
  sp.ve[sp.nv] = end;
  sp.nv++;
}

/**
 * Masks the token s[a, b): appends its values to `sp`, in order. Works on offsets into
 * the whole message, so nothing is allocated for a token that holds no value.
 */
export function maskRange(s: string, a: number, b: number, sp: Spans): void {
  maskClassified(s, a, b, sp, classify(s, a, b));
}

/** What a token's characters need, as flags (tokenize.ts computes the same while it splits). */
export function classify(s: string, a: number, b: number): number {
  let flags = 0;
  // Length of the current run of hex letters inside a word (-1: the word has other letters).
  let hexRun = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      const k = CLASS[c]!;
      flags |= k;
      if (k & HEXLETTER) {
        if (hexRun >= 0 && ++hexRun >= 8) flags |= HEXRUN;
      } else hexRun = k & LETTERS ? -1 : 0;
    } else {
      if (c === REPLACEMENT_CHAR) flags |= JUNK;
      hexRun = -1;
    }
  }
  return flags;
}

/** Flags of a token that may hold a value (or is junk): without any, and not too long, it holds none. */
export const NEEDS_MASK = NEEDS_SCAN | JUNK;

/** maskRange for a token whose flags are known. */
export function maskClassified(s: string, a: number, b: number, sp: Spans, flags: number): void {
  if (b - a > MAX_TOKEN_CHARS || flags & JUNK) {
    pushSpan(sp, a, b);
    return;
  }
  if ((flags & NEEDS_SCAN) === 0) return;
  // Digits and punctuation only (an address, a count, a time zone, "(37"): the values are
  // the runs of digits, which is what the full scanner would find, without its look-ups.
  if (flags === DIGIT) scanDigits(s, a, b, sp);
  else scan(s, a, b, sp, flags);
}

/** scan() for a token with no letter, slash, colon, @ or <. */
function scanDigits(s: string, a: number, b: number, sp: Spans): void {
  spans = sp;
  first = sp.nv;
  lastEnd = -10;
  let i = a;
  while (i < b) {
    if (!isDigit(s.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < b && isWord(s.charCodeAt(j))) j++;
    i = emit(s, signedStart(s, i, a), j);
  }
  spans = SCRATCH;
}

/**
 * Masks one token on its own. Returns the token itself (same string) when nothing in it
 * is a value; otherwise the masked text, with the values appended to `params`.
 */
export function maskToken(tok: string, params: string[]): string {
  const sp = newSpans(8);
  maskRange(tok, 0, tok.length, sp);
  if (sp.nv === 0) return tok;
  let out = '';
  let pos = 0;
  for (let k = 0; k < sp.nv; k++) {
    out += tok.slice(pos, sp.vs[k]) + VAR;
    params.push(tok.slice(sp.vs[k], sp.ve[k]));
    pos = sp.ve[k]!;
  }
  return out + tok.slice(pos);
}

// The scanner's state: module-level rather than a closure per token, because creating
// closures on every token of every line costs more than the scanning itself.
/** End of the current token: nothing is read at or past it. */
let E = 0;
let spans: Spans = newSpans(1);
/** Where the last value of this token started and ended, so one that follows it after one glue character can join it. */
let first = 0;
let lastEnd = -10;

/** Records the value [start, end) (joining it to the previous one across one glue character); returns end. */
function emit(s: string, start: number, end: number): number {
  const gap = start - lastEnd;
  if (spans.nv > first && (gap === 0 || (gap === 1 && isGlue(s.charCodeAt(lastEnd))))) {
    spans.ve[spans.nv - 1] = end;
  } else {
    pushSpan(spans, start, end);
  }
  lastEnd = end;
  return end;
}

/** The full scanner: atoms left to right, literal text between them. */
function scan(s: string, a: number, b: number, sp: Spans, flags: number): void {
  E = b;
  spans = sp;
  first = sp.nv;
  lastEnd = -10;
  let i = a;
  while (i < b) {
    const c = s.charCodeAt(i);
    const k = cls(c);
    const atStart = i === a || !isWord(s.charCodeAt(i - 1));

    // A literal "<*>" in the input is a value, so template text never holds one that is not a variable.
    if (c === 60 && i + 3 <= b && s.startsWith(VAR, i)) {
      i = emit(s, i, i + 3);
      continue;
    }
    if (atStart && k & DIGIT) {
      // The commonest value of all, an IPv4 address, in one step.
      const v4 = ipv4End(s, i);
      if (v4 > 0) {
        i = emit(s, i, v4);
        continue;
      }
    }
    if (atStart && (flags & (SLASH | AT | COLON | HEXRUN) || k & DIGIT)) {
      const special = specialAt(s, i, flags);
      if (special > i) {
        i = emit(s, i, special);
        continue;
      }
      if (special < -1) {
        // scheme:// kept as text, the rest of the URL is the value
        const bodyStart = -special;
        const end = trimEnd(s, bodyStart, urlEnd(s, bodyStart));
        if (end > bodyStart) {
          i = emit(s, bodyStart, end);
          continue;
        }
      }
    }
    if (k & DIGIT) {
      // A number, or anything that starts like one (10ms, 64KB, 0x1f, 3rd, 9f4ef63): a value.
      let j = i + 1;
      while (j < b && isWord(s.charCodeAt(j))) j++;
      i = emit(s, signedStart(s, i, a), j);
      continue;
    }
    if (k & (UPPER | LOWER | WORDSYM)) {
      let j = i + 1;
      while (j < b && isWord(s.charCodeAt(j))) j++;
      if (atStart && isHexId(s, i, j)) {
        i = emit(s, i, j);
        continue;
      }
      // name_123…: the name stays, what follows the first "_<digit>" is the value.
      const cut = idCut(s, i, j);
      if (cut > 0) {
        i = emit(s, cut, j);
        continue;
      }
      if (atStart && isRandomId(s, i, j)) {
        i = emit(s, i, j);
        continue;
      }
      i = j;
      continue;
    }
    i++;
  }
  spans = SCRATCH;
}
const SCRATCH = newSpans(1);

/** A sign belongs to the number after it when it does not join two words (`-5`, `=-1`, `blk_-69`). */
function signedStart(s: string, i: number, a: number): number {
  if (i - 1 < a || i - 1 < lastEnd) return i;
  const sign = s.charCodeAt(i - 1);
  if (sign !== 45 && sign !== 43) return i;
  return i - 1 === a || !isWord(s.charCodeAt(i - 2)) || s.charCodeAt(i - 2) === 95 ? i - 1 : i;
}

/**
 * Hex ids without a 0x: six or more hex digits with at least one digit and one letter
 * (9f4ef63), or eight or more hex letters (ffffffff) — no word is that long in a–f alone.
 */
function isHexId(s: string, i: number, j: number): boolean {
  if (j - i < 6) return false;
  let digits = 0;
  let letters = 0;
  for (let k = i; k < j; k++) {
    const c = s.charCodeAt(k);
    if (!isHex(c)) return false;
    if (isDigit(c)) digits++;
    else letters++;
  }
  return digits > 0 ? letters > 0 : j - i >= 8;
}

/**
 * Generated ids that mix letters and digits (a mail queue id jA9J1UvC004306, a session
 * token): eight or more characters with digits in two runs or more and at least three
 * digits. Names with a version or a counter (workers2, Win64, log4j2) have fewer.
 */
function isRandomId(s: string, i: number, j: number): boolean {
  if (j - i < 8) return false;
  let digits = 0;
  let runs = 0;
  let inRun = false;
  for (let k = i; k < j; k++) {
    const d = isDigit(s.charCodeAt(k));
    if (d) {
      digits++;
      if (!inRun) runs++;
    }
    inRun = d;
  }
  return runs >= 2 && digits >= 3;
}

/** Index after the `_` of the first `_<digit>` in the word [i, j) when the name before it has no digit (not x86_64), or 0. */
function idCut(s: string, i: number, j: number): number {
  for (let k = i + 1; k < j - 1; k++) {
    const c = s.charCodeAt(k);
    if (isDigit(c)) return 0;
    if (c === 95 && isDigit(s.charCodeAt(k + 1))) return k + 1;
  }
  return 0;
}

/** Characters that end a URL (1) or a path (1 and 2): space " ' ( ) < > [ ] { } , ; | and, for paths, =. */
const STOP = new Uint8Array(128);
for (const c of ' "\'()<>[]{},;|') STOP[c.charCodeAt(0)] = 1;
STOP[61] = 2;
function urlEnd(s: string, i: number): number {
  let j = i;
  for (; j < E; j++) {
    const c = s.charCodeAt(j);
    if (c < 128 && STOP[c] === 1) break;
  }
  return j;
}
/** A sentence's full stop or colon after a path or URL is not part of it. */
function trimEnd(s: string, start: number, end: number): number {
  while (end > start) {
    const c = s.charCodeAt(end - 1);
    if (c === 46 || c === 58 || c === 44 || c === 59) end--;
    else break;
  }
  return end;
}

const UUID_RE = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z])/y;
// Six byte groups or more: netfilter's MAC= holds both addresses and the frame type (14).
const MAC_RE = /[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(?:\1[0-9a-fA-F]{2}){4,}(?![0-9A-Za-z:])/y;
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9])/y;
const CLF_DATE_RE = /[0-9]{1,2}\/[A-Z][a-z]{2}\/[0-9]{4}(?::[0-9]{2}){0,3}/y;
// An ISO 8601 date with its time is one value; a date alone is one value by the glue rule anyway.
const ISO_TIME_RE =
  /[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?(?![0-9A-Za-z])/y;
const SCHEME_RE = /[A-Za-z][A-Za-z0-9+.-]*:\/\//y;

/** The end of a match of `re` at i that stays inside the token, or -1. */
function sticky(re: RegExp, s: string, i: number): number {
  re.lastIndex = i;
  return re.test(s) && re.lastIndex <= E ? re.lastIndex : -1;
}

/**
 * Values that need more than one character class to recognise, tried where a word may
 * start, each only when the token holds the characters it needs. Returns the end of the
 * value; or -(body start) for a URL, whose scheme is kept; or -1 when there is none here.
 */
function specialAt(s: string, i: number, flags: number): number {
  const c = s.charCodeAt(i);
  const rest = E - i;
  if (flags & SLASH && (c === 47 || c === 92 || c === 46 || c === 126 || (rest > 2 && s.charCodeAt(i + 1) === 58))) {
    const p = pathEnd(s, i);
    if (p > 0) return p;
  }
  if (isHex(c)) {
    if (rest >= 36 && s.charCodeAt(i + 8) === 45) {
      const e = sticky(UUID_RE, s, i);
      if (e > 0) return e;
    }
    if (flags & COLON && rest >= 2) {
      const v6 = ipv6End(s, i);
      if (v6 > 0) return v6;
    }
    if (rest >= 17 && (s.charCodeAt(i + 2) === 58 || s.charCodeAt(i + 2) === 45)) {
      const e = sticky(MAC_RE, s, i);
      if (e > 0) return e;
    }
    if (isDigit(c)) {
      if (flags & SLASH && rest >= 10 && s.charCodeAt(i + 2) === 47) {
        const e = sticky(CLF_DATE_RE, s, i);
        if (e > 0) return e;
      }
      if (rest >= 16 && s.charCodeAt(i + 4) === 45) {
        const e = sticky(ISO_TIME_RE, s, i);
        if (e > 0) return e;
      }
    }
  } else if (c === 58 && rest >= 3 && s.charCodeAt(i + 1) === 58) {
    const v6 = ipv6End(s, i);
    if (v6 > 0) return v6;
  }
  if (flags & (COLON | SLASH) && isWord(c)) {
    const h = hostEnd(s, i, flags);
    if (h > 0) return h;
  }
  if (flags & AT && (isWord(c) || c === 46 || c === 43 || c === 45) && within(s.indexOf('@', i), i)) {
    const e = sticky(EMAIL_RE, s, i);
    if (e > 0) return e;
  }
  if (flags & COLON && flags & SLASH && (c | 32) >= 97 && (c | 32) <= 122) {
    const e = sticky(SCHEME_RE, s, i);
    if (e > 0) return -e;
  }
  return -1;
}

// A host name is a value where its context says so: before `:port` or `/address`.
// `Foo.java:42` in a stack frame is a file and a line, not a host and a port.
// Each label is in one case (hosts are written in lower or in upper case; `state.clipTopAmount:100` is a field).
// Without a dot, a name counts as a host only when it looks like a numbered machine
// (msra-sa-41:8030, web-01:443) and the port has two digits or more: `retry-count:10` has no digit.
const LABEL = '(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?|[A-Z0-9](?:[A-Z0-9-]*[A-Z0-9])?)';
const PORT = ':[0-9]{1,5}(?![0-9A-Za-z])';
const HOST_PORT_RE = new RegExp(
  `(?:${LABEL}(?:\\.${LABEL})+(?=${PORT})|[a-z][a-z0-9]*(?:-[a-z0-9]+)*-[a-z]*[0-9]+(?=:[0-9]{2,5}(?![0-9A-Za-z])))`,
  'y',
);
const SOURCE_FILE =
  /\.(?:java|scala|kt|groovy|py|rb|go|js|mjs|cjs|ts|tsx|jsx|c|cc|cpp|cxx|h|hpp|cs|php|pl|rs|swift|m|erl|ex|exs|clj|lua|sh)$/i;

function hostEnd(s: string, i: number, flags: number): number {
  // Cheap look-ahead before the expressions: a dot, then ":digit" or "/digit" after it.
  if (flags & COLON && followedByDigit(s, ':', i)) {
    const e = sticky(HOST_PORT_RE, s, i);
    if (e > 0 && !SOURCE_FILE.test(s.slice(i, e))) return e;
  }
  if (flags & SLASH) {
    // name/10.1.2.3: the name is a host
    const k = s.indexOf('/', i);
    if (within(k, i) && isDigit(s.charCodeAt(k + 1)) && ipv4End(s, k + 1) > 0 && isHostName(s, i, k)) return k;
  }
  return -1;
}

/** s[a, b) is a host name: letters, digits, dots and hyphens, a letter or digit at each end. */
function isHostName(s: string, a: number, b: number): boolean {
  for (let k = a; k < b; k++) {
    const c = s.charCodeAt(k);
    const alnum = c < 128 && (CLASS[c]! & (DIGIT | UPPER | LOWER)) !== 0;
    if (!alnum && ((c !== 46 && c !== 45) || k === a || k === b - 1)) return false;
  }
  return b > a;
}

function followedByDigit(s: string, sep: string, from: number): boolean {
  const k = s.indexOf(sep, from);
  return k > 0 && k + 1 < E && isDigit(s.charCodeAt(k + 1));
}

/** An index found by indexOf lies after i and inside the token. */
const within = (k: number, i: number): boolean => k > i && k < E;

/**
 * IPv6: hex groups of up to four joined by colons, either eight of them or with one `::`,
 * holding at least one digit (so `std::vector` and `a::b` stay words), optionally with a
 * dotted IPv4 tail (`::ffff:10.0.0.1`) and a `%zone`.
 */
function ipv6End(s: string, i: number): number {
  const n = E;
  let j = i;
  let groups = 0;
  let doubleColon = false;
  let digit = false;
  let groupLen = 0;
  let lastGroupStart = i;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (isHex(c)) {
      if (groupLen === 0) lastGroupStart = j;
      if (++groupLen > 4) return -1;
      if (isDigit(c)) digit = true;
      j++;
    } else if (c === 58) {
      if (groupLen > 0) groups++;
      groupLen = 0;
      if (j + 1 < n && s.charCodeAt(j + 1) === 58) {
        if (doubleColon) return -1;
        doubleColon = true;
        j += 2;
        if (j < n && s.charCodeAt(j) === 58) return -1;
      } else {
        // a single colon must sit between two groups
        if (j === i || !(j + 1 < n && isHex(s.charCodeAt(j + 1)))) break;
        j++;
      }
    } else if (c === 46 && groupLen > 0 && (doubleColon || groups === 6)) {
      // embedded IPv4: the last group was its first octet
      const v4 = ipv4End(s, lastGroupStart);
      if (v4 < 0) return -1;
      j = v4;
      groupLen = 0;
      groups += 2;
      digit = true;
      break;
    } else break;
  }
  if (groupLen > 0) groups++;
  if (!digit) return -1;
  if (!(doubleColon ? groups <= 7 : groups === 8)) return -1;
  if (j < n && isWord(s.charCodeAt(j))) return -1;
  if (j < n && s.charCodeAt(j) === 37) {
    // %zone
    let k = j + 1;
    while (k < n && isWord(s.charCodeAt(k))) k++;
    if (k > j + 1) j = k;
  }
  return j;
}

function ipv4End(s: string, i: number): number {
  let j = i;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (s.charCodeAt(j) !== 46) return -1;
      j++;
    }
    const start = j;
    while (j < E && isDigit(s.charCodeAt(j)) && j - start < 3) j++;
    if (j === start) return -1;
  }
  return j < E && (isWord(s.charCodeAt(j)) || s.charCodeAt(j) === 46) ? -1 : j;
}

/**
 * A file path or URL path: `/a/b`, `./a`, `../a`, `~/a`, `C:\a\b`. One segment after a
 * slash (`/default-rack`, `/mapreduce`) is too little to tell a path from a name and stays
 * text, as does `/10.0.0.1`, which is an address after a slash.
 */
function pathEnd(s: string, i: number): number {
  const c = s.charCodeAt(i);
  let j = i;
  let sep = 47; // /
  if (c === 46) {
    // ./ or ../
    j++;
    if (s.charCodeAt(j) === 46) j++;
    if (s.charCodeAt(j) !== 47) return -1;
  } else if (c === 126) {
    j++;
    if (s.charCodeAt(j) !== 47) return -1;
  } else if (c !== 47 && c !== 92) {
    // drive letter
    if (!((c | 32) >= 97 && (c | 32) <= 122) || s.charCodeAt(i + 1) !== 58 || s.charCodeAt(i + 2) !== 92) return -1;
    j = i + 2;
    sep = 92;
  } else if (c === 92) {
    sep = 92;
  }
  // Count separators followed by something, and refuse a dotted address right after the first slash.
  let segments = 0;
  const end = urlEndPath(s, j);
  for (let k = j; k < end; k++) {
    if (s.charCodeAt(k) === sep && k + 1 < end && s.charCodeAt(k + 1) !== sep) segments++;
  }
  if (c === 47 && isDigit(s.charCodeAt(i + 1)) && ipv4End(s, i + 1) > 0) return -1;
  const min = c === 47 || c === 92 ? 2 : 1;
  if (segments < min) return -1;
  return trimEnd(s, i, end);
}
function urlEndPath(s: string, i: number): number {
  let j = i;
  for (; j < E; j++) {
    const c = s.charCodeAt(j);
    if (c < 128 && STOP[c] !== 0) break;
  }
  return j;
}
