/**
 * The theme setting ('system' | 'light' | 'dark') and the page's theme store ('light' |
 * 'dark', cached in localStorage so a start shows no flash). Settings win when they load;
 * a flip with the top bar's button is saved back as the setting.
 */
import type { ThemeSetting } from '../../../shared/settings';
import { useThemeStore, type Theme } from '../../stores/theme';

export function resolveTheme(setting: ThemeSetting, prefersDark: boolean): Theme {
  return setting === 'system' ? (prefersDark ? 'dark' : 'light') : setting;
}

function prefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

let applying = false;

/** Show the theme a setting names (without treating it as the person's toggle). */
export function applyThemeSetting(setting: ThemeSetting, dark: boolean = prefersDark()): void {
  const theme = resolveTheme(setting, dark);
  if (useThemeStore.getState().theme === theme) return;
  applying = true;
  try {
    useThemeStore.getState().setTheme(theme);
  } finally {
    applying = false;
  }
}

/** Calls `onToggle` when the person changes the theme outside the settings (the top bar). */
export function watchThemeToggle(onToggle: (theme: Theme) => void): () => void {
  return useThemeStore.subscribe((s, prev) => {
    if (s.theme !== prev.theme && !applying) onToggle(s.theme);
  });
}
