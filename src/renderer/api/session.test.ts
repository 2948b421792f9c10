/**
 * The session wiring end to end in node: a fake desktop window posts a port to a fake
 * engine; store changes must run queries, engine events must reach the stores.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogRow, RequestMsg } from '../../shared/protocol';
import { startSession, getSession } from './session';
import type { PortLike, PortMessageEvent } from './transport';
import { useQueryStore } from '../stores/query';
import { resultsActions, useResultsStore } from '../stores/results';
import { useConnectionStore } from '../stores/connection';
import { useImportsStore } from '../stores/imports';
import { useSelectionStore } from '../stores/selection';
import { useDetailStore } from '../stores/detail';
import { useNoticesStore } from '../stores/notices';
import { ALL_TIME } from '../lib/time';
import { useViewStore } from '../stores/view';
import { usePatternsStore, patternsActions } from '../stores/patterns';
import { useCompareStore } from '../stores/compare';
import { useSourcesStore } from '../stores/sources';
import { applyComparePreset, changePatternSort, openPattern, runCompare } from './session';

const row = (id: number): LogRow => ({
  id,
  ts: 1000 + id,
  level: 'warn',
  source: '/s.log',
  host: null,
  app: null,
  message: `m${id}`,
  format: 'raw',
  line: id,
  parseError: null,
});

const pattern = (id: number, count: number) => ({
  id,
  template: `p${id} <*>`,
  count,
  firstSeen: id,
  lastSeen: 100 + id,
  newInRange: id === 1,
  levels: { info: count },
  trend: [count],
  example: `p${id} x`,
  sources: ['/s.log'],
});

class EnginePort implements PortLike {
  onmessage: PortLike['onmessage'] = null;
  calls: RequestMsg[] = [];
  records = 2;
  patternsTotal: number | null = null;
  postMessage(msg: unknown) {
    const req = msg as RequestMsg;
    this.calls.push(req);
    const result = this.answer(req);
    queueMicrotask(() => this.onmessage?.({ data: { t: 'res', id: req.id, ok: true, result } }));
  }
  close() {}
  emit(event: string, data: unknown) {
    this.onmessage?.({ data: { t: 'evt', event, data } });
  }
  count(method: string) {
    return this.calls.filter((c) => c.method === method).length;
  }
  private answer(req: RequestMsg): unknown {
    switch (req.method) {
      case 'health':
        return { version: 't', dataDir: '/d', records: this.records, startedAt: 0, mode: 'desktop' };
      case 'search':
        return {
          rows: Array.from({ length: this.records }, (_, i) => row(i + 1)),
          total: this.records,
          nextCursor: null,
          tookMs: 1,
        };
      case 'histogram':
        return { start: 0, bucketMs: 1, series: [], total: this.records, tookMs: 1 };
      case 'facets':
        return { facets: [], tookMs: 1 };
      case 'record':
        return { ...row((req.params as { id: number }).id), ingestTs: 0, fields: {} };
      case 'context':
        return { rows: [] };
      case 'importStatus':
        return null;
      case 'patterns':
        return {
          patterns: Array.from({ length: this.records }, (_, i) => pattern(i + 1, 10 * (i + 1))),
          total: this.patternsTotal ?? this.records,
          bucketMs: 1,
          start: 0,
          tookMs: 1,
        };
      case 'patternsCompare':
        return { added: [], gone: [], changed: [], totalA: 0, totalB: 0, tookMs: 1 };
      case 'sources':
        return {
          sources: [
            { name: '/a.log', kind: 'file', format: null, records: 5, unparsed: 0, firstTs: 1000, lastTs: 4999 },
            { name: '/b.log', kind: 'file', format: null, records: 9, unparsed: 0, firstTs: 2000, lastTs: 3000 },
          ],
        };
      default:
        return {};
    }
  }
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function desktopWindow() {
  const listeners = new Map<string, ((ev: unknown) => void)[]>();
  const win = {
    logscopeShell: { isDesktop: true as const, pathForFile: () => '/p', openExternal: () => undefined },
    addEventListener: (type: string, l: (ev: unknown) => void) =>
      listeners.set(type, [...(listeners.get(type) ?? []), l]),
    removeEventListener: () => undefined,
    postPort(port: PortLike) {
      const ev: PortMessageEvent = { data: { kind: 'logscope-engine-port' }, ports: [port], source: win };
      for (const l of listeners.get('message') ?? []) l(ev);
    },
  };
  return win;
}

beforeEach(() => {
  vi.useFakeTimers();
  useQueryStore.setState({
    draft: '',
    applied: { query: '', range: ALL_TIME, rev: 0 },
    syntaxError: null,
    runError: null,
  });
  resultsActions.reset();
  useConnectionStore.setState({ everOpen: false, health: null });
  useImportsStore.setState({ uploads: [], imports: [], panelOpen: false });
  useSelectionStore.setState({ selectedId: null, detailOpen: false });
  useNoticesStore.setState({ notices: [] });
  useViewStore.setState({ view: 'explore' });
  usePatternsStore.setState({ gen: 0, sort: 'count', data: null, params: null, loading: false, error: null });
  useSourcesStore.setState({ sources: [], loading: false, loaded: false, error: null });
});
afterEach(() => {
  getSession()?.stop();
  vi.useRealTimers();
});

describe('session', () => {
  it('picks the port transport on desktop, runs the queries when the port arrives', async () => {
    const win = desktopWindow();
    const session = startSession(win as unknown as Window);
    expect(session.transport.kind).toBe('desktop');
    expect(useConnectionStore.getState()).toMatchObject({ mode: 'desktop', missingToken: false });
    expect(useConnectionStore.getState().status.state).toBe('connecting');

    const port = new EnginePort();
    win.postPort(port);
    await flush();
    expect(useConnectionStore.getState().status.state).toBe('open');
    expect(useConnectionStore.getState().health?.records).toBe(2);
    expect(useResultsStore.getState().total).toBe(2);
    expect(port.count('search')).toBe(1);
    expect(port.count('histogram')).toBe(1);
    expect(port.count('facets')).toBe(1);
  });

  it('runs again when the applied query changes', async () => {
    const win = desktopWindow();
    startSession(win as unknown as Window);
    const port = new EnginePort();
    win.postPort(port);
    await flush();
    useQueryStore.getState().submit('level:warn');
    await flush();
    const searches = port.calls.filter((c) => c.method === 'search');
    expect(searches).toHaveLength(2);
    expect(searches[1]!.params).toMatchObject({ query: 'level:warn', count: true });
  });

  it('refreshes at most once a second while data changes', async () => {
    const win = desktopWindow();
    startSession(win as unknown as Window);
    const port = new EnginePort();
    win.postPort(port);
    await flush();
    port.records = 5;
    for (let i = 0; i < 10; i++) port.emit('dataChanged', { records: 1 });
    await flush();
    expect(port.count('search')).toBe(2); // the leading refresh
    vi.advanceTimersByTime(1000);
    await flush();
    expect(port.count('search')).toBe(3); // one trailing refresh for the other nine
    expect(useResultsStore.getState().total).toBe(5);
    expect(useConnectionStore.getState().health?.records).toBe(5);
  });

  it('puts import progress in the store and says when an import finished', async () => {
    const win = desktopWindow();
    startSession(win as unknown as Window);
    const port = new EnginePort();
    win.postPort(port);
    await flush();
    const p = {
      importId: 'i1',
      state: 'running',
      current: '/a.log',
      filesDone: 0,
      filesTotal: 1,
      bytesRead: 1,
      bytesTotal: 2,
      records: 10,
      unparsed: 0,
      files: [],
      error: null,
    };
    port.emit('importProgressed', p);
    expect(useImportsStore.getState().imports[0]!.progress?.records).toBe(10);
    port.emit('importProgressed', { ...p, state: 'done', records: 20, unparsed: 1 });
    expect(useNoticesStore.getState().notices.map((n) => n.title)).toEqual(['Imported 20 records, 1 line not parsed']);
  });

  it('loads details for the selected record while the panel is open', async () => {
    const win = desktopWindow();
    startSession(win as unknown as Window);
    const port = new EnginePort();
    win.postPort(port);
    await flush();
    useSelectionStore.getState().select(2);
    await flush();
    expect(port.count('record')).toBe(0);
    useSelectionStore.getState().openDetail();
    await flush();
    expect(port.calls.find((c) => c.method === 'record')?.params).toEqual({ id: 2 });
    expect(useDetailStore.getState().record?.id).toBe(2);
  });

  it('re-runs the queries on a new port (the engine restarted)', async () => {
    const win = desktopWindow();
    startSession(win as unknown as Window);
    win.postPort(new EnginePort());
    await flush();
    const second = new EnginePort();
    second.records = 7;
    win.postPort(second);
    await flush();
    expect(second.count('search')).toBe(1);
    expect(useResultsStore.getState().total).toBe(7);
  });
});

describe('session and the Patterns view', () => {
  async function open(records = 2) {
    const win = desktopWindow();
    startSession(win as unknown as Window);
    const port = new EnginePort();
    port.records = records;
    win.postPort(port);
    await flush();
    return port;
  }

  it('runs the patterns of the applied query when the view is shown, and only then', async () => {
    const port = await open();
    expect(port.count('patterns')).toBe(0);
    useViewStore.getState().setView('patterns');
    await flush();
    expect(port.count('patterns')).toBe(1);
    expect(port.calls.find((c) => c.method === 'patterns')!.params).toMatchObject({ query: '', sort: 'count' });
    expect(usePatternsStore.getState().data?.patterns.map((p) => p.id)).toEqual([2, 1]);
    useQueryStore.getState().submit('level:warn');
    await flush();
    expect(port.count('patterns')).toBe(2);
    expect(port.count('search')).toBe(1); // Explore waits until it is shown
    useViewStore.getState().setView('explore');
    await flush();
    expect(port.count('search')).toBe(2);
  });

  it('refreshes the visible view only when data changes', async () => {
    const port = await open();
    useViewStore.getState().setView('patterns');
    await flush();
    port.emit('dataChanged', { records: 1 });
    await flush();
    expect(port.count('patterns')).toBe(2);
    expect(port.count('search')).toBe(1);
  });

  it('re-sorts locally a complete list, and asks again for a list cut short', async () => {
    const port = await open();
    useViewStore.getState().setView('patterns');
    await flush();
    changePatternSort('first');
    await flush();
    expect(port.count('patterns')).toBe(1);
    expect(usePatternsStore.getState().data?.patterns.map((p) => p.id)).toEqual([2, 1]);
    port.patternsTotal = 50;
    patternsActions.setSort('count');
    useQueryStore.getState().submit('');
    await flush();
    changePatternSort('last');
    await flush();
    expect(port.calls.filter((c) => c.method === 'patterns').at(-1)!.params).toMatchObject({ sort: 'last' });
  });

  it('opens a pattern in Explore, excludes one in place', async () => {
    await open();
    useViewStore.getState().setView('patterns');
    useQueryStore.getState().setDraft('level:error');
    openPattern(7, { negate: true });
    expect(useQueryStore.getState().applied.query).toBe('level:error -pattern:7');
    expect(useViewStore.getState().view).toBe('patterns');
    openPattern(8);
    expect(useQueryStore.getState().applied.query).toBe('level:error -pattern:7 pattern:8');
    expect(useViewStore.getState().view).toBe('explore');
  });

  it("opens a compared pattern with its side's range and source", async () => {
    await open();
    useQueryStore.getState().setDraft('');
    openPattern(3, { side: { from: 10, to: 20, source: '/b.log' } });
    expect(useQueryStore.getState().applied).toMatchObject({
      query: 'pattern:3 source:"/b.log"',
      range: { kind: 'absolute', from: 10, to: 20 },
    });
  });

  it('fills compare sides from a preset (loading sources) and compares them', async () => {
    const port = await open();
    await applyComparePreset('previous');
    // All time, bounded by the sources: 1000..5000, so A is the 4 s before.
    expect(useCompareStore.getState()).toMatchObject({
      preset: 'previous',
      a: { from: -3000, to: 1000, source: null },
      b: { from: 1000, to: 5000, source: null },
    });
    await applyComparePreset('sources');
    expect(useCompareStore.getState().a.source).toBe('/b.log');
    runCompare();
    await flush();
    expect(port.calls.find((c) => c.method === 'patternsCompare')!.params).toMatchObject({
      query: '',
      a: { source: '/b.log' },
      b: { source: '/a.log' },
    });
    expect(useCompareStore.getState().result).toMatchObject({ totalA: 0 });
  });
});
