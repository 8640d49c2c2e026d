import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';
import { ensureDataDir, writeDataFile } from '../engine/io/data-dir';

/** Where and how big the window was when it last closed. */
export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_WINDOW_STATE: WindowState = { width: 960, height: 640, maximized: false };
const MIN_SIZE = { width: 480, height: 360 };

/**
 * Reads the saved state. Anything odd (missing file, bad JSON, silly numbers, a position on a
 * monitor that has since been unplugged) falls back to defaults: a window opened off-screen is
 * worse than one that forgot where it was.
 */
export function loadWindowState(file: string, workAreas: readonly Rectangle[]): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  const state = parseWindowState(raw);
  if (!state) return { ...DEFAULT_WINDOW_STATE };
  if (state.x === undefined || state.y === undefined) return state;
  if (!isVisibleOn(state as Rectangle, workAreas)) {
    return { width: state.width, height: state.height, maximized: state.maximized };
  }
  return state;
}

export function parseWindowState(raw: unknown): WindowState | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const int = (v: unknown, min: number, max: number): number | undefined =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : undefined;
  const width = int(r.width, MIN_SIZE.width, 16384);
  const height = int(r.height, MIN_SIZE.height, 16384);
  if (width === undefined || height === undefined) return undefined;
  const x = int(r.x, -32768, 32767);
  const y = int(r.y, -32768, 32767);
  const state: WindowState = { width, height, maximized: r.maximized === true };
  if (x !== undefined && y !== undefined) {
    state.x = x;
    state.y = y;
  }
  return state;
}

/** At least a grabbable strip of the title bar must land on some display's work area. */
export function isVisibleOn(bounds: Rectangle, workAreas: readonly Rectangle[]): boolean {
  const grab = { x: bounds.x, y: bounds.y, width: bounds.width, height: 40 };
  return workAreas.some((area) => {
    const w = Math.min(grab.x + grab.width, area.x + area.width) - Math.max(grab.x, area.x);
    const h = Math.min(grab.y + grab.height, area.y + area.height) - Math.max(grab.y, area.y);
    return w >= 100 && h >= 20;
  });
}

export function saveWindowState(file: string, state: WindowState): void {
  try {
    ensureDataDir(path.dirname(file));
    writeDataFile(file, `${JSON.stringify(state)}\n`);
  } catch (err) {
    // Losing the window position is not worth failing a quit over.
    console.warn(`pigeon: could not save ${file}: ${String(err)}`);
  }
}

type TrackedWindow = Pick<BrowserWindow, 'on' | 'getNormalBounds' | 'isMaximized'>;

/**
 * Saves on close, from the normal (unmaximised) bounds so that un-maximising after the next
 * start restores the size the person chose rather than the whole screen.
 */
export function setupWindowStatePersistence(win: TrackedWindow, file: string): void {
  win.on('close', () => {
    const b = win.getNormalBounds();
    saveWindowState(file, { ...b, maximized: win.isMaximized() });
  });
}

export function windowStateFile(userDataDir: string): string {
  return path.join(userDataDir, WINDOW_STATE_FILE);
}
