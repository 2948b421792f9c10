import { afterEach, describe, expect, it } from 'vitest';
import { useQueryStore } from '../stores/query';
import { useViewStore } from '../stores/view';
import { bindPageCommands, PAGE_COMMAND_KIND, type CommandSource } from './page-commands';

function fakeWindow() {
  let listener: ((ev: { data: unknown; source: unknown }) => void) | null = null;
  const win: CommandSource & { post(data: unknown, source?: unknown): void } = {
    addEventListener: (_t, l) => (listener = l),
    removeEventListener: () => (listener = null),
    post(data, source = win) {
      listener?.({ data, source });
    },
  };
  return win;
}

afterEach(() => useViewStore.getState().setView('explore'));

describe('page commands from the desktop shell', () => {
  it('the kind matches what the preload posts (src/main/shell-contract.ts)', () => {
    expect(PAGE_COMMAND_KIND).toBe('logscope-page-command');
  });

  it('navigate opens the view and runs the query a notification is about', () => {
    const win = fakeWindow();
    const stop = bindPageCommands(win);
    win.post({ kind: PAGE_COMMAND_KIND, command: { type: 'navigate', target: { view: 'patterns', query: 'level:error' } } });
    expect(useViewStore.getState().view).toBe('patterns');
    expect(useQueryStore.getState().applied.query).toBe('level:error');
    win.post({ kind: PAGE_COMMAND_KIND, command: { type: 'navigate', target: { view: 'settings' } } });
    expect(useViewStore.getState().view).toBe('settings');
    win.post({ kind: PAGE_COMMAND_KIND, command: { type: 'navigate', target: { view: 'no-such-view' } } });
    expect(useViewStore.getState().view).toBe('explore');
    stop();
  });

  it('navigate with a time range shows the query over exactly that range', () => {
    const win = fakeWindow();
    const stop = bindPageCommands(win);
    const target = { view: 'explore', query: 'host:web-1', from: 1_700_000_000_000, to: 1_700_000_060_000 };
    win.post({ kind: PAGE_COMMAND_KIND, command: { type: 'navigate', target } });
    expect(useQueryStore.getState().applied).toMatchObject({ query: 'host:web-1', range: { kind: 'absolute', from: 1_700_000_000_000, to: 1_700_000_060_000 } });
    win.post({ kind: PAGE_COMMAND_KIND, command: { type: 'navigate', target: { view: 'explore', query: 'x', from: 'yesterday' } } });
    expect(useQueryStore.getState().applied.query).toBe('host:web-1');
    stop();
  });

  it('ignores other windows, other kinds and malformed commands', () => {
    const win = fakeWindow();
    const stop = bindPageCommands(win);
    const go = { type: 'navigate', target: { view: 'settings' } };
    win.post({ kind: PAGE_COMMAND_KIND, command: go }, {});
    win.post({ kind: 'something-else', command: go });
    win.post({ kind: PAGE_COMMAND_KIND, command: { type: 'navigate', target: { view: '<script>' } } });
    win.post({ kind: PAGE_COMMAND_KIND, command: { type: 'eval', code: '1' } });
    win.post(null);
    expect(useViewStore.getState().view).toBe('explore');
    stop();
  });
});
