/**
 * What the desktop engine tells Electron's main process about, as control messages
 * (src/shared/engine-messages.ts): OS notifications for imports that were worth waiting
 * for, and the settings main acts on. Pure functions, so the wording and the rules are
 * tested without a utility process.
 */
import type { AlertNotice } from '../../shared/alerts';
import type { EngineToMain } from '../../shared/engine-messages';
import type { ImportProgress, LiveSourceInfo } from '../../shared/protocol';
import { quote } from '../../shared/query/format';
import { shellSettings, type Settings } from '../../shared/settings';

/** An import that took this long is one the person may have stopped watching. */
export const LONG_IMPORT_MS = 10_000;

type Notify = Extract<EngineToMain, { type: 'notify' }>;

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/**
 * The notification for an import that ended, or null. Long imports are announced when
 * they finish; any import that failed or had files it could not read (a missing file on
 * the command line, say) is announced however quick it was: nobody may be looking.
 */
export function importNotice(p: ImportProgress, ranMs: number): Notify | null {
  if (p.state === 'running' || p.state === 'cancelled') return null;
  const failedFiles = p.files.filter((f) => f.error !== null);
  const single = p.files.length === 1 ? p.files[0]! : null;
  const target = single
    ? { view: 'explore', query: `source:${quote(single.path)}` }
    : { view: 'explore' };
  if (p.state === 'failed') {
    return { type: 'notify', topic: 'import', title: 'Import failed', body: p.error ?? 'The import stopped.', target };
  }
  if (failedFiles.length > 0) {
    const first = failedFiles[0]!;
    const more = failedFiles.length > 1 ? ` (and ${plural(failedFiles.length - 1, 'more file')})` : '';
    return {
      type: 'notify',
      topic: 'import',
      title: failedFiles.length === p.files.length ? 'Nothing imported' : 'Import finished with problems',
      body: `${first.path}: ${first.error}${more}. ${plural(p.records, 'record')} imported.`,
      target,
    };
  }
  if (ranMs < LONG_IMPORT_MS) return null;
  return {
    type: 'notify',
    topic: 'import',
    title: 'Import finished',
    body: `${plural(p.records, 'record')} from ${single ? single.path : plural(p.files.length, 'file')}`,
    target,
  };
}

/**
 * Notifications for receivers and followed files that stopped working: one for each source
 * that is enabled and has just become `failed` (a port taken, a file gone unreadable).
 * `before` is the previous list; a source the person turned off is not news.
 */
export function receiverNotices(before: readonly LiveSourceInfo[], now: readonly LiveSourceInfo[]): Notify[] {
  const was = new Map(before.map((s) => [s.id, s.state]));
  return now
    .filter((s) => s.enabled && s.state === 'failed' && was.get(s.id) !== 'failed')
    .map((s) => ({
      type: 'notify' as const,
      topic: 'receiver' as const,
      title: s.kind === 'follow' ? 'Stopped following a file' : `${s.name} receiver stopped`,
      body: s.error?.includes(s.address) ? s.error : `${s.address}: ${s.error ?? 'it stopped'}`,
      target: { view: 'sources' },
    }));
}

/**
 * The OS notification for an alert notice, or null when its rules did not ask for one
 * (`os` not among its channels). A single alert opens its records over the window it fired
 * in; several open the Alerts view, which lists them all.
 */
export function alertNotify(notice: AlertNotice): Notify | null {
  if (notice.channels && !notice.channels.includes('os')) return null;
  const single = notice.alerts.length === 1 && notice.more === 0 ? notice.alerts[0]! : null;
  const target = single ? { view: 'explore', query: single.query, from: single.from, to: single.to } : { ...notice.target };
  return { type: 'notify', topic: 'alert', title: notice.title, body: notice.body, target };
}

export function settingsMessage(settings: Settings): Extract<EngineToMain, { type: 'settings' }> {
  return { type: 'settings', ...shellSettings(settings) };
}
