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
const TRIGGER = 64; // / @ < : a token holding one needs the full scanner

const CLASS = new Uint8Array(128);
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
CLASS[47] = TRIGGER; // /
CLASS[64] = TRIGGER; // @
CLASS[60] = TRIGGER; // <
CLASS[92] = TRIGGER; // \ (Windows paths)

const REPLACEMENT_CHAR = 0xfffd;

function cls(c: number): number {
  return c < 128 ? CLASS[c]! : c === REPLACEMENT_CHAR ? JUNK : LOWER;
}
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWord = (c: number): boolean => (cls(c) & (DIGIT | UPPER | LOWER | WORDSYM)) !== 0;
const isHex = (c: number): boolean => (c < 128 ? (CLASS[c]! & (DIGIT | HEXLETTER)) !== 0 : false);
/** Characters that may join two values into one (`1.5`, `2015-10-18`, `1_2`). */
const isGlue = (c: number): boolean => c === 46 || c === 45 || c === 95;

/**
 * Masks one token. Returns the token itself (same string) when nothing in it is a value;
 * otherwise the masked text, with the values appended to `params`.
 */
export function maskToken(tok: string, params: string[]): string {
  const n = tok.length;
  if (n > MAX_TOKEN_CHARS) {
    params.push(tok);
    return VAR;
  }
  let trigger = 0;
  for (let i = 0; i < n; i++) {
    const c = tok.charCodeAt(i);
    if (c < 128) {
      const k = CLASS[c]!;
      if (k & JUNK) {
        params.push(tok);
        return VAR;
      }
      trigger |= k;
    } else if (c === REPLACEMENT_CHAR) {
      params.push(tok);
      return VAR;
    }
  }
  if ((trigger & (DIGIT | TRIGGER)) === 0) return tok;
  return scan(tok, params);
}

/** The full scanner: atoms left to right, literal text between them. */
function scan(s: string, params: string[]): string {
  const n = s.length;
  let out = '';
  let i = 0;
  let lit = 0; // start of literal text not yet copied to out
  let lastStart = -10; // the last value, so one that follows it after one glue character can join it
  let lastEnd = -10;

  const emit = (start: number, end: number): void => {
    const gap = start - lastEnd;
    if (lit === lastEnd && (gap === 0 || (gap === 1 && isGlue(s.charCodeAt(lastEnd))))) {
      params[params.length - 1] = s.slice(lastStart, end);
    } else {
      out += s.slice(lit, start);
      out += VAR;
      params.push(s.slice(start, end));
      lastStart = start;
    }
    lastEnd = end;
    lit = end;
    i = end;
  };

  while (i < n) {
    const c = s.charCodeAt(i);
    const prev = i > 0 ? s.charCodeAt(i - 1) : 32;
    const atStart = i === 0 || !isWord(prev);

    // A literal "<*>" in the input is a value, so template text never holds one that is not a variable.
    if (c === 60 && s.startsWith(VAR, i)) {
      emit(i, i + 3);
      continue;
    }
    if (atStart) {
      const special = specialAt(s, i, prev);
      if (special > i) {
        emit(i, special);
        continue;
      }
      if (special < -1) {
        // scheme:// kept as text, the rest of the URL is the value
        const bodyStart = -special;
        const end = trimEnd(s, bodyStart, urlEnd(s, bodyStart));
        if (end > bodyStart) {
          i = bodyStart;
          emit(bodyStart, end);
          continue;
        }
      }
    }
    const k = cls(c);
    if (k & DIGIT) {
      // A number, or anything that starts like one (10ms, 64KB, 0x1f, 3rd, 9f4ef63): a value.
      let j = i + 1;
      while (j < n && isWord(s.charCodeAt(j))) j++;
      emit(signedStart(s, i, lit), j);
      continue;
    }
    if (k & (UPPER | LOWER | WORDSYM)) {
      let j = i + 1;
      while (j < n && isWord(s.charCodeAt(j))) j++;
      if (atStart && isHexId(s, i, j)) {
        emit(i, j);
        continue;
      }
      // name_123…: the name stays, what follows the first "_<digit>" is the value.
      const cut = idCut(s, i, j);
      if (cut > 0) {
        i = cut;
        emit(cut, j);
        continue;
      }
      i = j;
      continue;
    }
    i++;
  }
  if (lit < n) out += s.slice(lit);
  return out;
}

