/**
 * Imports in progress and finished: per import, files, bytes, records and unparsed lines,
 * and per file its format, counts, errors and warnings; running imports can be cancelled.
 */
import { useState } from 'react';
import type { ImportFileResult } from '../../shared/protocol';
import {
  importsActions,
  isImportFinished,
  selectRunningCount,
  useImportsStore,
  type ImportEntry,
  type UploadEntry,
} from '../stores/imports';
import { cancelImport } from '../api/session';
import { basename, formatBytes, formatCount, percent, plural } from '../lib/format';
import { ChevronIcon, CloseIcon, FileIcon } from './icons';

const MAX_FILES_SHOWN = 50;

export function ImportPanel() {
  const imports = useImportsStore((s) => s.imports);
  const uploads = useImportsStore((s) => s.uploads);
  const open = useImportsStore((s) => s.panelOpen);
  const running = useImportsStore(selectRunningCount);
  if (imports.length === 0 && uploads.length === 0) return null;
  const anyFinished = imports.some(isImportFinished) || uploads.some((u) => u.state === 'failed');

  return (
    <section className={`imports${open ? ' open' : ''}`} data-testid="import-panel" aria-label="Imports">
      <header className="imports-head" onClick={() => importsActions.setPanelOpen(!open)}>
        <FileIcon />
        <strong>Imports</strong>
        <span className="dim">{running > 0 ? `${running} running` : 'all finished'}</span>
        <span className="spacer" />
        {anyFinished && open && (
          <button
            type="button"
            className="btn btn-ghost btn-xs"
            onClick={(e) => {
              e.stopPropagation();
              importsActions.clearFinished();
            }}
          >
            Clear finished
          </button>
        )}
        <button
          type="button"
          className="btn btn-ghost btn-icon"
          title={open ? 'Collapse' : 'Expand'}
          aria-expanded={open}
        >
          <ChevronIcon className={open ? '' : 'rot180'} />
        </button>
      </header>
      {open && (
        <div className="imports-body">
          {uploads.map((u) => (
            <UploadRow key={u.key} upload={u} />
          ))}
          {imports.map((e) => (
            <ImportRow key={e.importId} entry={e} />
          ))}
        </div>
      )}
    </section>
  );
}

function UploadRow({ upload }: { upload: UploadEntry }) {
  return (
    <div className={`import upload state-${upload.state}`} data-testid="upload-item" data-state={upload.state}>
      <div className="import-title">
        <span className="import-name" title={upload.name}>
          {upload.name}
        </span>
        <span className={`pill pill-${upload.state === 'failed' ? 'error' : 'info'}`}>
          {upload.state === 'queued' ? 'queued' : upload.state === 'uploading' ? 'uploading' : 'failed'}
        </span>
        {upload.state === 'failed' && (
          <button
            type="button"
            className="btn btn-ghost btn-icon"
            title="Dismiss"
            onClick={() => importsActions.removeUpload(upload.key)}
          >
            <CloseIcon />
          </button>
        )}
      </div>
      {upload.state === 'failed' ? (
        <div className="error-text small">{upload.error}</div>
      ) : (
        <>
          <div className={`progress${upload.state === 'uploading' ? ' indeterminate' : ''}`}>
            <div />
          </div>
          <div className="dim small">{formatBytes(upload.size)}</div>
        </>
      )}
    </div>
  );
}

const STATE_LABEL = { running: 'importing', done: 'done', failed: 'failed', cancelled: 'cancelled' } as const;

function ImportRow({ entry }: { entry: ImportEntry }) {
  const [showFiles, setShowFiles] = useState(false);
  const p = entry.progress;
  const state = entry.lost ? 'lost' : (p?.state ?? 'running');
  const pct = p ? (p.state === 'done' ? 100 : percent(p.bytesRead, p.bytesTotal)) : 0;
  const title = p?.current ? basename(p.current) : entry.label;
  const fileErrors = p?.files.filter((f) => f.error).length ?? 0;
  const pillKind =
    state === 'done'
      ? fileErrors > 0
        ? 'warn'
        : 'ok'
      : state === 'running'
        ? 'info'
        : state === 'cancelled'
          ? 'muted'
          : 'error';

  return (
    <div
      className={`import state-${state}`}
      data-testid="import-item"
      data-import-id={entry.importId}
      data-state={state}
    >
      <div className="import-title">
        <span className="import-name" title={p?.current ?? entry.label}>
          {state === 'running' ? title : entry.label}
        </span>
        <span className={`pill pill-${pillKind}`}>{state === 'lost' ? 'interrupted' : STATE_LABEL[state]}</span>
        {state === 'running' ? (
          <button
            type="button"
            className="btn btn-ghost btn-xs"
            data-testid="import-cancel"
            onClick={() => cancelImport(entry.importId)}
          >
            Cancel
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-ghost btn-icon"
            title="Dismiss"
            onClick={() => importsActions.dismiss(entry.importId)}
          >
            <CloseIcon />
          </button>
        )}
      </div>
      {state === 'running' && (
        <div
          className={`progress${p && p.bytesTotal > 0 ? '' : ' indeterminate'}`}
          role="progressbar"
          aria-valuenow={pct}
          aria-valuemin={0}
          aria-valuemax={100}
        >
          <div style={{ width: `${pct}%` }} />
        </div>
      )}
      {p && (
        <div className="import-stats small">
          <span>
            {formatCount(p.filesDone)}/{formatCount(p.filesTotal)} files
          </span>
          <span>
            {formatBytes(p.bytesRead)}
            {p.bytesTotal > 0 ? ` of ${formatBytes(p.bytesTotal)} (${pct}%)` : ''}
          </span>
          <span data-testid="import-records">{plural(p.records, 'record')}</span>
          {p.unparsed > 0 && <span className="warn-text">{formatCount(p.unparsed)} unparsed</span>}
        </div>
      )}
      {entry.lost && (
        <div className="error-text small">
          The engine restarted and no longer knows this import; what was stored before stays.
        </div>
      )}
      {p?.error && <div className="error-text small">{p.error}</div>}
      {p && p.files.length > 0 && (
        <>
          <button
            type="button"
            className="link small"
            onClick={() => setShowFiles((s) => !s)}
            aria-expanded={showFiles}
          >
            {showFiles ? 'Hide files' : `Show ${plural(p.files.length, 'file')}`}
            {fileErrors > 0 ? ` (${fileErrors} with errors)` : ''}
          </button>
          {(showFiles || (fileErrors > 0 && p.files.length <= 3)) && (
            <ul className="import-files">
              {p.files.slice(0, MAX_FILES_SHOWN).map((f, i) => (
                <FileResult key={`${f.path}#${i}`} file={f} />
              ))}
              {p.files.length > MAX_FILES_SHOWN && (
                <li className="dim small">+{formatCount(p.files.length - MAX_FILES_SHOWN)} more</li>
              )}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

function FileResult({ file }: { file: ImportFileResult }) {
  return (
    <li className={`import-file${file.error ? ' has-error' : ''}`} data-testid="import-file">
      <div className="import-file-head">
        <span className="import-name" title={file.path}>
          {basename(file.path)}
        </span>
        <span className="pill pill-muted">{file.format ?? 'unknown format'}</span>
      </div>
      <div className="dim small">
        {plural(file.records, 'record')} · {formatCount(file.unparsed)} unparsed · {formatBytes(file.bytes)} ·{' '}
        {file.seconds.toFixed(1)} s
      </div>
      {file.error && <div className="error-text small">{file.error}</div>}
      {file.warnings.map((w, i) => (
        <div key={i} className="warn-text small">
          {w}
        </div>
      ))}
    </li>
  );
}
