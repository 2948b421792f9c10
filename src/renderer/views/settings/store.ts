/**
 * The Settings view's state: what the engine has (`report`), what the person is editing
 * (`draft`), and what is wrong with it, field by field. Validation uses the same schema
 * the engine checks with (src/shared/settings.ts), so the view says what the engine would.
 */
import { create } from 'zustand';
import { describeSettingsError, SettingsSchema, type Settings, type SettingsReport } from '../../../shared/settings';

/** Field path (`receivers.http.port`) → message. */
export type FieldErrors = Record<string, string>;

export interface SettingsState {
  report: SettingsReport | null;
  draft: Settings | null;
  saving: boolean;
  /** A save that failed as a whole (the engine unreachable, a bad_request). */
  error: string | null;
  fieldErrors: FieldErrors;
  /** The last problem already told in a notice, so a reconnect does not repeat it. */
  toldProblem: string | null;
}

export const useSettingsStore = create<SettingsState>()(() => ({
  report: null,
  draft: null,
  saving: false,
  error: null,
  fieldErrors: {},
  toldProblem: null,
}));

/** Set a value at a dotted path in a copy of the draft. */
export function withValue(draft: Settings, path: string, value: unknown): Settings {
  const copy = structuredClone(draft) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1)!] = value;
  return copy as unknown as Settings;
}

export function validateDraft(draft: Settings): { settings: Settings | null; errors: FieldErrors } {
  const parsed = SettingsSchema.safeParse(draft);
  if (parsed.success) return { settings: parsed.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join('.');
    errors[key] ??= friendly(issue.message);
  }
  return { settings: null, errors };
}

/** zod's wording for the cases a person hits in this form. */
function friendly(message: string): string {
  if (/expected number, received NaN/i.test(message)) return 'Enter a number';
  if (/Too big: expected number to be <=(\d+)/.test(message)) return `At most ${/<=(\d+)/.exec(message)![1]}`;
  if (/Too small: expected number to be >=(\d+)/.test(message)) return `At least ${/>=(\d+)/.exec(message)![1]}`;
  if (/expected int/i.test(message)) return 'A whole number';
  return message;
}

/**
 * The engine's bad_request message (`settingsSet: settings.receivers.http.port: …; …`)
 * split back into field errors; what names no field stays a message for the whole form.
 */
export function fieldErrorsFromMessage(message: string): { errors: FieldErrors; rest: string | null } {
  const errors: FieldErrors = {};
  const rest: string[] = [];
  const body = message.replace(/^settingsSet:\s*/, '');
  for (const part of body.split('; ')) {
    const m = /^settings\.([\w.]+): (.*)$/.exec(part);
    if (m) errors[m[1]!] ??= friendly(m[2]!);
    else rest.push(part);
  }
  return { errors, rest: rest.length > 0 ? rest.join('; ') : null };
}

export const selectDirty = (s: SettingsState) =>
  s.draft !== null && s.report !== null && JSON.stringify(s.draft) !== JSON.stringify(s.report.settings);

export { describeSettingsError };
