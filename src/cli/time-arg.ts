/**
 * Reads --from/--to: an ISO date or date-time (zone-less means local time), epoch
 * milliseconds, `now`, or a relative `15m`, `2h`, `7d` ago (also `now-15m`).
 */
export function parseTimeArg(text: string, now = Date.now()): number {
  const t = text.trim();
  if (t === 'now') return now;
  const rel = /^(?:now-)?(\d+(?:\.\d+)?)(s|m|h|d|w)$/.exec(t);
  if (rel) {
    const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[rel[2] as 's' | 'm' | 'h' | 'd' | 'w'];
    return now - Number(rel[1]) * unit;
  }
  if (/^\d{12,}$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`cannot read the time "${text}" (try 2024-05-01T12:00:00Z, 2024-05-01, 15m, 2h or 7d)`);
  return ms;
}
