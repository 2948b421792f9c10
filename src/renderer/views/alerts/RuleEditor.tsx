/**
 * The rule editor (a dialog over the Alerts view): every field of the rule contract for
 * its kind, each problem from alertRuleCheck beside its field (a query error underlined at
 * its position, as in the search bar), channels with "send test", and Test: a replay over a
 * chosen range with the would-have-fired stretches shaded. Esc closes; Ctrl+Enter saves.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { AGGREGATE_FNS, ALERT_KINDS, CHANNEL_RE, type AlertKind } from '../../../shared/alerts';
import { LEVELS } from '../../../shared/levels';
import { CATEGORIES } from '../../../shared/categories';
import { QueryErrorView } from '../../components/QueryBar';
import { EChart } from '../../charts/EChart';
import { useThemeStore } from '../../stores/theme';
import { formatCompact, formatTook, plural } from '../../lib/format';
import { formatLocal } from '../../lib/time';
import { editorActions, REPLAY_PRESETS, selectClean, useEditorStore, type ReplayPresetKey } from './editor';
import { boundsFor, draftToInput, isKind, problemsByField, type Problem, type RuleDraft } from './draft';
import { checkDraft, runReplay, saveDraft, testChannel } from './api';
import { groupLabel } from './notify';
import { replayOption } from './replayOption';

const KIND_LABELS: Record<AlertKind, string> = {
  threshold: 'Threshold: count of matches in a window',
  rate: 'Rate change against a baseline window',
  anomaly: 'Anomaly: records with a high anomaly score',
  'new-pattern': 'New pattern: first seen',
  silence: 'Silence: no matching record',
  aggregate: 'Aggregate of a numeric field (p95 …)',
};

const CHECK_DEBOUNCE_MS = 300;

export function RuleEditor() {
  const id = useEditorStore((s) => s.id);
  const draft = useEditorStore((s) => s.draft);
  const rev = useEditorStore((s) => s.rev);
  const problems = useEditorStore((s) => s.problems);
  const saving = useEditorStore((s) => s.saving);
  const saveError = useEditorStore((s) => s.saveError);
  const clean = useEditorStore(selectClean);
  const dialog = useRef<HTMLDivElement>(null);
  const byField = useMemo(() => problemsByField(problems), [problems]);

  useEffect(() => {
    const t = setTimeout(() => void checkDraft(), CHECK_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [rev]);
  useEffect(() => {
    dialog.current?.querySelector<HTMLInputElement>('input')?.focus();
    // Esc closes even when focus left the dialog (a button that was disabled while busy).
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) editorActions.close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const edit = (patch: Partial<RuleDraft>) => editorActions.edit(patch);
  const bounds = boundsFor(draft.kind);
  const general = byField.get('') ?? [];
  const known = new Set(['', 'name', 'query', 'kind', 'window', 'above', 'below', 'groupBy', 'for', 'cooldown', 'notify', 'payload', 'description', 'baseline', 'minCount', 'score', 'severity', 'categories', 'field', 'fn', 'enabled']);
  const stray = problems.filter((p) => !known.has(p.path.split('.')[0] ?? ''));

  return (
    <div className="rule-editor-backdrop" onMouseDown={(e) => e.target === e.currentTarget && editorActions.close()}>
      <div
        ref={dialog}
        className="rule-editor"
        role="dialog"
        aria-modal="true"
        aria-label={id ? 'Edit rule' : 'New rule'}
        data-testid="rule-editor"
        data-clean={clean}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void saveDraft();
          }
        }}
      >
        <div className="rule-editor-head">
          <h3>{id ? 'Edit rule' : 'New rule'}</h3>
          <span className="spacer" />
          <label className="rule-check">
            <input type="checkbox" data-testid="rule-field-enabled" checked={draft.enabled} onChange={(e) => edit({ enabled: e.target.checked })} />
            On once saved
          </label>
        </div>
        <div className="rule-editor-body">
          <div className="rule-form">
            <Field label="Name" path="name" problems={byField}>
              <input className="input" data-testid="rule-field-name" value={draft.name} onChange={(e) => edit({ name: e.target.value })} />
            </Field>
            <Field label="Query (the search language; empty: every record)" path="query" problems={byField} query={draft.query}>
              <input
                className={`input mono${byField.has('query') ? ' invalid' : ''}`}
                data-testid="rule-field-query"
                spellCheck={false}
                value={draft.query}
                placeholder='level>=error "connection refused"'
                onChange={(e) => edit({ query: e.target.value })}
              />
            </Field>
            <div className="rule-row">
              <Field label="Kind" path="kind" problems={byField}>
                <select
                  className="input"
                  data-testid="rule-field-kind"
                  value={draft.kind}
                  onChange={(e) => {
                    if (!isKind(e.target.value)) return;
                    const b = boundsFor(e.target.value);
                    edit({ kind: e.target.value, bound: b.includes(draft.bound) ? draft.bound : (b[0] ?? 'above') });
                  }}
                >
                  {ALERT_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {KIND_LABELS[k]}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label="Window" path="window" problems={byField}>
                <input className="input mono" data-testid="rule-field-window" value={draft.window} placeholder="5m" onChange={(e) => edit({ window: e.target.value })} />
              </Field>
            </div>
            <KindFields draft={draft} bounds={bounds} problems={byField} />
            <div className="rule-row">
              <Field label="Group by (fields, comma-separated)" path="groupBy" problems={byField}>
                <input className="input mono" data-testid="rule-field-groupBy" value={draft.groupBy} placeholder="host, service" onChange={(e) => edit({ groupBy: e.target.value })} />
              </Field>
              <Field label="For (holds this long before firing)" path="for" problems={byField}>
                <input className="input mono" data-testid="rule-field-for" value={draft.for} placeholder="0s" onChange={(e) => edit({ for: e.target.value })} />
              </Field>
              <Field label="Cool-down (after resolving)" path="cooldown" problems={byField}>
                <input className="input mono" data-testid="rule-field-cooldown" value={draft.cooldown} placeholder="5m" onChange={(e) => edit({ cooldown: e.target.value })} />
              </Field>
            </div>
            <Channels draft={draft} problems={byField} />
            {draft.notify.some((c) => c.startsWith('webhook:')) && (
              <Field label="Webhook payload (JSON with {{rule}}, {{state}}, {{value}}, {{group}}, {{group.host}}, {{query}}, {{url}}, {{startedAt}}; empty: the alert as JSON)" path="payload" problems={byField}>
                <textarea
                  className="input mono rule-textarea"
                  data-testid="rule-field-payload"
                  rows={4}
                  spellCheck={false}
                  value={draft.payload}
                  placeholder='{"text": "{{rule}} is {{state}} ({{value}}) on {{group.host}}"}'
                  onChange={(e) => edit({ payload: e.target.value })}
                />
              </Field>
            )}
            <Field label="Description (shown with the alert: what to do about it)" path="description" problems={byField}>
              <textarea className="input rule-textarea" rows={2} value={draft.description} onChange={(e) => edit({ description: e.target.value })} />
            </Field>
            {[...general, ...stray].map((p, i) => (
              <div key={i} className="field-error" data-testid="rule-problem" data-path={p.path}>
                {p.path ? `${p.path}: ` : ''}
                {p.message}
              </div>
            ))}
          </div>
          <ReplayPanel />
        </div>
        <div className="rule-editor-foot">
          {saveError && (
            <span className="field-error" role="alert" data-testid="rule-save-error">
              Not saved: {saveError}
            </span>
          )}
          <span className="spacer" />
          <span className="dim small">{clean ? 'No problems' : problems.length ? plural(problems.length, 'problem') : 'Checking…'}</span>
          <button type="button" className="btn" onClick={() => editorActions.close()}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" data-testid="rule-save" disabled={saving} title="Save (Ctrl+Enter)" onClick={() => void saveDraft()}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
    </div>
  );
}

function Field({
  label,
  path,
  problems,
  query,
  children,
}: {
  label: string;
  path: string;
  problems: Map<string, Problem[]>;
  /** The query text, for a problem that points into it. */
  query?: string;
  children: React.ReactNode;
}) {
  const list = problems.get(path) ?? [];
  return (
    <label className="field rule-field" data-testid={`rule-fieldbox-${path}`}>
      <span>{label}</span>
      {children}
      {list.map((p, i) =>
        query !== undefined && p.start !== undefined ? (
          <QueryErrorView key={i} id="rule-query-error" error={{ query, message: p.message, start: p.start, end: p.end ?? p.start + 1 }} />
        ) : (
          <em key={i} className="field-error" data-testid="rule-problem" data-path={p.path}>
            {p.message}
          </em>
        ),
      )}
    </label>
  );
}

