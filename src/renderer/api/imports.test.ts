import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineError, type EngineApi } from '../../shared/client';
import type { ImportProgress } from '../../shared/protocol';
import { cancelImport, importFiles, refreshImports, uploadErrorMessage, UPLOAD_URL } from './imports';
import { importsActions, useImportsStore } from '../stores/imports';
import { useNoticesStore } from '../stores/notices';

const progress = (importId: string, state: ImportProgress['state'] = 'running'): ImportProgress => ({
  importId,
  state,
  current: null,
  filesDone: 0,
  filesTotal: 1,
  bytesRead: 0,
  bytesTotal: 10,
  records: 0,
  unparsed: 0,
  files: [],
  error: null,
});

function fakeApi() {
  const api = {
    importStart: vi.fn(async () => ({ importId: 'imp-1' })),
    importStatus: vi.fn(async (p: { importId: string }) => progress(p.importId)),
    importCancel: vi.fn(async () => ({ cancelled: true })),
  };
  return api as typeof api & EngineApi;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

beforeEach(() => {
  useImportsStore.setState({ uploads: [], imports: [], panelOpen: false });
  useNoticesStore.setState({ notices: [] });
});

describe('desktop import', () => {
  it('imports files where they are, by path', async () => {
    const api = fakeApi();
    const shell = {
      isDesktop: true as const,
      pathForFile: (f: File) => `/logs/${f.name}`,
      openExternal: () => undefined,
    };
    await importFiles([new File(['a'], 'a.log'), new File(['b'], 'b.log')], {
      api,
      shell,
      token: null,
      fetch: vi.fn(),
    });
    expect(api.importStart).toHaveBeenCalledWith({ paths: ['/logs/a.log', '/logs/b.log'] });
    expect(useImportsStore.getState().imports[0]).toMatchObject({ importId: 'imp-1', label: '2 files' });
    expect(useImportsStore.getState().imports[0]!.progress?.state).toBe('running');
  });

  it('tells the person about items without a path', async () => {
    const api = fakeApi();
    const shell = { isDesktop: true as const, pathForFile: () => '', openExternal: () => undefined };
    await importFiles([new File(['a'], 'clip.txt')], { api, shell, token: null, fetch: vi.fn() });
    expect(api.importStart).not.toHaveBeenCalled();
    expect(useNoticesStore.getState().notices[0]).toMatchObject({ kind: 'error', title: 'Cannot import clip.txt' });
  });

  it('shows why an import could not start', async () => {
    const api = fakeApi();
    api.importStart.mockRejectedValueOnce(new EngineError({ code: 'bad_request', message: 'No such file: /x' }));
    const shell = { isDesktop: true as const, pathForFile: () => '/x', openExternal: () => undefined };
    await importFiles([new File(['a'], 'x')], { api, shell, token: null, fetch: vi.fn() });
    expect(useNoticesStore.getState().notices[0]).toMatchObject({
      title: 'Import could not start',
      detail: 'No such file: /x',
    });
  });
});

describe('browser upload', () => {
  it('uploads each file with the token and its name, then tracks the import', async () => {
    const api = fakeApi();
    let n = 0;
    const fetch = vi.fn(async () => json(200, { importId: `up-${++n}` }));
    const files = [new File(['one'], 'my app.log'), new File(['two'], 'é.log')];
    await importFiles(files, { api, shell: null, token: 'tok', fetch });
    expect(fetch).toHaveBeenCalledTimes(2);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(UPLOAD_URL);
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({ Authorization: 'Bearer tok', 'X-Filename': 'my%20app.log' });
    expect(init.body).toBe(files[0]);
    expect((fetch.mock.calls[1] as unknown as [string, RequestInit])[1].headers).toMatchObject({
      'X-Filename': '%C3%A9.log',
    });
    const s = useImportsStore.getState();
    expect(s.uploads).toEqual([]);
    expect(s.imports.map((e) => [e.importId, e.label])).toEqual([
      ['up-2', 'é.log'],
      ['up-1', 'my app.log'],
    ]);
  });

  it('shows the engine’s error for a refused upload, and goes on with the next file', async () => {
    const api = fakeApi();
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(json(415, { error: 'not a text log' }))
      .mockResolvedValueOnce(json(200, { importId: 'ok' }));
    await importFiles([new File(['x'], 'a.bin'), new File(['y'], 'b.log')], { api, shell: null, token: 't', fetch });
    const s = useImportsStore.getState();
    expect(s.uploads).toEqual([expect.objectContaining({ name: 'a.bin', state: 'failed', error: 'not a text log' })]);
    expect(s.imports.map((e) => e.importId)).toEqual(['ok']);
    expect(useNoticesStore.getState().notices[0]).toMatchObject({
      kind: 'error',
      title: 'Upload of a.bin failed',
      detail: 'not a text log',
    });
  });

  it('reports a network failure and an answer without an import id', async () => {
    const api = fakeApi();
    const fetch = vi.fn().mockRejectedValueOnce(new TypeError('Failed to fetch')).mockResolvedValueOnce(json(200, {}));
    await importFiles([new File(['x'], 'a'), new File(['y'], 'b')], { api, shell: null, token: 't', fetch });
    const errors = useImportsStore.getState().uploads.map((u) => u.error);
    expect(errors[0]).toContain('Failed to fetch');
    expect(errors[1]).toContain('did not say which import');
  });

  it('explains refused tokens and other statuses', async () => {
    expect(await uploadErrorMessage(json(401, {}))).toContain('refused this page’s token');
    expect(await uploadErrorMessage(json(400, { error: 'X-Filename missing' }))).toBe('X-Filename missing');
    expect(await uploadErrorMessage(new Response('oops', { status: 500, statusText: 'Internal Server Error' }))).toBe(
      'The engine answered 500 Internal Server Error.',
    );
  });
});

describe('cancel and refresh', () => {
  it('cancels, and says when it was too late', async () => {
    const api = fakeApi();
    await cancelImport('a', api);
    expect(api.importCancel).toHaveBeenCalledWith({ importId: 'a' });
    api.importCancel.mockResolvedValueOnce({ cancelled: false });
    await cancelImport('a', api);
    expect(useNoticesStore.getState().notices.at(-1)?.title).toContain('already finished');
  });

  it('after a reconnect, refreshes running imports and marks forgotten ones lost', async () => {
    const api = fakeApi();
    importsActions.track('known', 'k');
    importsActions.track('forgotten', 'f');
    api.importStatus.mockImplementation(
      async (p: { importId: string }) => (p.importId === 'known' ? progress('known', 'done') : null) as ImportProgress,
    );
    await refreshImports(api);
    const byId = Object.fromEntries(useImportsStore.getState().imports.map((e) => [e.importId, e]));
    expect(byId.known!.progress?.state).toBe('done');
    expect(byId.forgotten!.lost).toBe(true);
  });
});
