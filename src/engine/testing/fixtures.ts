import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../store/store';
import { LogWriter } from '../store/writer';

/** A fresh temporary folder for one test's data and files. */
export function tempDir(prefix = 'logscope-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** nginx combined lines, one per minute from 2024-03-01 10:00 UTC; every 10th is a 500. */
export function nginxLines(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = new Date(Date.UTC(2024, 2, 1, 10, i));
    const day = String(t.getUTCDate()).padStart(2, '0');
    const hh = String(t.getUTCHours()).padStart(2, '0');
    const mm = String(t.getUTCMinutes()).padStart(2, '0');
    const status = i % 10 === 9 ? 500 : 200;
    out.push(
      `10.0.0.${i % 250} - - [${day}/Mar/2024:${hh}:${mm}:00 +0000] "GET /api/items/${i} HTTP/1.1" ${status} ${100 + i} "-" "curl/8.0"`,
    );
  }
  return out;
}

/** A store in a fresh temporary folder with its writer; `close` commits what is queued and closes both. */
export async function openTempStore(): Promise<{ store: Store; writer: LogWriter; close: () => Promise<void> }> {
  const store = await Store.open(tempDir());
  const writer = await LogWriter.create(store);
  return {
    store,
    writer,
    close: async () => {
      await writer.close();
      store.close();
    },
  };
}
