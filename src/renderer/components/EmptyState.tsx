/** Shown when the store holds no logs at all: how to get some in. */
import { OpenFilesButton } from './DropZone';
import { FileIcon, TerminalIcon, UploadIcon } from './icons';
import { useViewStore } from '../stores/view';

export function EmptyState() {
  return (
    <div className="empty" data-testid="empty-state">
      <div className="empty-card">
        <div className="empty-icon">
          <UploadIcon width={32} height={32} />
        </div>
        <h2>No logs yet</h2>
        <p className="dim">LogScope keeps everything on this machine. Bring in some logs to start exploring.</p>
        <div className="empty-ways">
          <div className="empty-way">
            <UploadIcon />
            <div>
              <strong>Drop files</strong>
              <div className="dim small">anywhere on this window</div>
            </div>
          </div>
          <div className="empty-way">
            <FileIcon />
            <div>
              <strong>Open files</strong>
              <div className="dim small">pick one or many</div>
            </div>
          </div>
          <div className="empty-way">
            <TerminalIcon />
            <div>
              <strong>From a terminal</strong>
              <div className="dim small">
                <code>logscope import /var/log/syslog</code>
              </div>
            </div>
          </div>
        </div>
        <OpenFilesButton className="btn btn-primary" label="Open log files…" testId="empty-open-files" />
        <p className="dim small">
          Or let programs send them: syslog, HTTP (JSON, OTLP, Loki), GELF, or files followed as they grow —{' '}
          <button
            type="button"
            className="link-button"
            data-testid="empty-sources"
            onClick={() => useViewStore.getState().setView('sources')}
          >
            set up sources
          </button>
          .
        </p>
        <p className="dim small">
          Formats are detected per file: JSON lines, logfmt, syslog, nginx/Apache, log4j, Python, Go, Docker and more.
          Gzip is fine.
        </p>
      </div>
    </div>
  );
}
