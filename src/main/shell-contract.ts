/**
 * What main and the preload agree on: the IPC channel names, the shape of the message
 * that carries the engine port into the page, and the one URL rule both sides apply.
 *
 * The preload imports this module too, so it must stay free of imports: the preload runs
 * sandboxed and only `electron`'s renderer modules exist there. Channel names are written
 * here and nowhere else, so neither side can drift.
 */

/** main → preload: the window's end of a MessageChannel to the engine (one port). */
export const ENGINE_PORT_CHANNEL = 'logscope:engine-port';

/** preload → main: open an http(s) URL in the system browser (one string). */
export const OPEN_EXTERNAL_CHANNEL = 'logscope:open-external';

/**
 * main → preload: a command for the page (the app menu, a clicked notification), one
 * plain object. The page validates it (src/shared/page-commands.ts) before acting.
 */
export const PAGE_COMMAND_CHANNEL = 'logscope:page-command';

/** `data.kind` of the window message that carries a command (`data.command`) into the page. */
export const PAGE_COMMAND_KIND = 'logscope-page-command';

/**
 * The `data` of the window message the preload posts into the page with the port in
 * `event.ports[0]`. A new one arrives whenever the engine (re)starts or the page reloads.
 */
export const PAGE_PORT_MESSAGE = { kind: 'logscope-engine-port' } as const;

/** What the preload exposes as `window.logscopeShell`; nothing else crosses the bridge. */
export interface LogscopeShell {
  readonly isDesktop: true;
  /** The file-system path of a File from a drop or an <input type=file>. */
  pathForFile(file: File): string;
  /** Opens an http(s) URL in the system browser; anything else is ignored. */
  openExternal(url: string): void;
}

/** Longest URL we hand to the OS; anything longer is not a link a user clicked. */
const MAX_URL_LENGTH = 8192;

/**
 * True for absolute http: and https: URLs only. Everything else (file:, javascript:,
 * custom schemes that launch other programs, relative URLs) is refused: opening an
 * arbitrary scheme through the OS is how a compromised page escapes the sandbox.
 */
export function isExternalHttpUrl(url: unknown): url is string {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // (The URL parser already refuses http(s) URLs without a host.)
  return parsed.protocol === 'http:' || parsed.protocol === 'https:';
}
