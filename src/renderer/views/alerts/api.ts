/**
 * The Alerts view over the protocol: alerts, history, rules and channels (loaded when the
 * view opens, kept current by alertsChanged / alertRulesChanged), the actions on them, the
 * rule editor's check, save and replay, rule files in and out, and what an alertNotice
 * does in the page. Every failed call is shown to the person (inline or as a notice).
 */
import type { EngineClient } from '../../../shared/client';
import { EngineError } from '../../../shared/client';
import type { AlertNotice, AlertRule } from '../../../shared/alerts';
import { describeError } from '../../api/errors';
import { notices } from '../../stores/notices';
import { useQueryStore } from '../../stores/query';
import { useViewStore } from '../../stores/view';
import { parseLocal } from '../../lib/time';
import { plural } from '../../lib/format';
import { alertsActions, useAlertsStore } from './store';
import { editorActions, REPLAY_PRESETS, useEditorStore } from './editor';
import { draftToInput, exportRulesText, inputToDraft, parseRulesFile, type Problem } from './draft';
import { noticeTarget, routeNotice, type RecordsTarget } from './notify';

type Api = EngineClient['api'];
let api: Api | null = null;
let desktop = false;

const unreachable = 'the engine is not reachable';
const messageOf = (e: unknown) => describeError(e).message ?? unreachable;

/** The browser's Notification, where there is one (not in the desktop window: the shell notifies). */
function browserNotification(): typeof Notification | null {
  return typeof Notification === 'undefined' ? null : Notification;
}

function readPermission(): void {
  const N = browserNotification();
  alertsActions.setPermission(desktop || !N ? 'unsupported' : N.permission);
}

/** Wire the view to a session's client; returns the unsubscribe. */
export function bindAlerts(client: EngineClient, isDesktop: boolean): () => void {
  api = client.api;
  desktop = isDesktop;
  readPermission();
  const offs = [
    client.subscribe('alertsChanged', (e) => alertsActions.mergeAlerts(e.alerts, e.open)),
    client.subscribe('alertRulesChanged', (e) => alertsActions.receiveRules(e.rules)),
    client.subscribe('alertNotice', (n) => onNotice(n)),
  ];
  return () => {
    for (const off of offs) off();
    if (api === client.api) api = null;
  };
}

export function onNotice(n: AlertNotice): void {
  readPermission();
  routeNotice(n, {
    desktop,
    permission: useAlertsStore.getState().permission,
    toast: (notice) => alertsActions.pushToast(notice),
    browserNotification: (notice) => showBrowserNotification(notice),
  });
}

function showBrowserNotification(n: AlertNotice): void {
  const N = browserNotification();
  if (!N) return;
  try {
    const shown = new N(n.title, { body: n.body, tag: n.alerts[0]?.id ?? n.title });
    shown.onclick = () => {
      window.focus();
      openTarget(noticeTarget(n));
      shown.close();
    };
  } catch (e) {
    notices.error('The browser refused the notification', messageOf(e));
  }
}

/**
 * Ask for the browser's permission. Call it straight from a click (browsers only ask on
 * a user gesture), before anything awaited.
 */
export async function requestNotifyPermission(): Promise<void> {
  const N = browserNotification();
  if (desktop || !N) return;
  try {
    alertsActions.setPermission(await N.requestPermission());
  } catch (e) {
    notices.error('Could not ask for notifications', messageOf(e));
  }
}

/** The records behind an alert or notice, in Explore. */
export function openTarget(t: RecordsTarget): void {
  useViewStore.getState().setView('explore');
  useQueryStore.getState().submit(t.query, t.range ? { kind: 'absolute', from: t.range.from, to: t.range.to } : undefined);
}

/** The open count for the badge (at start and after a reconnect). */
export async function refreshAlertCount(): Promise<void> {
  if (!api) return;
  try {
    const res = await api.alertsList({ states: ['pending', 'firing', 'resolved'], ruleId: null, limit: 500 });
    alertsActions.receiveAlerts(res.alerts, res.open);
  } catch {
    // the view shows the error when it opens; the badge just keeps its count
  }
}

