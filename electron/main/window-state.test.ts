import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserWindow } from 'electron';
import {
  DEFAULT_WINDOW_STATE,
  isVisibleOn,
  loadWindowState,
  parseWindowState,
  saveWindowState,
  setupWindowStatePersistence,
  windowStateFile,
} from './window-state';
import { FakeBrowserWindow } from './test/fake-electron';

const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
const dirs: string[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-bounds-'));
  dirs.push(dir);
  return windowStateFile(dir);
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('window state', () => {
  it('round-trips through userData', () => {
    const file = tempFile();
    saveWindowState(file, { x: 100, y: 50, width: 1000, height: 700, maximized: true });
    expect(loadWindowState(file, screen)).toEqual({
      x: 100,
      y: 50,
      width: 1000,
      height: 700,
      maximized: true,
    });
  });

  it.runIf(process.platform !== 'win32')('saves owner-only', () => {
    const file = tempFile();
    saveWindowState(file, { width: 1000, height: 700, maximized: false });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('falls back to defaults for a missing or broken file', () => {
    const file = tempFile();
    expect(loadWindowState(file, screen)).toEqual(DEFAULT_WINDOW_STATE);
    fs.writeFileSync(file, '{ not json');
    expect(loadWindowState(file, screen)).toEqual(DEFAULT_WINDOW_STATE);
    fs.writeFileSync(file, JSON.stringify({ width: 'wide', height: 10 }));
    expect(loadWindowState(file, screen)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('forgets a position on a monitor that is gone, keeping the size', () => {
    const file = tempFile();
    saveWindowState(file, { x: 3000, y: 200, width: 800, height: 600, maximized: false });
    expect(loadWindowState(file, screen)).toEqual({ width: 800, height: 600, maximized: false });
  });

  it('rejects absurd sizes', () => {
    expect(parseWindowState({ width: 10, height: 10 })).toBeUndefined();
    expect(parseWindowState({ width: 1e9, height: 600 })).toBeUndefined();
    expect(parseWindowState({ width: 800.5, height: 600 })).toBeUndefined();
    expect(parseWindowState(null)).toBeUndefined();
  });

  it('needs a grabbable strip of title bar on screen', () => {
    expect(isVisibleOn({ x: 0, y: 0, width: 800, height: 600 }, screen)).toBe(true);
    expect(isVisibleOn({ x: 1900, y: 0, width: 800, height: 600 }, screen)).toBe(false);
    expect(isVisibleOn({ x: 100, y: -500, width: 800, height: 600 }, screen)).toBe(false);
  });

  it('is saved when the window closes, from its normal bounds', () => {
    const file = tempFile();
    const win = new FakeBrowserWindow({});
    win.bounds = { x: 40, y: 30, width: 1111, height: 777 };
    win.maximized = true;
    setupWindowStatePersistence(win as unknown as BrowserWindow, file);
    win.close();
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      x: 40,
      y: 30,
      width: 1111,
      height: 777,
      maximized: true,
    });
  });
});
