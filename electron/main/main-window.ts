import type { BrowserWindow, BrowserWindowConstructorOptions, NativeImage } from 'electron';
import { APP_ENTRY_URL } from './app-origin';
import type { WindowState } from './window-state';

export interface MainWindowConfig {
  preloadPath: string;
  state: WindowState;
  icon?: NativeImage;
}

/**
 * The one window. Every web preference that matters for security is spelled out even where it
 * is already Electron's default, so a future default change or a careless edit shows up in the
 * test that pins these values.
 */
export function mainWindowOptions(config: MainWindowConfig): BrowserWindowConstructorOptions {
  const { state } = config;
  const options: BrowserWindowConstructorOptions = {
    width: state.width,
    height: state.height,
    minWidth: 480,
    minHeight: 360,
    title: 'Pigeon',
    // Shown on ready-to-show, so the person never sees an empty white frame.
    show: false,
    backgroundColor: '#f6f7fb',
    autoHideMenuBar: true,
    webPreferences: {
      preload: config.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: true,
    },
  };
  if (state.x !== undefined && state.y !== undefined) {
    options.x = state.x;
    options.y = state.y;
  }
  if (config.icon) options.icon = config.icon;
  return options;
}

type WindowConstructor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

export function createMainWindow(
  Window: WindowConstructor,
  config: MainWindowConfig,
): BrowserWindow {
  const win = new Window(mainWindowOptions(config));
  win.once('ready-to-show', () => {
    if (config.state.maximized) win.maximize();
    win.show();
  });
  win.loadURL(APP_ENTRY_URL).catch((err: unknown) => {
    console.error(`pigeon: could not load ${APP_ENTRY_URL}: ${String(err)}`);
  });
  return win;
}

/** Brings the window to the front from wherever it is: hidden, minimised or behind others. */
export function revealWindow(
  win: Pick<BrowserWindow, 'isMinimized' | 'restore' | 'show' | 'focus'>,
): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
