import type { App } from 'electron';

/**
 * Only one Pigeon per login: a second one could not bind UDP 2425 anyway, and two windows of one
 * identity would confuse peers. The second launch hands over to the first (which shows its
 * window) and exits. Returns false in the process that must quit.
 */
export function setupSingleInstance(
  app: Pick<App, 'requestSingleInstanceLock' | 'on' | 'quit'>,
  onSecondLaunch: () => void,
): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => {
    onSecondLaunch();
  });
  return true;
}