function KindFields({ draft, bounds, problems }: { draft: RuleDraft; bounds: readonly ('above' | 'below')[]; problems: Map<string, Problem[]> }) {
  const edit = (patch: Partial<RuleDraft>) => editorActions.edit(patch);
  const boundLabel =
    draft.kind === 'rate' ? 'ratio to the baseline' : draft.kind === 'aggregate' ? 'value' : draft.kind === 'anomaly' ? 'count (empty: any)' : 'count';
  return (
    <div className="rule-row">
      {bounds.length > 0 && (
        <Field label={`Fires when the ${boundLabel} is`} path={draft.bound} problems={problems}>
          <div className="rule-inline">
            <select className="input rule-bound" data-testid="rule-field-bound" value={draft.bound} onChange={(e) => edit({ bound: e.target.value as 'above' | 'below' })}>
              {bounds.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
            <input className="input mono" data-testid="rule-field-value" inputMode="decimal" value={draft.value} onChange={(e) => edit({ value: e.target.value })} />
          </div>
        </Field>
      )}
      {draft.kind === 'rate' && (
        <>
          <Field label="Baseline (the same window this long before)" path="baseline" problems={problems}>
            <input className="input mono" data-testid="rule-field-baseline" value={draft.baseline} onChange={(e) => edit({ baseline: e.target.value })} />
          </Field>
          <Field label="Min count (either side)" path="minCount" problems={problems}>
            <input className="input mono" data-testid="rule-field-minCount" inputMode="numeric" value={draft.minCount} onChange={(e) => edit({ minCount: e.target.value })} />
          </Field>
        </>
      )}
      {draft.kind === 'anomaly' && (
        <Field label="Anomaly score at least (0–1)" path="score" problems={problems}>
          <input className="input mono" data-testid="rule-field-score" inputMode="decimal" value={draft.score} onChange={(e) => edit({ score: e.target.value })} />
        </Field>
      )}
      {draft.kind === 'aggregate' && (
        <>
          <Field label="Function" path="fn" problems={problems}>
            <select className="input" data-testid="rule-field-fn" value={draft.fn} onChange={(e) => edit({ fn: e.target.value })}>
              {AGGREGATE_FNS.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </Field>
          <Field label="Numeric field" path="field" problems={problems}>
            <input className="input mono" data-testid="rule-field-field" value={draft.field} placeholder="duration_ms" onChange={(e) => edit({ field: e.target.value })} />
          </Field>
        </>
      )}
      {draft.kind === 'new-pattern' && (
        <>
          <Field label="Severity at least" path="severity" problems={problems}>
            <select className="input" data-testid="rule-field-severity" value={draft.severity} onChange={(e) => edit({ severity: e.target.value })}>
              <option value="">any</option>
              {LEVELS.map((l) => (
                <option key={l}>{l}</option>
              ))}
            </select>
          </Field>
          <Field label="Categories (none: all)" path="categories" problems={problems}>
            <div className="rule-chips">
              {CATEGORIES.map((c) => (
                <label key={c} className={`rule-chip${draft.categories.includes(c) ? ' on' : ''}`}>
                  <input
                    type="checkbox"
                    checked={draft.categories.includes(c)}
                    onChange={(e) => edit({ categories: e.target.checked ? [...draft.categories, c] : draft.categories.filter((x) => x !== c) })}
                  />
                  {c}
                </label>
              ))}
            </div>
          </Field>
        </>
      )}
    </div>
  );
}

function Channels({ draft, problems }: { draft: RuleDraft; problems: Map<string, Problem[]> }) {
  const [adding, setAdding] = useState('');
  const [testing, setTesting] = useState<string | null>(null);
  const edit = (notify: string[]) => editorActions.edit({ notify });
  const toggle = (ch: 'os' | 'toast', on: boolean) => edit(on ? [...draft.notify, ch] : draft.notify.filter((c) => c !== ch));
  const urls = draft.notify.filter((c) => c !== 'os' && c !== 'toast');
  const addValid = CHANNEL_RE.test(adding.trim());
  const add = () => {
    const c = adding.trim();
    if (!c || draft.notify.includes(c)) return;
    edit([...draft.notify, c]);
    setAdding('');
  };
  const test = async (c: string) => {
    setTesting(c);
    await testChannel(c, draft.payload);
    setTesting(null);
  };
  return (
    <Field label="Notify" path="notify" problems={problems}>
      <div className="rule-channels" data-testid="rule-channels">
        <div className="rule-inline">
          <label className="rule-check">
            <input type="checkbox" data-testid="rule-notify-os" checked={draft.notify.includes('os')} onChange={(e) => toggle('os', e.target.checked)} />
            Notification (desktop; the browser's when served)
          </label>
          <label className="rule-check">
            <input type="checkbox" data-testid="rule-notify-toast" checked={draft.notify.includes('toast')} onChange={(e) => toggle('toast', e.target.checked)} />
            In-app toast
          </label>
        </div>
        {urls.map((c) => (
          <div key={c} className="rule-inline rule-channel" data-testid="rule-channel">
            <code className="ellipsis" title={c}>{c}</code>
            <span className="spacer" />
            <button type="button" className="btn btn-xs" data-testid="rule-channel-test" disabled={testing === c} onClick={() => void test(c)}>
              {testing === c ? 'Sending…' : 'Send test'}
            </button>
            <button type="button" className="btn btn-xs btn-ghost" onClick={() => edit(draft.notify.filter((x) => x !== c))}>
              Remove
            </button>
          </div>
        ))}
        <div className="rule-inline">
          <input
            className={`input mono${adding && !addValid ? ' invalid' : ''}`}
            data-testid="rule-channel-input"
            value={adding}
            placeholder="webhook:https://…  slack:https://hooks.slack.com/…  telegram:BOT_TOKEN/CHAT_ID"
            onChange={(e) => setAdding(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
          />
          <button type="button" className="btn btn-sm" data-testid="rule-channel-add" disabled={!adding.trim()} onClick={add}>
            Add
          </button>
        </div>
        {adding && !addValid && <em className="field-error">a channel is webhook:URL, slack:https://hooks.slack.com/… or telegram:BOT_TOKEN/CHAT_ID</em>}
      </div>
    </Field>
  );
}

function ReplayPanel() {
  const preset = useEditorStore((s) => s.replayPreset);
  const from = useEditorStore((s) => s.replayFrom);
  const to = useEditorStore((s) => s.replayTo);
  const replaying = useEditorStore((s) => s.replaying);
  const result = useEditorStore((s) => s.replay);
  const error = useEditorStore((s) => s.replayError);
  const draft = useEditorStore((s) => s.draft);
  const theme = useThemeStore((s) => s.theme);
  const bound = useMemo(() => {
    const v = draftToInput(draft);
    const b = v.above ?? v.below;
    return typeof b === 'number' ? b : null;
  }, [draft]);
  const option = useMemo(() => (result ? replayOption(result.series, theme, bound) : null), [result, theme, bound]);
  const firingSteps = result?.series.firing.filter(Boolean).length ?? 0;
  return (
    <section className="rule-replay" data-testid="rule-replay">
      <div className="rule-inline">
        <h4>Test: when would it have fired?</h4>
        <span className="spacer" />
        <select
          className="input rule-replay-range"
          aria-label="Replay over"
          data-testid="replay-range"
          value={preset}
          onChange={(e) => editorActions.setReplayRange({ replayPreset: e.target.value as ReplayPresetKey })}
        >
          {REPLAY_PRESETS.map((p) => (
            <option key={p.key} value={p.key}>
              {p.label}
            </option>
          ))}
        </select>
        <button type="button" className="btn btn-sm btn-primary" data-testid="replay-run" disabled={replaying} onClick={() => void runReplay()}>
          {replaying ? 'Testing…' : 'Test'}
        </button>
      </div>
      {preset === 'custom' && (
        <div className="rule-inline">
          <input className="input mono" aria-label="From" placeholder="2026-03-14 09:00" value={from} onChange={(e) => editorActions.setReplayRange({ replayFrom: e.target.value })} />
          <span className="dim">→</span>
          <input className="input mono" aria-label="To (empty: now)" placeholder="now" value={to} onChange={(e) => editorActions.setReplayRange({ replayTo: e.target.value })} />
        </div>
      )}
      {error && (
        <div className="field-error" role="alert" data-testid="replay-error">
          {error}
        </div>
      )}
      {result && (
        <div data-testid="replay-result" data-episodes={result.total} data-firing-steps={firingSteps}>
          <div className="dim small" data-testid="replay-summary">
            {result.total === 0 ? 'It would not have fired' : `It would have fired ${plural(result.total, 'time')}`} between {formatLocal(result.from, false)} and{' '}
            {formatLocal(result.to, false)} · {formatTook(result.tookMs)}
          </div>
          {result.warning && (
            <div className="warn-text small" data-testid="replay-warning">
              {result.warning}
            </div>
          )}
          {option && <EChart option={option} theme={theme} className="rule-replay-chart" data-testid="replay-chart" />}
          {result.episodes.length > 0 && (
            <table className="alerts-table rule-episodes">
              <thead>
                <tr>
                  <th>Start</th>
                  <th>End</th>
                  <th>Group</th>
                  <th className="num">Peak</th>
                </tr>
              </thead>
              <tbody>
                {result.episodes.map((e, i) => (
                  <tr key={i} data-testid="replay-episode">
                    <td>{formatLocal(e.start, false)}</td>
                    <td>{e.end === null ? <span className="pill pill-error">still firing</span> : formatLocal(e.end, false)}</td>
                    <td className="mono">{groupLabel(e.group) || '—'}</td>
                    <td className="num">{formatCompact(e.peak)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {result.total > result.episodes.length && <div className="dim small">and {result.total - result.episodes.length} more</div>}
        </div>
      )}
    </section>
  );
}
