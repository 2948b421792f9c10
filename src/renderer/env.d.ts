/** What the desktop preload exposes to the page (absent in a plain browser). */
export interface LogscopeShell {
  readonly isDesktop: true;
  /** The file-system path of a dropped or chosen File. */
  pathForFile(file: File): string;
  /** Open a link in the system browser. */
  openExternal(url: string): void;
}

declare global {
  interface Window {
    logscopeShell?: LogscopeShell;
  }
}
