/**
 * Which declared format a source is written in, judged from its first lines. The format
 * that parses the most of them wins, the earlier in the list on a tie (the list is in
 * priority order, specific before generic). Continuation lines do not win a contest —
 * a multi-line format would otherwise claim every stray line of a mixed file — but they
 * count towards the share a format must account for to beat plain text (half the
 * lines), so a log that is mostly stack trace is still read as the log it is.
 */
import { defaultTimeContext } from './formats/compile';
import type { CompiledFormat } from './formats/spec';

/** Share of the lines a format must account for to beat the fallback. */
const MIN_SHARE = 0.5;

export interface FormatScore {
  /** Lines the format parses. */
  parsed: number;
  /** Lines that would continue one of its multi-line records (stack frames). */
  continued: number;
}

export function scoreFormat(format: CompiledFormat, lines: readonly string[]): FormatScore {
  const tc = defaultTimeContext();
  let parsed = 0;
  let continued = 0;
  for (const raw of lines) {
    // Readers strip CR of CRLF; a caller that did not should get the same answer.
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    if (format.parse(line, tc)) parsed++;
    else if (format.multiline && parsed > 0) continued++;
  }
  return { parsed, continued };
}

export function detectFormat(lines: readonly string[], formats: readonly CompiledFormat[]): CompiledFormat {
  if (formats.length === 0) throw new Error('detectFormat: no formats to choose from');
  const nonBlank = lines.filter((l) => l.trim() !== '');
  const fallback = formats.find((f) => f.fallback) ?? formats[formats.length - 1]!;
  let best: CompiledFormat | null = null;
  let bestParsed = 0;
  for (const format of formats) {
    if (format.fallback) continue;
    const { parsed, continued } = scoreFormat(format, nonBlank);
    if (parsed > bestParsed && parsed + continued >= nonBlank.length * MIN_SHARE) {
      best = format;
      bestParsed = parsed;
      // Nothing later can parse more than every line, and ties go to the earlier.
      if (parsed === nonBlank.length) break;
    }
  }
  return best ?? fallback;
}
