/**
 * The selected record: its message as stored, every field (the structured ones as
 * pretty JSON), copy buttons, and the lines around it in its source.
 */
import { useEffect, useRef } from 'react';
import type { LogRecord, LogRow } from '../../shared/protocol';
import { useDetailStore } from '../stores/detail';
import { useSelectionStore } from '../stores/selection';
import { basename, prettyJson } from '../lib/format';
import { formatLocal } from '../lib/time';
import { levelKey } from '../lib/levels';
import { CloseIcon } from './icons';
import { CopyButton } from './CopyButton';
import { AnomalySection, ClassificationSection, SeverityBadge } from './Classification';

const NO_ROWS: LogRow[] = [];

export function DetailPanel() {
  const id = useSelectionStore((s) => s.selectedId);
  const close = useSelectionStore((s) => s.closeDetail);
  const record = useDetailStore((s) => (s.id === id ? s.record : null));
  const context = useDetailStore((s) => (s.id === id ? s.context : NO_ROWS));
  const loading = useDetailStore((s) => s.loading);
  const error = useDetailStore((s) => (s.id === id ? s.error : null));

  return (
    <aside className="detail" data-testid="detail-panel" data-id={id ?? ''} aria-label="Record details">
      <header className="detail-head">
        {record ? (
          <>
            <SeverityBadge level={record.level} severity={record.severity ?? null} inferred={record.severityInferred ?? false} />
            <span className="mono detail-time">{formatLocal(record.ts)}</span>
            <span className="dim detail-src" title={record.source}>
              {basename(record.source)}
              {record.line > 0 ? `:${record.line}` : ''}
            </span>
          </>
        ) : (
          <span className="dim">{loading ? 'Loading…' : 'Record'}</span>
        )}
        <button
          type="button"
          className="btn btn-ghost btn-icon detail-close"
          onClick={close}
          title="Close (Esc)"
          data-testid="detail-close"
        >
          <CloseIcon />
        </button>
      </header>
      <div className="detail-body">
        {error && <div className="callout callout-error">{error}</div>}
        {record && <RecordView record={record} />}
        {record && <ContextView rows={context} currentId={record.id} />}
      </div>
    </aside>
  );
}

function RecordView({ record }: { record: LogRecord }) {
  const { fields, ...columns } = record;
  const hasFields = Object.keys(fields).length > 0;
  const rows: [string, string][] = [
    ['time', formatLocal(record.ts)],
    ['time (UTC)', new Date(record.ts).toISOString()],
    ['level', record.level ?? '—'],
    ['source', record.source],
    ['line', record.line > 0 ? String(record.line) : '—'],
    ['host', record.host ?? '—'],
    ['app', record.app ?? '—'],
    ['format', record.format],
    ['ingested', formatLocal(record.ingestTs)],
    ['id', String(record.id)],
  ];
  return (
    <>
      <section className="detail-section">
        <div className="section-head">
          <h3>Message</h3>
          <CopyButton label="Message" text={() => record.message} testId="copy-message" />
        </div>
        {record.parseError && (
          <div className="callout callout-warn">
            <strong>Not parsed:</strong> {record.parseError}. The line is kept as it came.
          </div>
        )}
        <pre className="code detail-message" data-testid="detail-message">
          {record.message}
        </pre>
      </section>
      <ClassificationSection record={record} />
      <AnomalySection record={record} />
      <section className="detail-section">
        <div className="section-head">
          <h3>Fields</h3>
          <CopyButton label="JSON" text={() => prettyJson({ ...columns, fields })} testId="copy-json" />
        </div>
        <table className="kv">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k}>
                <th>{k}</th>
                <td className="mono">{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {hasFields ? (
          <>
            <div className="section-head sub">
              <h4>fields</h4>
              <CopyButton label="Fields" text={() => prettyJson(fields)} testId="copy-fields" />
            </div>
            <pre className="code json" data-testid="detail-fields">
              {prettyJson(fields)}
            </pre>
          </>
        ) : (
          <div className="dim small">No structured fields.</div>
        )}
      </section>
    </>
  );
}

function ContextView({ rows, currentId }: { rows: LogRow[]; currentId: number }) {
  const select = useSelectionStore((s) => s.select);
  const box = useRef<HTMLDivElement>(null);
  const current = useRef<HTMLDivElement>(null);
  // Centre the record in the context box only (scrollIntoView would scroll the panel too).
  useEffect(() => {
    const b = box.current;
    const c = current.current;
    if (b && c) b.scrollTop = c.offsetTop - (b.clientHeight - c.offsetHeight) / 2;
  }, [rows, currentId]);
  return (
    <section className="detail-section">
      <div className="section-head">
        <h3>Context</h3>
        <span className="dim small">lines around it in the same source</span>
      </div>
      {rows.length === 0 ? (
        <div className="dim small">No surrounding lines.</div>
      ) : (
        <div className="context" data-testid="detail-context" ref={box}>
          {rows.map((r) => {
            const here = r.id === currentId;
            return (
              <div
                key={r.id}
                ref={here ? current : undefined}
                className={`ctx-row lvl-${levelKey(r.level)}${here ? ' current' : ''}`}
                data-testid={here ? 'context-current' : 'context-row'}
                onClick={() => !here && select(r.id, true)}
                title={here ? 'This record' : 'Show this record'}
              >
                <span className="ctx-line mono">{r.line > 0 ? r.line : ''}</span>
                <span className="ctx-time mono">{formatLocal(r.ts).slice(11)}</span>
                <span className="ctx-msg mono">{r.message}</span>
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
