/**
 * IPC from the renderer. Like VS Code's validated ipcMain, every message is checked for
 * who sent it before its arguments are looked at: only our window's main frame, showing
 * our own renderer page. A frame that navigated elsewhere, a subframe, or any other web
 * contents is refused.
 */
import { OPEN_EXTERNAL_CHANNEL, isExternalHttpUrl } from './shell-contract';

export interface SenderEvent {
  sender: unknown;
  senderFrame: { url: string; parent: unknown } | null;
}

export interface TrustedPage {
  /** Our window's web contents, or null when there is no window. */
  contents: unknown;
  /** The file:// URL of out/renderer/index.html. */
  url: string;
}

/** The URL without its query and fragment (the UI may route with a #hash). */
function documentUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    parsed.search = '';
    return parsed.href;
  } catch {
    return null;
  }
}

export function isTrustedSender(event: SenderEvent, page: TrustedPage): boolean {
  const frame = event.senderFrame;
  // senderFrame is null when the frame navigated or was destroyed since it sent.
  if (!frame || page.contents == null || event.sender !== page.contents) return false;
  if (frame.parent !== null) return false;
  const expected = documentUrl(page.url);
  return expected !== null && documentUrl(frame.url) === expected;
}

export interface IpcMainLike {
  on(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => void): unknown;
}

export interface ShellIpcOptions {
  trustedPage(): TrustedPage;
  openExternal(url: string): void;
  log?: (message: string) => void;
}

export function registerShellIpc(ipcMain: IpcMainLike, options: ShellIpcOptions): void {
  const log = options.log ?? ((message: string) => console.warn(`[ipc] ${message}`));
  ipcMain.on(OPEN_EXTERNAL_CHANNEL, (event, url) => {
    if (!isTrustedSender(event, options.trustedPage())) {
      log(`refused ${OPEN_EXTERNAL_CHANNEL} from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
      return;
    }
    // The preload checks too, but the renderer is untrusted: check again here.
    if (!isExternalHttpUrl(url)) {
      log(`refused to open a non-http(s) URL`);
      return;
    }
    options.openExternal(url);
  });
}
