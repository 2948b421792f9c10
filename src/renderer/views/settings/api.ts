/**
 * Settings over the protocol: loaded whenever the pipe opens, followed through
 * `settingsChanged` (another window, the app menu), saved as a whole. A broken settings
 * file the engine reported is told to the person once, in a notice, and stays visible in
 * the Settings view until they save.
 */
import type { EngineClient } from '../../../shared/client';
import type { SettingsReport, ThemeSetting } from '../../../shared/settings';
import { describeError } from '../../api/errors';
import type { ManagedTransport } from '../../api/transport';
import { notices } from '../../stores/notices';
import { fieldErrorsFromMessage, selectDirty, useSettingsStore, validateDraft } from './store';
import { applyThemeSetting, watchThemeToggle } from './theme';

let client: EngineClient | null = null;

/** A report from the engine: the draft follows unless the person is mid-edit. */
export function receiveReport(report: SettingsReport): void {
  const before = useSettingsStore.getState();
  const keepDraft = selectDirty(before);
  useSettingsStore.setState({
    report,
    draft: keepDraft ? before.draft : report.settings,
    ...(keepDraft ? {} : { fieldErrors: {}, error: null }),
  });
  applyThemeSetting(report.settings.theme);
  if (report.problem && report.problem !== before.toldProblem) {
    useSettingsStore.setState({ toldProblem: report.problem });
    notices.error('The settings file could not be used', report.problem);
  }
}

export async function loadSettings(): Promise<void> {
  if (!client) return;
  try {
    receiveReport(await client.api.settingsGet({}));
  } catch {
    // the pipe dropped; the next open loads again
  }
}

/** Save the draft: checked here first, then by the engine, which saves it. */
export async function saveSettings(): Promise<boolean> {
  const { draft } = useSettingsStore.getState();
  if (!draft || !client) return false;
  const { settings, errors } = validateDraft(draft);
  if (!settings) {
    useSettingsStore.setState({ fieldErrors: errors, error: 'Some settings are not valid; see the marked fields.' });
    return false;
  }
  useSettingsStore.setState({ saving: true, error: null, fieldErrors: {} });
  try {
    const report = await client.api.settingsSet({ settings });
    useSettingsStore.setState({ saving: false, report, draft: report.settings });
    applyThemeSetting(report.settings.theme);
    return true;
  } catch (e) {
    const info = describeError(e);
    const { errors: fromEngine, rest } = fieldErrorsFromMessage(info.message ?? '');
    useSettingsStore.setState({
      saving: false,
      fieldErrors: fromEngine,
      error: rest ?? (Object.keys(fromEngine).length > 0 ? 'The engine refused some settings; see the marked fields.' : 'Could not save.'),
    });
    return false;
  }
}

export function revertSettings(): void {
  const { report } = useSettingsStore.getState();
  if (report) useSettingsStore.setState({ draft: report.settings, fieldErrors: {}, error: null });
}

/** One setting changed from outside the view (the theme menu, the top bar toggle). */
export async function saveTheme(theme: ThemeSetting): Promise<void> {
  applyThemeSetting(theme);
  const { report } = useSettingsStore.getState();
  if (!client || !report || report.settings.theme === theme) return;
  try {
    receiveReport(await client.api.settingsSet({ settings: { ...report.settings, theme } }));
  } catch (e) {
    notices.error('Could not save the theme', describeError(e).message ?? undefined);
  }
}

/** Wire settings into a session; returns the unsubscribe. */
export function bindSettings(engine: EngineClient, transport: ManagedTransport): () => void {
  client = engine;
  const unsubs = [
    transport.onStatus((status) => {
      if (status.state === 'open') void loadSettings();
    }),
    engine.subscribe('settingsChanged', receiveReport),
    watchThemeToggle((theme) => void saveTheme(theme)),
  ];
  if (transport.status().state === 'open') void loadSettings();
  return () => {
    for (const u of unsubs) u();
    if (client === engine) client = null;
  };
}
