/**
 * The engine's entry in the desktop app, where Electron's main starts it as a
 * utilityProcess. It speaks the protocol to the window over a transferred MessagePort,
 * and also listens on 127.0.0.1 so the CLI can reach it (engine.json in the data folder).
 * It never imports electron: the parent port is the only Electron-specific thing, typed here.
 */
import { parseArgs } from 'node:util';
import { Engine } from './engine';
import { boundHeapGrowth } from './heap';
import { removeEngineFile, writeEngineFile } from './host/engine-file';
import { startHttpHost } from './host/http-host';
import { serveConnection } from './host/connection';
import { defaultDataDir } from './paths';
import { MainToEngineSchema } from '../shared/engine-messages';
import { alertNotify, importNotice, receiverNotices, settingsMessage } from './desktop/notices';
import type { LiveSourceInfo } from '../shared/protocol';

interface PortLike {
  postMessage(msg: unknown): void;
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
  on(event: 'close', cb: () => void): void;
  start(): void;
  close(): void;
}
interface ParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', cb: (e: { data: unknown; ports: PortLike[] }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) {
  console.error('logscope engine: this entry runs inside the desktop app; use `logscope serve` instead');
  process.exit(2);
}

boundHeapGrowth();
const { values } = parseArgs({ args: process.argv.slice(2), options: { data: { type: 'string' } }, strict: false });
const dataDir = typeof values.data === 'string' ? values.data : defaultDataDir();

const engine = await Engine.open({ dataDir, mode: 'desktop' });
const host = await startHttpHost(engine, { host: '127.0.0.1', port: 0, uiDir: null });
writeEngineFile(dataDir, { pid: process.pid, port: host.port, token: host.token, startedAt: Date.now() });

// OS notifications for imports worth telling about (long, failed, or with unreadable files).
const importStarted = new Map<string, number>();
engine.on('importProgressed', (p) => {
  if (!importStarted.has(p.importId)) importStarted.set(p.importId, Date.now());
  if (p.state === 'running') return;
  const notice = importNotice(p, Date.now() - importStarted.get(p.importId)!);
  importStarted.delete(p.importId);
  if (notice) parentPort.postMessage(notice);
});
// A receiver or followed file that stops working is news even when nobody is looking.
let liveBefore: LiveSourceInfo[] = [];
engine.on('liveSourcesChanged', ({ sources }) => {
  for (const notice of receiverNotices(liveBefore, sources)) parentPort.postMessage(notice);
  liveBefore = sources;
});
// Alerts that fired (grouped and rate-limited by the notifier) become OS notifications.
engine.on('alertNotice', (notice) => {
  const notify = alertNotify(notice);
  if (notify) parentPort.postMessage(notify);
});
// The tray and the dock/taskbar badge show how many alerts are open.
engine.on('alertsChanged', ({ open }) => parentPort.postMessage({ type: 'alerts', open }));
// Main shows the theme in its menu and applies the notification settings.
engine.settings.onChange((report) => parentPort.postMessage(settingsMessage(report.settings)));

parentPort.on('message', (e) => {
  const parsed = MainToEngineSchema.safeParse(e.data);
  if (!parsed.success) {
    console.error(`logscope engine: ignored an unknown control message: ${parsed.error.issues[0]?.message}`);
    return;
  }
  const msg = parsed.data;
  if (msg.type === 'connect' && e.ports[0]) {
    const port = e.ports[0];
    const conn = serveConnection(engine, (m) => port.postMessage(m));
    port.on('message', (ev) => conn.receive(ev.data));
    port.on('close', () => conn.close());
    port.start();
  } else if (msg.type === 'import') {
    engine.importFiles(msg.paths.map((path) => ({ path })));
  } else if (msg.type === 'follow') {
    // Each path its own live source (the Sources view lists and stops them), read from its
    // first line: a file opened to follow is one the person wants to see.
    for (const path of msg.paths) {
      void engine.live.add({ kind: 'follow', config: { paths: [path], start: 'beginning' } }).then(
        (info) => {
          if (info.state === 'failed') parentPort.postMessage({ type: 'notify', topic: 'receiver', title: 'Cannot follow', body: `${path}: ${info.error}` });
        },
        (err: Error) => parentPort.postMessage({ type: 'notify', topic: 'receiver', title: 'Cannot follow', body: `${path}: ${err.message}` }),
      );
    }
  } else if (msg.type === 'shutdown') {
    void shutdown();
  }
});

async function shutdown(): Promise<void> {
  await host.close();
  removeEngineFile(dataDir);
  await engine.close();
  parentPort!.postMessage({ type: 'closed' });
  process.exit(0);
}

parentPort.postMessage({ type: 'ready' });
parentPort.postMessage(settingsMessage(engine.settings.current));
