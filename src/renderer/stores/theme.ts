/** Light or dark; the first choice follows the system, then the person's, persisted. */
import { create } from 'zustand';

export type Theme = 'light' | 'dark';
export const THEME_KEY = 'logscope.theme';

interface Env {
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  prefersDark?: boolean;
}

export function initialTheme(env: Env): Theme {
  try {
    const saved = env.storage?.getItem(THEME_KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // storage can be blocked; fall through to the system preference
  }
  return env.prefersDark ? 'dark' : 'light';
}

function browserEnv(): Env {
  const storage = typeof localStorage === 'undefined' ? null : localStorage;
  const prefersDark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  return { storage, prefersDark };
}

export interface ThemeState {
  theme: Theme;
  setTheme(theme: Theme): void;
  toggle(): void;
}

export function createThemeStore(env: Env = browserEnv()) {
  return create<ThemeState>()((set, get) => ({
    theme: initialTheme(env),
    setTheme: (theme) => {
      try {
        env.storage?.setItem(THEME_KEY, theme);
      } catch {
        // not persisted; still switch
      }
      set({ theme });
    },
    toggle: () => get().setTheme(get().theme === 'dark' ? 'light' : 'dark'),
  }));
}

export const useThemeStore = createThemeStore();
