/**
 * Quitting waits for the engine: on the first before-quit we cancel the quit, ask the
 * engine to flush and close (bounded by a timeout inside `stopEngine`), then quit for
 * real. Without this, Electron would kill the utility process mid-write.
 */

export interface QuittingApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export function installQuitSequence(
  app: QuittingApp,
  stopEngine: () => Promise<unknown>,
  log: (message: string) => void = (message) => console.warn(`[quit] ${message}`),
): void {
  let phase: 'running' | 'stopping' | 'done' = 'running';
  app.on('before-quit', (event) => {
    if (phase === 'done') return; // our own app.quit() below: let it through
    event.preventDefault();
    if (phase === 'stopping') return; // a second Cmd+Q while we wait
    phase = 'stopping';
    stopEngine()
      .catch((error: unknown) =>
        log(`engine shutdown failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        phase = 'done';
        app.quit();
      });
  });
}