/** Everything the view shows. */
export async function loadAlertsView(): Promise<void> {
  if (!api) return;
  const a = api;
  readPermission();
  await Promise.all([
    a.alertsList({ states: ['pending', 'firing', 'resolved'], ruleId: null, limit: 500 }).then(
      (r) => alertsActions.receiveAlerts(r.alerts, r.open),
      (e) => alertsActions.alertsFailed(messageOf(e)),
    ),
    a.alertHistory({ ruleId: null, alertId: null, from: null, to: null, limit: 500 }).then(
      (r) => alertsActions.receiveHistory(r.events),
      (e) => alertsActions.historyFailed(messageOf(e)),
    ),
    a.alertRules({}).then(
      (r) => alertsActions.receiveRules(r.rules),
      (e) => alertsActions.rulesFailed(messageOf(e)),
    ),
    a.alertChannels({}).then(
      (r) => alertsActions.receiveChannels(r.channels),
      () => {},
    ),
  ]);
}

async function act<T>(id: string, what: string, run: (a: Api) => Promise<T>): Promise<T | null> {
  if (!api) return null;
  alertsActions.busy(id, true);
  try {
    return await run(api);
  } catch (e) {
    notices.error(what, messageOf(e));
    return null;
  } finally {
    alertsActions.busy(id, false);
  }
}

export async function acknowledge(id: string): Promise<void> {
  const a = await act(id, 'Could not acknowledge the alert', (x) => x.alertAck({ id }));
  if (a) alertsActions.updateAlert(a);
}

/** Hold an alert's notifications for `ms` (null lifts the silence). */
export async function silence(id: string, ms: number | null, now = Date.now()): Promise<void> {
  const a = await act(id, 'Could not silence the alert', (x) => x.alertSilence({ id, until: ms === null ? null : now + ms }));
  if (a) alertsActions.updateAlert(a);
}

export async function setRuleEnabled(rule: AlertRule, enabled: boolean): Promise<void> {
  if (enabled && rule.spec.notify?.includes('os')) void requestNotifyPermission();
  const r = await act(rule.id, `Could not turn "${rule.spec.name}" ${enabled ? 'on' : 'off'}`, (x) =>
    x.alertRuleSetEnabled({ id: rule.id, enabled }),
  );
  if (r) alertsActions.upsertRule(r);
}

export async function deleteRule(rule: AlertRule): Promise<void> {
  const r = await act(rule.id, `Could not delete "${rule.spec.name}"`, (x) => x.alertRuleDelete({ id: rule.id }));
  if (r?.deleted) alertsActions.removeRule(rule.id);
}

/** Check the draft as it stands (the editor calls this debounced). */
export async function checkDraft(): Promise<void> {
  if (!api) return;
  const { draft, rev } = useEditorStore.getState();
  try {
    const res = await api.alertRuleCheck({ rule: draftToInput(draft) });
    editorActions.checked(rev, res.problems);
  } catch (e) {
    editorActions.checked(rev, [{ path: '', message: `could not check the rule: ${messageOf(e)}` }]);
  }
}

/** What a refused save says, placed beside its field where it names one. */
function refusal(e: unknown): { problems: Problem[]; message: string } {
  if (e instanceof EngineError && e.info.query) {
    const q = e.info.query;
    return { problems: [{ path: 'query', message: q.message, start: q.start, end: q.end }], message: 'the query has an error' };
  }
  return { problems: [], message: messageOf(e) };
}

/** Save the draft; true when saved (the editor closes). */
export async function saveDraft(): Promise<boolean> {
  if (!api) return false;
  const { draft, id } = useEditorStore.getState();
  const rule = draftToInput(draft);
  if (rule.notify?.includes('os')) void requestNotifyPermission();
  editorActions.saving(true);
  try {
    const saved = await api.alertRuleSave({ ...(id ? { id } : {}), rule } as Parameters<Api['alertRuleSave']>[0]);
    alertsActions.upsertRule(saved);
    editorActions.close();
    notices.info(`Saved "${saved.spec.name}"`, saved.spec.enabled ? 'The rule is on.' : 'The rule is off.');
    return true;
  } catch (e) {
    const r = refusal(e);
    editorActions.saveProblems(r.problems.length ? r.problems : useEditorStore.getState().problems, r.message);
    void checkDraft();
    return false;
  }
}