/** A sign belongs to the number after it when it does not join two words (`-5`, `=-1`, `blk_-69`). */
function signedStart(s: string, i: number, lit: number): number {
  if (i === 0 || i - 1 < lit) return i;
  const sign = s.charCodeAt(i - 1);
  if (sign !== 45 && sign !== 43) return i;
  const before = i >= 2 ? s.charCodeAt(i - 2) : 32;
  return i === 1 || !isWord(before) || before === 95 ? i - 1 : i;
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

/** Index after the `_` of the first `_<digit>` in the word [i, j), or 0. */
function idCut(s: string, i: number, j: number): number {
  for (let k = i + 1; k < j - 1; k++) {
    if (s.charCodeAt(k) === 95 && isDigit(s.charCodeAt(k + 1))) return k + 1;
  }
  return 0;
}

const URL_STOP = new Set([32, 34, 39, 40, 41, 60, 62, 91, 93, 123, 125, 44, 59, 124]); // space " ' ( ) < > [ ] { } , ; |
function urlEnd(s: string, i: number): number {
  let j = i;
  while (j < s.length && !URL_STOP.has(s.charCodeAt(j))) j++;
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
const MAC_RE = /[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(?:\1[0-9a-fA-F]{2}){4}(?![0-9A-Za-z:])/y;
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9])/y;
const CLF_DATE_RE = /[0-9]{1,2}\/[A-Z][a-z]{2}\/[0-9]{4}(?::[0-9]{2}){0,3}/y;
// An ISO 8601 date with its time is one value; a date alone is one value by the glue rule anyway.
const ISO_TIME_RE = /[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?(?![0-9A-Za-z])/y;
const SCHEME_RE = /[A-Za-z][A-Za-z0-9+.-]*:\/\//y;

function sticky(re: RegExp, s: string, i: number): number {
  re.lastIndex = i;
  return re.test(s) ? re.lastIndex : -1;
}

/**
 * Values that need more than one character class to recognise, tried where a word may
 * start. Returns the end of the value; or -(body start) for a URL, whose scheme is kept;
 * or -1 when there is none here.
 */
function specialAt(s: string, i: number, prev: number): number {
  const c = s.charCodeAt(i);
  const rest = s.length - i;
  if (c === 47 || c === 92 || c === 46 || c === 126 || (rest > 2 && s.charCodeAt(i + 1) === 58)) {
    const p = pathEnd(s, i, prev);
    if (p > 0) return p;
  }
  if (isHex(c)) {
    if (rest >= 36 && s.charCodeAt(i + 8) === 45) {
      const e = sticky(UUID_RE, s, i);
      if (e > 0) return e;
    }
    if (rest >= 2) {
      const v6 = ipv6End(s, i);
      if (v6 > 0) return v6;
      if (rest >= 17) {
        const e = sticky(MAC_RE, s, i);
        if (e > 0) return e;
      }
    }
    if (isDigit(c) && rest >= 10 && s.charCodeAt(i + 2) === 47) {
      const e = sticky(CLF_DATE_RE, s, i);
      if (e > 0) return e;
    }
    if (isDigit(c) && rest >= 16 && s.charCodeAt(i + 4) === 45) {
      const e = sticky(ISO_TIME_RE, s, i);
      if (e > 0) return e;
    }
  } else if (c === 58 && rest >= 3 && s.charCodeAt(i + 1) === 58) {
    const v6 = ipv6End(s, i);
    if (v6 > 0) return v6;
  }
  if (isWord(c)) {
    const h = hostEnd(s, i);
    if (h > 0) return h;
  }
  if (isWord(c) || c === 46 || c === 43 || c === 45) {
    if (s.indexOf('@', i) > i) {
      const e = sticky(EMAIL_RE, s, i);
      if (e > 0) return e;
    }
    if ((c | 32) >= 97 && (c | 32) <= 122 && s.indexOf('://', i) > i) {
      const e = sticky(SCHEME_RE, s, i);
      if (e > 0) return -e;
    }
  }
  return -1;
}

// A host name is a value where its context says so: before `:port` or `/address`.
// `Foo.java:42` in a stack frame is a file and a line, not a host and a port.
const HOST_PORT_RE = /[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+(?=:[0-9]{1,5}(?![0-9A-Za-z]))/y;
const HOST_ADDR_RE = /[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?=\/[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?![0-9]))/y;
const SOURCE_FILE = /\.(?:java|scala|kt|groovy|py|rb|go|js|mjs|cjs|ts|tsx|jsx|c|cc|cpp|cxx|h|hpp|cs|php|pl|rs|swift|m|erl|ex|exs|clj|lua|sh)$/i;

function hostEnd(s: string, i: number): number {
  const colon = s.indexOf(':', i);
  const slash = s.indexOf('/', i);
  if (colon > i && s.lastIndexOf('.', colon) > i) {
    const e = sticky(HOST_PORT_RE, s, i);
    if (e > 0 && !SOURCE_FILE.test(s.slice(i, e))) return e;
  }
  if (slash > i) {
    const e = sticky(HOST_ADDR_RE, s, i);
    if (e > 0) return e;
  }
  return -1;
}

/**
 * IPv6: hex groups of up to four joined by colons, either eight of them or with one `::`,
 * holding at least one digit (so `std::vector` and `a::b` stay words), optionally with a
 * dotted IPv4 tail (`::ffff:10.0.0.1`) and a `%zone`.
 */
function ipv6End(s: string, i: number): number {
  const n = s.length;
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
    while (j < s.length && isDigit(s.charCodeAt(j)) && j - start < 3) j++;
    if (j === start) return -1;
  }
  return j < s.length && (isWord(s.charCodeAt(j)) || s.charCodeAt(j) === 46) ? -1 : j;
}

const PATH_STOP = new Set([32, 34, 39, 40, 41, 60, 62, 91, 93, 123, 125, 44, 59, 124, 61]); // space " ' ( ) < > [ ] { } , ; | =
/**
 * A file path or URL path: `/a/b`, `./a`, `../a`, `~/a`, `C:\a\b`. One segment after a
 * slash (`/default-rack`, `/mapreduce`) is too little to tell a path from a name and stays
 * text, as does `/10.0.0.1`, which is an address after a slash.
 */
function pathEnd(s: string, i: number, _prev: number): number {
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
  while (j < s.length && !PATH_STOP.has(s.charCodeAt(j))) j++;
  return j;
}
