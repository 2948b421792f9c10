/**
 * Sources: where logs come from. Receivers (address, on/off, rates, errors, drops),
 * followed files (offset and lag; follow and unfollow), how to point a shipper here
 * (snippets filled in with the running receiver's address and token), and the files
 * imported so far.
 */
import { useEffect, useMemo, useState } from 'react';
import type { LiveSourceInfo, Source } from '../../../shared/protocol';
import { useSourcesStore } from '../../stores/sources';
import { CopyButton } from '../../components/CopyButton';
import { formatBytes, formatCount } from '../../lib/format';
import { formatLocal } from '../../lib/time';
import { followPath, loadSources, pollLiveSources, removeSource, setReceiver } from './api';
import {
  DEFAULT_PORTS,
  KIND_HINTS,
  KIND_LABELS,
  RECEIVER_KINDS,
  useLiveSourcesStore,
  type ReceiverKind,
} from './store';
import { SNIPPETS, senderHost, type Snippet, type SnippetReceiver } from './snippets';
import './sources.css';

export function SourcesView() {
  useEffect(() => {
    void loadSources();
    const t = setInterval(() => void pollLiveSources(), 1000);
    return () => clearInterval(t);
  }, []);
  const loaded = useLiveSourcesStore((s) => s.loaded);
  const error = useLiveSourcesStore((s) => s.error);

  return (
    <div className="sources-view" data-testid="sources-view">
      <div className="sources-column">
        <header className="sources-head">
          <h2>Sources</h2>
          <span className="dim">Receivers and followed files write into this data folder as records arrive.</span>
        </header>
        {error && <div className="sources-alert error-text">Could not list the live sources: {error}</div>}
        {!loaded && !error ? (
          <div className="connecting">
            <span className="spinner" /> Loading sources…
          </div>
        ) : (
          <>
            <Receivers />
            <Followed />
            <Snippets />
            <Imported />
          </>
        )}
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------

function Receivers() {
  const sources = useLiveSourcesStore((s) => s.sources);
  const available = useLiveSourcesStore((s) => s.available);
  const kinds = RECEIVER_KINDS.filter((k) => available.includes(k) || sources.some((s) => s.kind === k));
  return (
    <section className="sources-section" data-testid="receivers">
      <h3>Receivers</h3>
      <p className="dim small">
        Programs send logs here over the network. Records are acknowledged once they are stored; a receiver that falls
        behind slows senders down (TCP, HTTP 429) or counts what it had to drop (UDP).
      </p>
      <table className="sources-table">
        <thead>
          <tr>
            <th>Receiver</th>
            <th>Address</th>
            <th>State</th>
            <th className="num">Rate</th>
            <th className="num">Stored</th>
            <th className="num">Rejected</th>
            <th className="num">Dropped</th>
            <th>On</th>
          </tr>
        </thead>
        <tbody>
          {kinds.map((k) => (
            <ReceiverRow key={k} kind={k} info={sources.find((s) => s.kind === k) ?? null} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ReceiverRow({ kind, info }: { kind: ReceiverKind; info: LiveSourceInfo | null }) {
  const busy = useLiveSourcesStore((s) => s.busy.includes(kind));
  const actionError = useLiveSourcesStore((s) => s.actionErrors[kind] ?? null);
  const [port, setPort] = useState(String(info?.port ?? DEFAULT_PORTS[kind]));
  const running = info?.enabled === true && info.state !== 'stopped';
  const on = info?.enabled ?? false;
  const portNumber = Number(port);
  const portOk = Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535;
  const error = actionError ?? info?.error ?? null;
  return (
    <>
      <tr
        data-testid={`receiver-${kind}`}
        data-state={info?.state ?? 'off'}
        className={error ? 'has-error' : undefined}
      >
        <td>
          <strong>{KIND_LABELS[kind]}</strong>
          <div className="dim small">{KIND_HINTS[kind]}</div>
        </td>
        <td className="mono">
          {running && info ? (
            <span className="address">
              {info.address}
              <CopyButton text={() => info.address} label="Copy" />
            </span>
          ) : (
            <label className="port-field">
              <span className="dim small">port</span>
              <input
                className={`input mono${portOk ? '' : ' invalid'}`}
                data-testid={`receiver-port-${kind}`}
                value={port}
                inputMode="numeric"
                onChange={(e) => setPort(e.currentTarget.value)}
              />
            </label>
          )}
          {info?.token && running && <div className="dim small">token required</div>}
        </td>
        <td>
          <StatePill info={info} />
        </td>
        <td className="num mono" data-testid={`receiver-rate-${kind}`}>
          {info && running ? `${formatRate(info.rate)}/s` : '—'}
        </td>
        <td className="num mono">{info ? formatCount(info.stored) : '—'}</td>
        <td className="num mono">{info ? formatCount(info.rejected) : '—'}</td>
        <td className={`num mono${info && info.dropped > 0 ? ' warn-text' : ''}`}>
          {info ? formatCount(info.dropped) : '—'}
        </td>
        <td>
          <label className="switch" title={on ? 'Turn off' : 'Turn on'}>
            <input
              type="checkbox"
              data-testid={`receiver-toggle-${kind}`}
              checked={on}
              disabled={busy || (!on && !portOk)}
              onChange={(e) => void setReceiver(kind, e.currentTarget.checked, running ? undefined : portNumber)}
            />
            <span className="switch-track" />
          </label>
        </td>
      </tr>
      {error && (
        <tr className="row-error">
          <td colSpan={8} className="error-text small" data-testid={`receiver-error-${kind}`}>
            {error}
          </td>
        </tr>
      )}
    </>
  );
}

function StatePill({ info }: { info: LiveSourceInfo | null }) {
  if (!info || !info.enabled) return <span className="pill pill-muted">off</span>;
  const cls = { running: 'pill-ok', starting: 'pill-info', stopped: 'pill-muted', failed: 'pill-error' }[info.state];
  return <span className={`pill ${cls}`}>{info.state}</span>;
}

function formatRate(n: number): string {
  return n >= 100 ? formatCount(Math.round(n)) : n >= 10 ? n.toFixed(0) : n.toFixed(1);
}

// ---------------------------------------------------------------------------------------

function Followed() {
  const all = useLiveSourcesStore((s) => s.sources);
  const followed = useMemo(() => all.filter((s) => s.kind === 'follow'), [all]);
  const available = useLiveSourcesStore((s) => s.available.includes('follow'));
  const busy = useLiveSourcesStore((s) => s.busy.includes('follow'));
  const addError = useLiveSourcesStore((s) => s.actionErrors.follow ?? null);
  const [path, setPath] = useState('');
  const [fromStart, setFromStart] = useState(false);
  if (!available && followed.length === 0) return null;
  const submit = async () => {
    const p = path.trim();
    if (!p) return;
    if (await followPath(p, fromStart)) setPath('');
  };
  return (
    <section className="sources-section" data-testid="followed">
      <h3>Followed files</h3>
      <p className="dim small">
        Files, folders or globs, read as they grow (<code>tail -F</code>): rotation and restarts lose and repeat
        nothing. Paths are on the machine the engine runs on.
      </p>
      <form
        className="follow-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <input
          className="input mono"
          data-testid="follow-path"
          placeholder="/var/log/app/*.log"
          value={path}
          onChange={(e) => setPath(e.currentTarget.value)}
          spellCheck={false}
        />
        <label className="check">
          <input type="checkbox" checked={fromStart} onChange={(e) => setFromStart(e.currentTarget.checked)} />
          <span>read what is there already</span>
        </label>
        <button
          type="submit"
          className="btn btn-primary btn-sm"
          data-testid="follow-add"
          disabled={busy || !path.trim()}
        >
          Follow
        </button>
      </form>
      {addError && <div className="error-text small">{addError}</div>}
      {followed.length === 0 ? (
        <div className="dim small sources-empty">No files followed.</div>
      ) : (
        <table className="sources-table">
          <thead>
            <tr>
              <th>File</th>
              <th>State</th>
              <th className="num">Read</th>
              <th className="num">Size</th>
              <th className="num">Lag</th>
              <th className="num">Lines</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {followed.map((f) => (
              <FollowRows key={f.id} info={f} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function FollowRows({ info }: { info: LiveSourceInfo }) {
  const busy = useLiveSourcesStore((s) => s.busy.includes(info.id));
  const remove = (
    <button
      type="button"
      className="btn btn-ghost btn-xs"
      data-testid="follow-remove"
      disabled={busy}
      onClick={() => void removeSource(info.id)}
      title="Stop following"
    >
      Stop
    </button>
  );
  if (info.files.length === 0) {
    return (
      <tr data-testid="followed-row">
        <td className="mono">{info.address}</td>
        <td>
          <StatePill info={info} />{' '}
          {info.state === 'running' && <span className="dim small">waiting for the file</span>}
          {info.error && <div className="error-text small">{info.error}</div>}
        </td>
        <td colSpan={4} />
        <td>{remove}</td>
      </tr>
    );
  }
  return (
    <>
      {info.files.map((f, i) => (
        <tr key={f.path} data-testid="followed-row">
          <td className="mono" title={f.source}>
            {f.path}
          </td>
          <td>
            <span
              className={`pill ${f.state === 'error' ? 'pill-error' : f.state === 'following' ? 'pill-ok' : 'pill-info'}`}
            >
              {f.state}
            </span>
            {f.error && <div className="error-text small">{f.error}</div>}
          </td>
          <td className="num mono" data-testid="followed-offset">
            {formatBytes(f.offset)}
          </td>
          <td className="num mono" data-testid="followed-size">
            {formatBytes(f.size)}
          </td>
          <td className={`num mono${f.lag > 0 ? ' warn-text' : ''}`} data-testid="followed-lag">
            {formatBytes(f.lag)}
          </td>
          <td className="num mono">{formatCount(f.lines)}</td>
          <td>{i === 0 ? remove : null}</td>
        </tr>
      ))}
    </>
  );
}

// ---------------------------------------------------------------------------------------

const RECEIVER_OF: Record<SnippetReceiver, ReceiverKind> = {
  http: 'http',
  'syslog-tcp': 'syslog-tcp',
  'syslog-udp': 'syslog-udp',
  'gelf-udp': 'gelf-udp',
};

function Snippets() {
  const sources = useLiveSourcesStore((s) => s.sources);
  const [selected, setSelected] = useState<string>(SNIPPETS[0]!.id);
  const snippet = SNIPPETS.find((s) => s.id === selected) ?? SNIPPETS[0]!;
  const receiver =
    sources.find((s) => s.kind === RECEIVER_OF[snippet.receiver] && s.enabled && s.state === 'running') ?? null;
  const pageHost = typeof location !== 'undefined' && /^https?:$/.test(location.protocol) ? location.hostname : null;
  const text =
    receiver && receiver.port
      ? snippet.render({
          host: senderHost(receiver.host ?? '127.0.0.1', pageHost),
          port: receiver.port,
          token: receiver.token,
        })
      : null;
  const wildcard = receiver?.host === '0.0.0.0' || receiver?.host === '::';
  return (
    <section className="sources-section" data-testid="snippets">
      <h3>Send logs here</h3>
      <p className="dim small">
        Configuration for common shippers and logging libraries, filled in with this engine’s receivers.
      </p>
      <div className="snippet-tabs" role="tablist" aria-label="Tool">
        {SNIPPETS.map((s) => (
          <button
            key={s.id}
            type="button"
            role="tab"
            aria-selected={s.id === snippet.id}
            className={`snippet-tab${s.id === snippet.id ? ' active' : ''}`}
            data-testid={`snippet-tab-${s.id}`}
            onClick={() => setSelected(s.id)}
          >
            {s.tool}
          </button>
        ))}
      </div>
      <SnippetBody snippet={snippet} text={text} wildcard={wildcard} />
    </section>
  );
}

function SnippetBody({ snippet, text, wildcard }: { snippet: Snippet; text: string | null; wildcard: boolean }) {
  return (
    <div className="snippet" data-testid="snippet" data-id={snippet.id}>
      <div className="snippet-meta">
        <span className="pill pill-info">{KIND_LABELS[RECEIVER_OF[snippet.receiver]]}</span>
        <span className="dim small">{snippet.where}</span>
        <span className="spacer" />
        {text && <CopyButton text={() => text} label="Copy" testId="snippet-copy" />}
      </div>
      {text ? (
        <pre className="snippet-code mono" data-testid="snippet-code" data-language={snippet.language}>
          {text}
        </pre>
      ) : (
        <div className="snippet-off dim" data-testid="snippet-off">
          Turn on the {KIND_LABELS[RECEIVER_OF[snippet.receiver]]} receiver above to use this.
        </div>
      )}
      <div className="dim small">
        {snippet.note}
        {wildcard &&
          text &&
          ' The receiver listens on every address: from another machine, use this machine’s name or address.'}
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------

function Imported() {
  const sources = useSourcesStore((s) => s.sources);
  const imported = sources.filter((s) => s.kind === 'file' || s.kind === 'upload');
  return (
    <section className="sources-section" data-testid="imported">
      <h3>Imported files</h3>
      {imported.length === 0 ? (
        <div className="dim small sources-empty">Nothing imported yet: drop files on the window or use Open files.</div>
      ) : (
        <table className="sources-table">
          <thead>
            <tr>
              <th>File</th>
              <th>Format</th>
              <th className="num">Records</th>
              <th className="num">Unparsed</th>
              <th>Time span</th>
            </tr>
          </thead>
          <tbody>
            {imported.map((s) => (
              <ImportedRow key={s.name} source={s} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ImportedRow({ source: s }: { source: Source }) {
  return (
    <tr data-testid="imported-row">
      <td className="mono" title={s.name}>
        {s.name}
        {s.kind === 'upload' && <span className="dim small"> (uploaded)</span>}
      </td>
      <td className="mono">{s.format ?? '—'}</td>
      <td className="num mono">{formatCount(s.records)}</td>
      <td className={`num mono${s.unparsed > 0 ? ' warn-text' : ''}`}>{formatCount(s.unparsed)}</td>
      <td className="mono small">
        {s.firstTs !== null && s.lastTs !== null ? `${formatLocal(s.firstTs)} – ${formatLocal(s.lastTs)}` : '—'}
      </td>
    </tr>
  );
}
