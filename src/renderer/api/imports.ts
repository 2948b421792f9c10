/**
 * Starting imports. In the desktop app the engine reads the files where they are (their
 * paths come from the preload); in a browser each file is uploaded to the engine, which
 * starts one import per upload. Progress then arrives as `importProgressed` events.
 */
import type { EngineApi } from '../../shared/client';
import type { LogscopeShell } from '../env';
import { importsActions, useImportsStore, isImportFinished } from '../stores/imports';
import { notices } from '../stores/notices';
import { basename, plural } from '../lib/format';
import { describeError } from './errors';

export interface ImportDeps {
  api: EngineApi;
  shell: LogscopeShell | null;
  token: string | null;
  fetch: typeof fetch;
}

export const UPLOAD_URL = '/api/upload';

let uploadChain: Promise<void> = Promise.resolve();
let uploadSeq = 0;

/** Import dropped or chosen files; returns when every file was handed over (or failed). */
export function importFiles(files: readonly File[], deps: ImportDeps): Promise<void> {
  if (files.length === 0) return Promise.resolve();
  return deps.shell ? importByPath(files, deps) : uploadAll(files, deps);
}

async function importByPath(files: readonly File[], deps: ImportDeps): Promise<void> {
  const shell = deps.shell!;
  const paths: string[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    let p = '';
    try {
      p = shell.pathForFile(f);
    } catch {
      p = '';
    }
    if (p) paths.push(p);
    else skipped.push(f.name);
  }
  if (skipped.length > 0) {
    notices.error(
      `Cannot import ${skipped.length === 1 ? skipped[0] : plural(skipped.length, 'item')}`,
      'Only files on disk can be imported (not text or items dragged from another app).',
    );
  }
  if (paths.length === 0) return;
  try {
    const { importId } = await deps.api.importStart({ paths });
    importsActions.track(importId, paths.length === 1 ? basename(paths[0]!) : plural(paths.length, 'file'));
    await pollOnce(importId, deps.api);
  } catch (e) {
    notices.error('Import could not start', describeError(e).message ?? 'The engine is not reachable.');
  }
}

function uploadAll(files: readonly File[], deps: ImportDeps): Promise<void> {
  const entries = files.map((file) => {
    const key = `u${++uploadSeq}`;
    importsActions.addUpload({ key, name: file.name, size: file.size, state: 'queued', error: null });
    return { key, file };
  });
  // One upload at a time, in the order dropped: the disk and the link are the limit anyway.
  const done = uploadChain.then(async () => {
    for (const { key, file } of entries) await uploadOne(key, file, deps);
  });
  uploadChain = done.catch(() => undefined);
  return done;
}

/** What the engine said about a refused upload, for the person. */
export async function uploadErrorMessage(res: Pick<Response, 'status' | 'statusText' | 'json'>): Promise<string> {
  let detail: string | null = null;
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body?.error === 'string') detail = body.error;
  } catch {
    // not JSON
  }
  if (res.status === 401 || res.status === 403) {
    return detail ?? 'The engine refused this page’s token. Open the address that `logscope serve` printed.';
  }
  if (res.status === 413) return detail ?? 'The file is larger than the engine accepts.';
  return detail ?? `The engine answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`;
}

async function uploadOne(key: string, file: File, deps: ImportDeps): Promise<void> {
  importsActions.updateUpload(key, { state: 'uploading' });
  const fail = (error: string) => {
    importsActions.updateUpload(key, { state: 'failed', error });
    notices.error(`Upload of ${file.name} failed`, error);
  };
  let res: Response;
  try {
    res = await deps.fetch(UPLOAD_URL, {
      method: 'POST',
      headers: {
        ...(deps.token ? { Authorization: `Bearer ${deps.token}` } : {}),
        'X-Filename': encodeURIComponent(file.name),
        'Content-Type': 'application/octet-stream',
      },
      body: file,
    });
  } catch (e) {
    fail(`Could not send the file: ${(e as Error).message}`);
    return;
  }
  if (!res.ok) {
    fail(await uploadErrorMessage(res));
    return;
  }
  let importId: unknown;
  try {
    importId = ((await res.json()) as { importId?: unknown }).importId;
  } catch {
    importId = undefined;
  }
  if (typeof importId !== 'string' || importId === '') {
    fail('The engine accepted the file but did not say which import it started.');
    return;
  }
  importsActions.removeUpload(key);
  importsActions.track(importId, file.name);
  await pollOnce(importId, deps.api);
}

/** Events carry progress; one status call fills the panel before the first event. */
async function pollOnce(importId: string, api: EngineApi): Promise<void> {
  try {
    const p = await api.importStatus({ importId });
    const entry = useImportsStore.getState().imports.find((e) => e.importId === importId);
    // An event may have overtaken the call: keep the newer one.
    if (p && (!entry?.progress || entry.progress.state === 'running')) importsActions.progress(p);
  } catch {
    // events will come
  }
}

export async function cancelImport(importId: string, api: EngineApi): Promise<void> {
  try {
    const { cancelled } = await api.importCancel({ importId });
    if (!cancelled) notices.info('The import had already finished.');
  } catch (e) {
    notices.error('Could not cancel the import', describeError(e).message ?? 'The engine is not reachable.');
  }
}

/** After a reconnect: ask about imports that were running; the engine may have restarted. */
export async function refreshImports(api: EngineApi): Promise<void> {
  const running = useImportsStore.getState().imports.filter((e) => !isImportFinished(e));
  await Promise.all(
    running.map(async (e) => {
      try {
        const p = await api.importStatus({ importId: e.importId });
        if (p) importsActions.progress(p);
        else importsActions.lost(e.importId);
      } catch {
        // try again next time
      }
    }),
  );
}
