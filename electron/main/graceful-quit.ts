import type { App } from 'electron';

export interface QuitState {
  /** True once quitting has begun: windows should close for real instead of hiding. */
  isQuitting(): boolean;
}

/**
 * Quitting waits for the engine to say goodbye: stop() broadcasts BR_EXIT so peers drop us from
 * their lists at once instead of showing a ghost until they next refresh. Electron does not wait
 * for promises in before-quit, so the first quit is cancelled, the cleanup runs, and quit is
 * called again. A timeout bounds the wait so a stuck socket can never keep the app alive.
 */
export function setupGracefulQuit(
  app: Pick<App, 'on' | 'quit'>,
  cleanup: () => Promise<void>,
  options: { timeoutMs?: number; signals?: Pick<NodeJS.Process, 'once'> } = {},
): QuitState {
  const timeoutMs = options.timeoutMs ?? 3000;
  let phase: 'running' | 'stopping' | 'done' = 'running';
  app.on('before-quit', (event) => {
    if (phase === 'done') return;
    event.preventDefault();
    if (phase === 'stopping') return;
    phase = 'stopping';
    void withTimeout(cleanup(), timeoutMs)
      .catch((err: unknown) => console.warn(`pigeon: clean shutdown failed: ${String(err)}`))
      .finally(() => {
        phase = 'done';
        app.quit();
      });
  });
  // A logout or `kill` should also say goodbye on the LAN.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    options.signals?.once(signal, () => app.quit());
  }
  return { isQuitting: () => phase !== 'running' };
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gave up after ${ms} ms`)), ms);
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
