/**
 * The one severity scale every record is mapped onto. Order matters: it is the
 * ordering used by `level>=warn` and by the stored UTINYINT code (index + 1; 0 = none).
 */
export const LEVELS = ['trace', 'debug', 'info', 'notice', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

/** Stored code for a level: 1..7, and 0 for "the line gave no level". */
export function levelCode(level: Level | null | undefined): number {
  return level ? LEVELS.indexOf(level) + 1 : 0;
}

export function levelFromCode(code: number | null | undefined): Level | null {
  return code && code >= 1 && code <= LEVELS.length ? LEVELS[code - 1]! : null;
}

export function isLevel(word: string): word is Level {
  return (LEVELS as readonly string[]).includes(word);
}

/**
 * Level words seen in the wild, lower-cased, mapped onto the scale. Formats may add
 * their own map (syslog severities, Python's CRITICAL); this is the default.
 */
export const LEVEL_WORDS: Readonly<Record<string, Level>> = {
  trace: 'trace', trc: 'trace', finest: 'trace', finer: 'trace', verbose: 'trace', v: 'trace',
  debug: 'debug', dbg: 'debug', fine: 'debug', d: 'debug', debug1: 'debug', debug2: 'debug',
  info: 'info', inf: 'info', information: 'info', informational: 'info', i: 'info', config: 'info',
  notice: 'notice', note: 'notice', n: 'notice',
  warn: 'warn', warning: 'warn', wrn: 'warn', w: 'warn',
  error: 'error', err: 'error', eror: 'error', e: 'error', severe: 'error', failure: 'error',
  fatal: 'fatal', crit: 'fatal', critical: 'fatal', alert: 'fatal', emerg: 'fatal', emergency: 'fatal',
  panic: 'fatal', f: 'fatal', c: 'fatal',
};

/** Map a level word to the scale, or null when the word is not a level. */
export function normalizeLevel(word: string | null | undefined): Level | null {
  if (!word) return null;
  return LEVEL_WORDS[word.toLowerCase()] ?? null;
}
