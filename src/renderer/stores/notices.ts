/** Messages for the person: errors stay until dismissed, info goes away by itself. */
import { create } from 'zustand';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  title: string;
  detail?: string;
}

export interface NoticesState {
  notices: Notice[];
}

export const MAX_NOTICES = 5;
export const INFO_MS = 5000;

export const useNoticesStore = create<NoticesState>()(() => ({ notices: [] }));

let nextId = 1;

export const notices = {
  push(kind: Notice['kind'], title: string, detail?: string): number {
    const id = nextId++;
    const notice: Notice = { id, kind, title, ...(detail ? { detail } : {}) };
    useNoticesStore.setState((s) => ({ notices: [...s.notices, notice].slice(-MAX_NOTICES) }));
    if (kind === 'info') setTimeout(() => notices.dismiss(id), INFO_MS);
    return id;
  },
  error: (title: string, detail?: string) => notices.push('error', title, detail),
  info: (title: string, detail?: string) => notices.push('info', title, detail),
  dismiss(id: number) {
    useNoticesStore.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
  },
};