/** The range a replay covers; an error names the bad end. */
export function replayRange(now = Date.now()): { ok: true; from: number | null; to: number | null } | { ok: false; error: string } {
  const s = useEditorStore.getState();
  if (s.replayPreset === 'custom') {
    const from = parseLocal(s.replayFrom);
    if (!from.ok) return { ok: false, error: `from: ${from.error}` };
    const to = parseLocal(s.replayTo);
    if (!to.ok) return { ok: false, error: `to: ${to.error}` };
    return { ok: true, from: from.value, to: to.value };
  }
  const preset = REPLAY_PRESETS.find((p) => p.key === s.replayPreset);
  if (!preset || preset.ms === null) return { ok: true, from: null, to: null };
  return { ok: true, from: now - preset.ms, to: now };
}

/** Run the draft over stored data as if it had been on. */
export async function runReplay(): Promise<void> {
  if (!api) return;
  const range = replayRange();
  if (!range.ok) return editorActions.replayFailed(range.error);
  editorActions.replayStarted();
  try {
    const rule = draftToInput(useEditorStore.getState().draft);
    const res = await api.alertReplay({ rule, from: range.from, to: range.to, limit: 1000 } as Parameters<Api['alertReplay']>[0]);
    editorActions.replayDone(res);
  } catch (e) {
    const r = refusal(e);
    if (r.problems.length) editorActions.saveProblems(r.problems, null);
    editorActions.replayFailed(r.problems.length ? 'the query has an error' : r.message);
  }
}

/** Send a test message to one channel (a webhook's filled from `payload`); the answer is shown as a notice. */
export async function testChannel(channel: string, payload?: string): Promise<boolean> {
  if (!api) return false;
  try {
    const res = await api.alertChannelTest({ channel, ...(payload?.trim() ? { payload } : {}) });
    if (res.ok) notices.info('Test message sent', channel.split(':')[0]);
    else notices.error('The test message did not arrive', res.error ?? undefined);
    void api.alertChannels({}).then((r) => alertsActions.receiveChannels(r.channels), () => {});
    return res.ok;
  } catch (e) {
    notices.error('Could not send the test message', messageOf(e));
    return false;
  }
}

/** Rules from a file: each saved as a new rule; what was refused is said with its place. */
export async function importRules(text: string, fileName: string): Promise<void> {
  if (!api) return;
  const parsed = parseRulesFile(text);
  if (!parsed.ok) {
    notices.error(`Could not read ${fileName}`, parsed.error);
    return;
  }
  let saved = 0;
  const refused: string[] = [];
  for (const [i, rule] of parsed.rules.entries()) {
    try {
      alertsActions.upsertRule(await api.alertRuleSave({ rule } as Parameters<Api['alertRuleSave']>[0]));
      saved++;
    } catch (e) {
      const name = typeof rule === 'object' && rule && 'name' in rule ? String((rule as { name: unknown }).name) : `#${i + 1}`;
      refused.push(`rule ${i + 1} (${name}): ${messageOf(e)}`);
    }
  }
  if (saved) notices.info(`Imported ${plural(saved, 'rule')} from ${fileName}`);
  if (refused.length) notices.error(`${plural(refused.length, 'rule')} in ${fileName} refused`, refused.join('\n'));
}

/** All rules (or the given ones) as a JSON file's text. */
export function exportRules(rules: readonly AlertRule[] = useAlertsStore.getState().rules): string {
  return exportRulesText(rules.map((r) => r.spec));
}

export function editRule(rule: AlertRule): void {
  editorActions.open(rule.id, inputToDraft(rule.spec));
}
