/**
 * Commands from the desktop app's main process (the app menu, a clicked notification),
 * posted into the page by the preload as `{kind: 'logscope-page-command', command}`.
 * Validated here before anything happens: a window message is not to be trusted.
 */
import { parsePageCommand, type PageCommand } from '../../shared/page-commands';
import { useQueryStore } from '../stores/query';
import { useViewStore, VIEWS, type View } from '../stores/view';
import { saveTheme } from '../views/settings/api';

/** `data.kind` of the window message (PAGE_COMMAND_KIND in src/main/shell-contract.ts). */
export const PAGE_COMMAND_KIND = 'logscope-page-command';

export function runPageCommand(command: PageCommand): void {
  switch (command.type) {
    case 'navigate': {
      const { view, query, from, to } = command.target;
      const known = (VIEWS as readonly string[]).includes(view) ? (view as View) : 'explore';
      // A range with it (an alert's window) is shown exactly, so the records behind it are on screen.
      const range = from !== undefined || to !== undefined ? { kind: 'absolute' as const, from: from ?? null, to: to ?? null } : undefined;
      if (query !== undefined || range) useQueryStore.getState().submit(query, range);
      useViewStore.getState().setView(known);
      return;
    }
    case 'theme':
      void saveTheme(command.theme);
      return;
  }
}

export interface CommandSource {
  addEventListener(type: 'message', listener: (ev: { data: unknown; source: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (ev: { data: unknown; source: unknown }) => void): void;
}

export function bindPageCommands(win: CommandSource): () => void {
  const listener = (ev: { data: unknown; source: unknown }) => {
    const data = ev.data as { kind?: unknown; command?: unknown } | null;
    if (ev.source !== win || typeof data !== 'object' || data === null || data.kind !== PAGE_COMMAND_KIND) return;
    const command = parsePageCommand(data.command);
    if (command) runPageCommand(command);
  };
  win.addEventListener('message', listener);
  return () => win.removeEventListener('message', listener);
}
