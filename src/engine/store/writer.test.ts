import { afterEach, describe, expect, it } from 'vitest';
import type { IngestRecord } from '../../ingest/record';
import { tempDir } from '../testing/fixtures';
import { Store } from './store';
import { LogWriter } from './writer';

const stores: Store[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

async function open() {
  const store = await Store.open(tempDir());
  stores.push(store);
  return { store, writer: await LogWriter.create(store, { maxQueuedRows: 10 }) };
}

const rec = (line: number, templateId: number | null = null): IngestRecord => ({
  ts: Date.UTC(2024, 0, 1) + line * 1000,
  level: 'info',
  host: null,
  app: null,
  message: `message ${line}`,
  fields: line % 2 ? { status: 200, service: 'api' } : null,
  format: 'test',
  line,
  parseError: null,
  templateId,
  params: templateId === null ? null : [String(line)],
});
const source = { name: 'a.log', kind: 'file' as const, format: 'test' };

describe('LogWriter', () => {
  it('commits batches with ids in order, source counts and new field names in one transaction', async () => {
    const { store, writer } = await open();
    await Promise.all([
      writer.append({ source, records: [rec(1), rec(2)], fallbackTs: 0 }),
      writer.append({ source, records: [rec(3)], fallbackTs: 0 }),
    ]);
    const rows = await store.read('SELECT id::INTEGER AS id, line::INTEGER AS line, status, fields::VARCHAR AS f FROM logs ORDER BY id');
    expect(rows.map((r) => [r.id, r.line])).toEqual([[1, 1], [2, 2], [3, 3]]);
    expect(rows[0]!.status).toBe(200);
    expect(JSON.parse(String(rows[0]!.f))).toEqual({ service: 'api' });
    expect(await store.read('SELECT records::INTEGER AS n FROM sources')).toEqual([{ n: 3 }]);
    expect(await store.read('SELECT name, type FROM field_names')).toEqual([{ name: 'service', type: 'text' }]);
  });

  it('makes producers wait while its queue is full', async () => {
    const { writer } = await open();
    const first = writer.append({ source, records: Array.from({ length: 10 }, (_, i) => rec(i + 1)), fallbackTs: 0 });
    let waited = true;
    const space = writer.whenSpace().then(() => (waited = false));
    expect(waited).toBe(true);
    await first;
    await space;
    expect(waited).toBe(false);
  });

  it('keeps pattern counts with the rows, and runs a queued statement even with no rows pending', async () => {
    const { store, writer } = await open();
    writer.templateText = (id) => `template ${id} <*>`;
    await writer.append({ source, records: [rec(1, 7), rec(2, 7), rec(3, 8)], fallbackTs: 0 });
    expect(await store.read('SELECT id::INTEGER AS id, template, count::INTEGER AS c FROM templates ORDER BY id')).toEqual([
      { id: 7, template: 'template 7 <*>', c: 2 },
      { id: 8, template: 'template 8 <*>', c: 1 },
    ]);
    writer.writeWithNextCommit(`INSERT OR REPLACE INTO miner_state VALUES (1, ?, now()::TIMESTAMP)`, ['{"v":1}']);
    await writer.close();
    expect(await store.read('SELECT state::VARCHAR AS s FROM miner_state')).toEqual([{ s: '{"v":1}' }]);
  });
});
