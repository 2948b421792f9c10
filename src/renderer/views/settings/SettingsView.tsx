/**
 * Settings: appearance, notifications, receivers, data. Edits a draft; Save sends the
 * whole settings to the engine, which checks and saves them (settings.json). A broken
 * settings file the engine replaced with defaults is shown at the top until the next save.
 */
import type { ReactNode } from 'react';
import type { ThemeSetting } from '../../../shared/settings';
import { useConnectionStore } from '../../stores/connection';
import { revertSettings, saveSettings } from './api';
import { selectDirty, useSettingsStore, withValue } from './store';
import './settings.css';

const THEMES: { value: ThemeSetting; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const RECEIVERS: { key: 'http' | 'syslogUdp' | 'syslogTcp' | 'gelf'; label: string; hint: string }[] = [
  { key: 'http', label: 'HTTP', hint: 'JSON lines and OTLP over HTTP' },
  { key: 'syslogUdp', label: 'Syslog (UDP)', hint: 'RFC 5424 and 3164' },
  { key: 'syslogTcp', label: 'Syslog (TCP)', hint: 'octet-counted or newline framing' },
  { key: 'gelf', label: 'GELF', hint: 'Graylog Extended Log Format' },
];

function edit(path: string, value: unknown) {
  const { draft } = useSettingsStore.getState();
  if (!draft) return;
  useSettingsStore.setState((s) => {
    const fieldErrors = { ...s.fieldErrors };
    delete fieldErrors[path];
    return { draft: withValue(draft, path, value), fieldErrors };
  });
}

/** A number input's value: NaN for empty or junk, which validation names. */
const numberValue = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
const shown = (n: number) => (Number.isFinite(n) ? String(n) : '');

export function SettingsView() {
  const report = useSettingsStore((s) => s.report);
  const draft = useSettingsStore((s) => s.draft);
  const saving = useSettingsStore((s) => s.saving);
  const error = useSettingsStore((s) => s.error);
  const errors = useSettingsStore((s) => s.fieldErrors);
  const dirty = useSettingsStore(selectDirty);
  const defaultFolder = useConnectionStore((s) => s.health?.dataDir ?? null);

  if (!report || !draft) {
    return (
      <div className="settings-view" data-testid="settings-view" data-state="loading">
        <div className="connecting">
          <span className="spinner" /> Loading settings…
        </div>
      </div>
    );
  }

  const err = (path: string) =>
    errors[path] ? (
      <em className="field-error" data-testid={`error-${path}`}>
        {errors[path]}
      </em>
    ) : null;

  return (
    <div className="settings-view" data-testid="settings-view" data-state="ready">
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          void saveSettings();
        }}
      >
        <header className="settings-head">
          <h2>Settings</h2>
          <span className="dim small mono" title="The settings file">
            {report.file}
          </span>
        </header>

        {report.problem && (
          <div className="settings-alert error" role="alert" data-testid="settings-problem">
            <strong>The settings file could not be used.</strong> {report.problem} Saving writes a new one.
          </div>
        )}
        {report.restartPending.length > 0 && (
          <div className="settings-alert warn" data-testid="settings-restart">
            Restart LogScope to use the new {report.restartPending.map(label).join(', ')}.
          </div>
        )}

        <Section title="Appearance">
          <Row label="Theme">
            <div className="btn-group" role="radiogroup" aria-label="Theme">
              {THEMES.map((t) => (
                <button
                  key={t.value}
                  type="button"
                  role="radio"
                  aria-checked={draft.theme === t.value}
                  className={`btn btn-sm${draft.theme === t.value ? ' active' : ''}`}
                  data-testid={`theme-${t.value}`}
                  onClick={() => edit('theme', t.value)}
                >
                  {t.label}
                </button>
              ))}
            </div>
          </Row>
        </Section>

        <Section title="Notifications" note="Shown by the desktop app when an import ends or a receiver stops.">
          <Check path="notifications.enabled" label="Show notifications" value={draft.notifications.enabled} />
          <Check
            path="notifications.doNotDisturb"
            label="Do not disturb"
            hint="Hold every notification; alerts still show in the app."
            value={draft.notifications.doNotDisturb}
            disabled={!draft.notifications.enabled}
          />
          <Check
            path="notifications.imports"
            label="Imports that finish or fail"
            value={draft.notifications.imports}
            disabled={!draft.notifications.enabled}
          />
          <Check
            path="notifications.receivers"
            label="Receivers that stop"
            value={draft.notifications.receivers}
            disabled={!draft.notifications.enabled}
          />
        </Section>

        <Section title="Receivers" note="Programs can send logs to LogScope over the network.">
          <Row label="Listen address" hint="127.0.0.1 keeps them to this machine; 0.0.0.0 accepts from the network.">
            <input
              className={`input mono${errors['receivers.listenAddress'] ? ' invalid' : ''}`}
              data-testid="field-receivers.listenAddress"
              value={draft.receivers.listenAddress}
              onChange={(e) => edit('receivers.listenAddress', e.currentTarget.value)}
              spellCheck={false}
            />
            {err('receivers.listenAddress')}
          </Row>
          <table className="settings-receivers">
            <thead>
              <tr>
                <th>Receiver</th>
                <th>On</th>
                <th>Port</th>
              </tr>
            </thead>
            <tbody>
              {RECEIVERS.map((r) => {
                const value = draft.receivers[r.key];
                const portPath = `receivers.${r.key}.port`;
                return (
                  <tr key={r.key} data-testid={`receiver-${r.key}`}>
                    <td>
                      <div>{r.label}</div>
                      <div className="dim small">{r.hint}</div>
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`${r.label} on`}
                        checked={value.enabled}
                        onChange={(e) => edit(`receivers.${r.key}.enabled`, e.currentTarget.checked)}
                      />
                    </td>
                    <td>
                      <input
                        className={`input mono port${errors[portPath] ? ' invalid' : ''}`}
                        inputMode="numeric"
                        aria-label={`${r.label} port`}
                        data-testid={`field-${portPath}`}
                        value={shown(value.port)}
                        onChange={(e) => edit(portPath, numberValue(e.currentTarget.value))}
                      />
                      {err(portPath)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <Row label="Token" hint="Senders must present it (Authorization: Bearer …); leave empty for none.">
            <input
              className={`input mono${errors['receivers.token'] ? ' invalid' : ''}`}
              data-testid="field-receivers.token"
              value={draft.receivers.token ?? ''}
              placeholder="no token"
              onChange={(e) => edit('receivers.token', e.currentTarget.value === '' ? null : e.currentTarget.value)}
              spellCheck={false}
              autoComplete="off"
            />
            {err('receivers.token')}
          </Row>
        </Section>

        <Section title="Data">
          <Row label="Data folder" hint="Where the database lives. Takes effect after a restart.">
            <input
              className={`input mono${errors.dataFolder ? ' invalid' : ''}`}
              data-testid="field-dataFolder"
              value={draft.dataFolder ?? ''}
              placeholder={defaultFolder ?? 'the default folder'}
              onChange={(e) => edit('dataFolder', e.currentTarget.value.trim() === '' ? null : e.currentTarget.value)}
              spellCheck={false}
            />
            {err('dataFolder')}
          </Row>
          <Row label="Keep records for" hint="Older records are deleted. 0 keeps everything.">
            <span className="settings-inline">
              <input
                className={`input mono days${errors.retentionDays ? ' invalid' : ''}`}
                inputMode="numeric"
                data-testid="field-retentionDays"
                value={shown(draft.retentionDays)}
                onChange={(e) => edit('retentionDays', numberValue(e.currentTarget.value))}
              />
              <span className="dim">days</span>
            </span>
            {err('retentionDays')}
          </Row>
        </Section>

        <footer className="settings-foot">
          {error && (
            <span className="field-error" role="alert" data-testid="settings-error">
              {error}
            </span>
          )}
          <span className="spacer" />
          <button type="button" className="btn" disabled={!dirty || saving} onClick={revertSettings}>
            Revert
          </button>
          <button type="submit" className="btn btn-primary" disabled={(!dirty && !report.problem) || saving} data-testid="settings-save">
            {saving ? 'Saving…' : 'Save'}
          </button>
        </footer>
      </form>
    </div>
  );
}

function label(field: string): string {
  return field === 'dataFolder' ? 'data folder' : field;
}

function Section({ title, note, children }: { title: string; note?: string; children: ReactNode }) {
  return (
    <section className="settings-section">
      <div className="settings-section-head">
        <h3>{title}</h3>
        {note && <p className="dim small">{note}</p>}
      </div>
      <div className="settings-section-body">{children}</div>
    </section>
  );
}

function Row({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <div className="settings-row">
      <div className="settings-label">
        <div>{label}</div>
        {hint && <div className="dim small">{hint}</div>}
      </div>
      <div className="settings-control">{children}</div>
    </div>
  );
}

function Check(props: { path: string; label: string; hint?: string; value: boolean; disabled?: boolean }) {
  return (
    <label className={`settings-check${props.disabled ? ' disabled' : ''}`} data-testid={`field-${props.path}`}>
      <input
        type="checkbox"
        checked={props.value}
        disabled={props.disabled}
        onChange={(e) => edit(props.path, e.currentTarget.checked)}
      />
      <span>
        {props.label}
        {props.hint && <span className="dim small"> — {props.hint}</span>}
      </span>
    </label>
  );
}


