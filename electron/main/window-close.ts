/** What closing the main window does (the red button, Alt+F4, the window manager's close). */
export type CloseAction =
  /** Let it close: with no window left Pigeon quits, and says goodbye on the LAN. */
  | 'close'
  /** Hide it and keep running: the tray (or the Dock on macOS) brings it back. */
  | 'hide'
  /** macOS with "minimise to tray": hide it and leave the Dock, the menu-bar icon remains. */
  | 'hide-from-dock';

/**
 * Quitting (from the tray, the menu, a signal) always closes. Otherwise `minimizeToTray` decides,
 * except that macOS never quits on close: a Mac app lives on in the Dock, so there the setting
 * only decides whether it leaves the Dock too.
 */
export function closeAction(options: {
  platform: NodeJS.Platform;
  minimizeToTray: boolean;
  quitting: boolean;
}): CloseAction {
  if (options.quitting) return 'close';
  if (options.platform === 'darwin') return options.minimizeToTray ? 'hide-from-dock' : 'hide';
  return options.minimizeToTray ? 'hide' : 'close';
}
