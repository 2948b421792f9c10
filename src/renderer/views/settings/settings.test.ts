import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type SettingsReport } from '../../../shared/settings';
import { useNoticesStore } from '../../stores/notices';
import { useThemeStore } from '../../stores/theme';
import { receiveReport } from './api';
import { fieldErrorsFromMessage, selectDirty, useSettingsStore, validateDraft, withValue } from './store';
import { applyThemeSetting, resolveTheme, watchThemeToggle } from './theme';

const report = (over: Partial<SettingsReport> = {}): SettingsReport => ({
  settings: DEFAULT_SETTINGS,
  file: '/home/u/.config/LogScope/settings.json',
  problem: null,
  restartPending: [],
  ...over,
});

afterEach(() => {
  useSettingsStore.setState({ report: null, draft: null, saving: false, error: null, fieldErrors: {}, toldProblem: null });
  useNoticesStore.setState({ notices: [] });
});

describe('settings draft', () => {
  it('withValue edits a copy at a dotted path', () => {
    const next = withValue(DEFAULT_SETTINGS, 'receivers.http.port', 9000);
    expect(next.receivers.http.port).toBe(9000);
    expect(DEFAULT_SETTINGS.receivers.http.port).toBe(9880);
  });

  it('validateDraft names each wrong field in words a person reads', () => {
    let draft = withValue(DEFAULT_SETTINGS, 'receivers.http.port', Number.NaN);
    draft = withValue(draft, 'retentionDays', 100_000);
    draft = withValue(draft, 'receivers.listenAddress', 'my laptop');
    const { settings, errors } = validateDraft(draft);
    expect(settings).toBeNull();
    expect(errors).toEqual({
      'receivers.http.port': 'Enter a number',
      'receivers.listenAddress': 'must be an IP address (127.0.0.1, 0.0.0.0, ::1, ::) or localhost',
      retentionDays: 'At most 36500',
    });
    expect(validateDraft(DEFAULT_SETTINGS)).toEqual({ settings: DEFAULT_SETTINGS, errors: {} });
  });

  it("maps the engine's bad_request message back to fields", () => {
    expect(
      fieldErrorsFromMessage('settingsSet: settings.receivers.http.port: Too big: expected number to be <=65535; params: odd'),
    ).toEqual({ errors: { 'receivers.http.port': 'At most 65535' }, rest: 'params: odd' });
  });
});

describe('receiveReport', () => {
  it('fills the draft, and tells a broken file once (not again on every reconnect)', () => {
    const broken = report({ problem: 'settings.json is not valid JSON. The broken file was kept as settings.json.broken-x.' });
    receiveReport(broken);
    receiveReport(broken);
    expect(useSettingsStore.getState().draft).toEqual(DEFAULT_SETTINGS);
    const shown = useNoticesStore.getState().notices;
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ kind: 'error', title: 'The settings file could not be used' });
    expect(shown[0]!.detail).toContain('settings.json.broken-x');
  });

  it('keeps what the person is editing when the settings change elsewhere', () => {
    receiveReport(report());
    useSettingsStore.setState({ draft: withValue(DEFAULT_SETTINGS, 'retentionDays', 3) });
    expect(selectDirty(useSettingsStore.getState())).toBe(true);
    receiveReport(report({ settings: { ...DEFAULT_SETTINGS, theme: 'dark' } }));
    expect(useSettingsStore.getState().draft!.retentionDays).toBe(3);
  });
});

describe('theme setting', () => {
  it('resolves system by the OS preference', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
  });

  it('applying a setting is not mistaken for the person toggling', () => {
    const toggles: string[] = [];
    const stop = watchThemeToggle((t) => toggles.push(t));
    applyThemeSetting('dark');
    applyThemeSetting('light');
    useThemeStore.getState().toggle();
    stop();
    expect(toggles).toEqual(['dark']);
  });
});
