/**
 * Alerts: what is firing or pending now (acknowledge, silence, show records), the history
 * of state changes, the rules (enable, edit, duplicate, delete, import, export) and the
 * notification channels' failures. Tabs switch with 1 / 2 / 3; `n` starts a new rule.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Alert, AlertRule } from '../../../shared/alerts';
import { isTypingTarget } from '../../lib/keys';
import { formatCompact } from '../../lib/format';
import { formatLocal, formatWhen } from '../../lib/time';
import { ALERT_TABS, alertsActions, selectCurrent, selectFailingChannels, selectResolved, useAlertsStore, type AlertTab } from './store';
import { editorActions, useEditorStore } from './editor';
import { duplicateDraft, EMPTY_DRAFT } from './draft';
import { alertTarget, groupLabel } from './notify';
import {
  acknowledge,
  deleteRule,
  editRule,
  exportRules,
  importRules,
  openTarget,
  requestNotifyPermission,
  setRuleEnabled,
  silence,
} from './api';
import { RuleEditor } from './RuleEditor';
import './alerts.css';

const TAB_LABELS: Record<AlertTab, string> = { alerts: 'Alerts', history: 'History', rules: 'Rules' };

export function AlertsView() {
  const tab = useAlertsStore((s) => s.tab);
  const editorOpen = useEditorStore((s) => s.open);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target) || useEditorStore.getState().open) return;
      const i = ['1', '2', '3'].indexOf(e.key);
      if (i >= 0) {
        e.preventDefault();
        alertsActions.setTab(ALERT_TABS[i]!);
      } else if (e.key === 'n') {
        e.preventDefault();
        editorActions.open(null, EMPTY_DRAFT);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div className="alerts-view" data-testid="alerts-view">
      <div className="alerts-column">
        <Header />
        <ChannelFailures />
        <div className="alerts-tabs" role="tablist" aria-label="Alerts">
          {ALERT_TABS.map((t, i) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={`alerts-tab${tab === t ? ' active' : ''}`}
              data-testid={`alerts-tab-${t}`}
              title={`${TAB_LABELS[t]} (${i + 1})`}
              onClick={() => alertsActions.setTab(t)}
            >
              {TAB_LABELS[t]}
              {t === 'alerts' && <OpenCount />}
            </button>
          ))}
        </div>
        {tab === 'alerts' ? <CurrentAlerts /> : tab === 'history' ? <History /> : <Rules />}
      </div>
      {editorOpen && <RuleEditor />}
    </div>
  );
}

function OpenCount() {
  const open = useAlertsStore((s) => s.open);
  return open > 0 ? <span className="pill pill-error alerts-count">{open}</span> : null;
}

function Header() {
  const permission = useAlertsStore((s) => s.permission);
  return (
    <div className="alerts-head">
      <h2>Alerts</h2>
      <span className="dim small">rules over the stream; a firing alert shows here, as a toast and as a notification</span>
      <span className="spacer" />
      {permission === 'default' && (
        <button type="button" className="btn btn-sm" data-testid="notify-permission" onClick={() => void requestNotifyPermission()}>
          Allow browser notifications
        </button>
      )}
      {permission === 'denied' && <span className="pill pill-warn" title="Allow them in the browser's site settings">Browser notifications blocked</span>}
      {permission === 'granted' && <span className="pill pill-ok">Browser notifications on</span>}
      <button type="button" className="btn btn-primary btn-sm" data-testid="rule-new" title="New rule (n)" onClick={() => editorActions.open(null, EMPTY_DRAFT)}>
        New rule
      </button>
    </div>
  );
}

function ChannelFailures() {
  const channels = useAlertsStore((s) => s.channels);
  // Derived here, not in the selector: a new array per call would re-render forever.
  const failing = useMemo(() => selectFailingChannels({ channels }), [channels]);
  if (failing.length === 0) return null;
  return (
    <section className="alerts-section alerts-failures" data-testid="channel-failures" role="alert">
      <h3>Notification channels failing</h3>
      <table className="alerts-table">
        <thead>
          <tr>
            <th>Channel</th>
            <th className="num">Sent</th>
            <th className="num">Failed</th>
            <th className="num">Retried</th>
            <th className="num">Held back</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {failing.map((c) => (
            <tr key={c.channel}>
              <td className="mono ellipsis" title={c.channel}>{c.channel}</td>
              <td className="num">{c.sent}</td>
              <td className="num error-text">{c.failed}</td>
              <td className="num">{c.retried}</td>
              <td className="num">{c.limited}</td>
              <td>
                {c.lastError ?? '—'}
                {c.lastErrorAt !== null && <span className="dim small"> · {formatWhen(c.lastErrorAt, Date.now())}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const STATE_PILL: Record<Alert['state'], string> = { firing: 'pill-error', pending: 'pill-warn', resolved: 'pill-muted' };

const SILENCE_CHOICES = [
  { label: '15 minutes', ms: 15 * 60_000 },
  { label: '1 hour', ms: 3_600_000 },
  { label: '4 hours', ms: 4 * 3_600_000 },
  { label: '1 day', ms: 86_400_000 },
  { label: '1 week', ms: 7 * 86_400_000 },
];

function CurrentAlerts() {
  const alerts = useAlertsStore((s) => s.alerts);
  const current = useMemo(() => selectCurrent({ alerts }), [alerts]);
  const resolved = useMemo(() => selectResolved({ alerts }), [alerts]);
  const error = useAlertsStore((s) => s.alertsError);
  return (
    <section className="alerts-section" data-testid="alerts-current">
      {error && <div className="alerts-error" role="alert">Could not load the alerts: {error}</div>}
      {current.length > 0 ? (
        <AlertTable alerts={current} />
      ) : (
        !error && <p className="dim alerts-empty">Nothing is firing or pending.</p>
      )}
      {resolved.length > 0 && (
        <>
          <h3 className="alerts-subhead">Recently resolved</h3>
          <AlertTable alerts={resolved.slice(0, 50)} />
        </>
      )}
    </section>
  );
}

function AlertTable({ alerts }: { alerts: Alert[] }) {
  const now = Date.now();
  return (
    <table className="alerts-table">
      <thead>
        <tr>
          <th>Rule</th>
          <th>Group</th>
          <th>State</th>
          <th>Since</th>
          <th className="num">Value</th>
          <th className="num">Peak</th>
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {alerts.map((a) => (
          <tr key={a.id} data-testid="alert-row" data-state={a.state} data-rule={a.rule}>
            <td className="strong">{a.rule}</td>
            <td className="mono">{groupLabel(a.group) || <span className="dim">—</span>}</td>
            <td>
              <span className={`pill ${STATE_PILL[a.state]}`}>{a.state}</span>
              {a.acknowledged && <span className="pill pill-muted" title="Acknowledged">ack</span>}
              {a.silencedUntil !== null && a.silencedUntil > now && (
                <span className="pill pill-muted" title={`Silenced until ${formatLocal(a.silencedUntil, false)}`}>
                  silenced
                </span>
              )}
            </td>
            <td title={formatLocal(a.firedAt ?? a.startedAt, false)}>
              {formatWhen(a.state === 'resolved' ? (a.resolvedAt ?? a.startedAt) : (a.firedAt ?? a.startedAt), now)}
            </td>
            <td className="num">{formatCompact(a.value)}</td>
            <td className="num">{formatCompact(a.peak)}</td>
            <td className="alerts-actions">
              <AlertActions alert={a} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AlertActions({ alert }: { alert: Alert }) {
  const busy = useAlertsStore((s) => s.busy[alert.id] === true);
  const open = alert.state !== 'resolved';
  const silenced = alert.silencedUntil !== null && alert.silencedUntil > Date.now();
  return (
    <>
      <button type="button" className="btn btn-xs" data-testid="alert-records" onClick={() => openTarget(alertTarget(alert))}>
        Show records
      </button>
      {open && !alert.acknowledged && (
        <button type="button" className="btn btn-xs" data-testid="alert-ack" disabled={busy} onClick={() => void acknowledge(alert.id)}>
          Acknowledge
        </button>
      )}
      {open && (
        <select
          className="input alerts-silence"
          aria-label="Silence until"
          data-testid="alert-silence"
          disabled={busy}
          value=""
          onChange={(e) => {
            const v = e.target.value;
            if (v === 'lift') void silence(alert.id, null);
            else if (v) void silence(alert.id, Number(v));
          }}
        >
          <option value="">Silence…</option>
          {SILENCE_CHOICES.map((c) => (
            <option key={c.ms} value={c.ms}>
              for {c.label}
            </option>
          ))}
          {silenced && <option value="lift">Lift the silence</option>}
        </select>
      )}
    </>
  );
}

const TO_PILL: Record<string, string> = { firing: 'pill-error', pending: 'pill-warn', resolved: 'pill-ok', acknowledged: 'pill-muted', silenced: 'pill-muted' };

function History() {
  const events = useAlertsStore((s) => s.history);
  const error = useAlertsStore((s) => s.historyError);
  const now = Date.now();
  return (
    <section className="alerts-section" data-testid="alerts-history">
      {error && <div className="alerts-error" role="alert">Could not load the history: {error}</div>}
      {events.length === 0 && !error ? (
        <p className="dim alerts-empty">No state changes stored yet.</p>
      ) : (
        <table className="alerts-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Rule</th>
              <th>Group</th>
              <th>Change</th>
              <th className="num">Value</th>
              <th>Judged on</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e, i) => (
              <tr key={`${e.alertId}-${e.at}-${i}`} data-testid="history-row" data-live={e.live}>
                <td title={formatLocal(e.at)}>{formatWhen(e.at, now)}</td>
                <td className="strong">{e.rule}</td>
                <td className="mono">{groupLabel(e.group) || <span className="dim">—</span>}</td>
                <td>
                  {e.from && <span className="dim">{e.from} → </span>}
                  <span className={`pill ${TO_PILL[e.to] ?? 'pill-muted'}`}>{e.to}</span>
                </td>
                <td className="num">{formatCompact(e.value)}</td>
                <td>
                  {e.live ? (
                    <span className="pill pill-info" title="From the live stream (notified)">live</span>
                  ) : (
                    <span className="pill pill-muted" title="Judged over imported history (never notified)">history</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function describeRule(r: AlertRule): string {
  const s = r.spec;
  const bound = s.above !== undefined ? `> ${s.above}` : s.below !== undefined ? `< ${s.below}` : '';
  const what =
    s.kind === 'aggregate'
      ? `${s.fn}(${s.field}) ${bound}`
      : s.kind === 'rate'
        ? `rate vs ${s.baseline} before ${bound}`
        : s.kind === 'anomaly'
          ? `anomaly ≥ ${s.score ?? 'any'}${bound ? ` count ${bound}` : ''}`
          : s.kind === 'new-pattern'
            ? `new pattern${s.severity ? ` ≥ ${s.severity}` : ''}${s.categories ? ` in ${s.categories.join(', ')}` : ''}`
            : s.kind === 'silence'
              ? 'no records'
              : `count ${bound}`;
  const forPart = s.for && s.for !== '0s' ? ` for ${s.for}` : '';
  return `${what} in ${s.window}${forPart}${s.groupBy?.length ? ` per ${s.groupBy.join(', ')}` : ''}`;
}

function Rules() {
  const rules = useAlertsStore((s) => s.rules);
  const error = useAlertsStore((s) => s.rulesError);
  const file = useRef<HTMLInputElement>(null);
  const [exported, setExported] = useState<string | null>(null);
  useEffect(() => () => void (exported && URL.revokeObjectURL(exported)), [exported]);
  const doExport = () => {
    const url = URL.createObjectURL(new Blob([exportRules()], { type: 'application/json' }));
    setExported(url);
    const a = document.createElement('a');
    a.href = url;
    a.download = 'logscope-alert-rules.json';
    a.click();
  };
  return (
    <section className="alerts-section" data-testid="alerts-rules">
      <div className="alerts-rules-bar">
        <span className="dim small">{rules.length} rules · suggested ones ship with the app and start off</span>
        <span className="spacer" />
        <button type="button" className="btn btn-sm" data-testid="rules-import" onClick={() => file.current?.click()}>
          Import…
        </button>
        <button type="button" className="btn btn-sm" data-testid="rules-export" disabled={rules.length === 0} onClick={doExport}>
          Export
        </button>
        <input
          ref={file}
          type="file"
          accept=".json,.ndjson,application/json"
          hidden
          data-testid="rules-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void f.text().then((t) => importRules(t, f.name));
          }}
        />
      </div>
      {error && <div className="alerts-error" role="alert">Could not load the rules: {error}</div>}
      <table className="alerts-table">
        <thead>
          <tr>
            <th>On</th>
            <th>Rule</th>
            <th>Query</th>
            <th>Condition</th>
            <th>Notify</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <RuleRow key={r.id} rule={r} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RuleRow({ rule }: { rule: AlertRule }) {
  const busy = useAlertsStore((s) => s.busy[rule.id] === true);
  const [confirm, setConfirm] = useState(false);
  const enabled = rule.spec.enabled !== false;
  return (
    <tr data-testid="rule-row" data-rule={rule.spec.name} data-enabled={enabled}>
      <td>
        <label className="switch" title={enabled ? 'On: turn off' : 'Off: turn on'}>
          <input
            type="checkbox"
            role="switch"
            data-testid="rule-enabled"
            aria-label={`${rule.spec.name} on`}
            checked={enabled}
            disabled={busy}
            onChange={(e) => void setRuleEnabled(rule, e.target.checked)}
          />
          <span className="switch-track" />
        </label>
      </td>
      <td>
        <span className="strong">{rule.spec.name}</span>
        {rule.builtin && <span className="pill pill-info" title="Ships with the app">suggested</span>}
        {rule.warning && <div className="warn-text small">{rule.warning}</div>}
        {rule.spec.description && <div className="dim small">{rule.spec.description}</div>}
      </td>
      <td className="mono ellipsis" title={rule.spec.query}>{rule.spec.query || <span className="dim">all records</span>}</td>
      <td className="small">
        {describeRule(rule)}
        {rule.spec.cooldown && <span className="dim"> · cool-down {rule.spec.cooldown}</span>}
      </td>
      <td className="small mono">{(rule.spec.notify ?? []).map((c) => c.split(':')[0]).join(', ') || '—'}</td>
      <td className="alerts-actions">
        <button type="button" className="btn btn-xs" data-testid="rule-edit" onClick={() => editRule(rule)}>
          Edit
        </button>
        <button type="button" className="btn btn-xs" data-testid="rule-duplicate" onClick={() => editorActions.open(null, duplicateDraft(rule.spec))}>
          Duplicate
        </button>
        {confirm ? (
          <>
            <button type="button" className="btn btn-xs btn-danger" data-testid="rule-delete-confirm" disabled={busy} onClick={() => void deleteRule(rule)}>
              Delete it
            </button>
            <button type="button" className="btn btn-xs btn-ghost" onClick={() => setConfirm(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="btn btn-xs btn-ghost" data-testid="rule-delete" onClick={() => setConfirm(true)}>
            Delete
          </button>
        )}
      </td>
    </tr>
  );
}
