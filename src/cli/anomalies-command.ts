import type { AnomalyWindow } from '../shared/protocol';
import type { Io } from './commands';
import { connectEngine } from './connect';
import { parseTimeArg } from './time-arg';

export interface AnomaliesArgs {
  from?: string;
  to?: string;
  source?: string;
  json: boolean;
}

/**
 * `logscope anomalies`: the anomaly windows of a range (spikes, drops to silence, new
 * patterns, outlying records), oldest first; with --json one object per line. Asks the
 * engine running on the folder when there is one, else opens the store.
 */
export async function anomaliesCommand(dataDir: string, a: AnomaliesArgs, io: Io): Promise<number> {
  const from = a.from ? parseTimeArg(a.from) : null;
  const to = a.to ? parseTimeArg(a.to) : null;
  const engine = await connectEngine(dataDir, io.err);
  try {
    const r = await engine.api.anomalies({ from, to, source: a.source ?? null });
    for (const w of r.windows) io.out(a.json ? JSON.stringify(w) : formatWindow(w));
    if (!a.json && !r.windows.length) {
      io.err(`no anomalies from ${new Date(r.from).toISOString()} to ${new Date(r.to).toISOString()}`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}

export function formatWindow(w: AnomalyWindow): string {
  const what = w.pattern === null ? '(all patterns)' : `#${w.pattern} ${w.template ?? ''}`;
  const numbers = w.kind === 'new' ? `${w.count} records` : `${w.count} records, expected ${w.expected}`;
  return `${new Date(w.start).toISOString()} – ${new Date(w.end).toISOString()}  ${w.kind.padEnd(7)} ${w.score.toFixed(2)}  ${w.source}  ${what}  (${numbers})`;
}
