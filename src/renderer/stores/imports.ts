/**
 * Imports the person started (or saw progress of): uploads waiting for an import id in
 * browser mode, then the engine's progress per import id.
 */
import { create } from 'zustand';
import type { ImportProgress } from '../../shared/protocol';

export interface UploadEntry {
  key: string;
  name: string;
  size: number;
  state: 'queued' | 'uploading' | 'failed';
  error: string | null;
}

export interface ImportEntry {
  importId: string;
  /** What was asked to import, for the title until progress names files. */
  label: string;
  startedAt: number;
  progress: ImportProgress | null;
  /** The engine no longer knows this import (it restarted). */
  lost: boolean;
}

export interface ImportsState {
  uploads: UploadEntry[];
  /** Newest first. */
  imports: ImportEntry[];
  panelOpen: boolean;
}

export const MAX_IMPORTS = 30;

export const useImportsStore = create<ImportsState>()(() => ({ uploads: [], imports: [], panelOpen: false }));

const set = useImportsStore.setState;

function finished(e: ImportEntry): boolean {
  return e.lost || (e.progress !== null && e.progress.state !== 'running');
}

export const importsActions = {
  addUpload(entry: UploadEntry) {
    set((s) => ({ uploads: [...s.uploads, entry], panelOpen: true }));
  },
  updateUpload(key: string, patch: Partial<UploadEntry>) {
    set((s) => ({ uploads: s.uploads.map((u) => (u.key === key ? { ...u, ...patch } : u)) }));
  },
  removeUpload(key: string) {
    set((s) => ({ uploads: s.uploads.filter((u) => u.key !== key) }));
  },
  /** An import the engine accepted. */
  track(importId: string, label: string, now = Date.now()) {
    set((s) => {
      if (s.imports.some((e) => e.importId === importId)) return { panelOpen: true };
      const entry: ImportEntry = { importId, label, startedAt: now, progress: null, lost: false };
      return { imports: trim([entry, ...s.imports]), panelOpen: true };
    });
  },
  /** Progress from an event or a status call; an import not seen before is added. */
  progress(p: ImportProgress, now = Date.now()) {
    set((s) => {
      const i = s.imports.findIndex((e) => e.importId === p.importId);
      if (i < 0) {
        const entry: ImportEntry = {
          importId: p.importId,
          label: p.current ?? 'Import',
          startedAt: now,
          progress: p,
          lost: false,
        };
        return { imports: trim([entry, ...s.imports]), panelOpen: true };
      }
      const imports = s.imports.slice();
      imports[i] = { ...imports[i]!, progress: p, lost: false };
      return { imports };
    });
  },
  lost(importId: string) {
    set((s) => ({ imports: s.imports.map((e) => (e.importId === importId ? { ...e, lost: true } : e)) }));
  },
  dismiss(importId: string) {
    set((s) => ({ imports: s.imports.filter((e) => e.importId !== importId) }));
  },
  clearFinished() {
    set((s) => ({
      imports: s.imports.filter((e) => !finished(e)),
      uploads: s.uploads.filter((u) => u.state !== 'failed'),
    }));
  },
  setPanelOpen(panelOpen: boolean) {
    set({ panelOpen });
  },
};

/** Keep every running import and the newest finished ones. */
function trim(list: ImportEntry[]): ImportEntry[] {
  if (list.length <= MAX_IMPORTS) return list;
  const keep = new Set(list.filter((e) => !finished(e)).map((e) => e.importId));
  for (const e of list) if (keep.size < MAX_IMPORTS) keep.add(e.importId);
  return list.filter((e) => keep.has(e.importId));
}

export const selectRunningCount = (s: ImportsState) =>
  s.imports.reduce((n, e) => n + (finished(e) ? 0 : 1), 0) + s.uploads.filter((u) => u.state !== 'failed').length;
export const selectHasAny = (s: ImportsState) => s.imports.length > 0 || s.uploads.length > 0;
export { finished as isImportFinished };
