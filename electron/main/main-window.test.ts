import { describe, expect, it } from 'vitest';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { createMainWindow, mainWindowOptions, revealWindow } from './main-window';
import { FakeBrowserWindow } from './test/fake-electron';

const state = { width: 900, height: 600, maximized: false };

describe('main window', () => {
  it('runs the page isolated, sandboxed, without Node and without <webview>', () => {
    const options = mainWindowOptions({ preloadPath: '/app/out/preload/preload.cjs', state });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
    expect(options.show).toBe(false);
  });

  it('restores the saved size and position', () => {
    expect(mainWindowOptions({ preloadPath: 'p', state })).toMatchObject({
      width: 900,
      height: 600,
    });
    expect(mainWindowOptions({ preloadPath: 'p', state })).not.toHaveProperty('x');
    const placed = mainWindowOptions({ preloadPath: 'p', state: { ...state, x: 5, y: 6 } });
    expect(placed).toMatchObject({ x: 5, y: 6 });
  });

  it('loads app://pigeon and shows itself once painted', () => {
    const Window = FakeBrowserWindow as unknown as new (
      o: BrowserWindowConstructorOptions,
    ) => BrowserWindow;
    const win = createMainWindow(Window, {
      preloadPath: 'p',
      state: { ...state, maximized: true },
    });
    const fake = win as unknown as FakeBrowserWindow;
    expect(fake.loadedUrl).toBe('app://pigeon/index.html');
    expect(fake.visible).toBe(false);
    fake.emit('ready-to-show');
    expect(fake.visible).toBe(true);
    expect(fake.maximized).toBe(true);
  });

  it('is brought back from minimised or hidden', () => {
    const fake = new FakeBrowserWindow({});
    fake.minimize();
    revealWindow(fake);
    expect(fake.isMinimized()).toBe(false);
    expect(fake.isVisible()).toBe(true);
    expect(fake.isFocused()).toBe(true);
  });
});
