import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADOPTED_MARKER, adoptOldData, describeAdoption } from './adopt-old-data';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-adopt-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
const write = (dir: string, name: string, text: string) =>
  fs.writeFileSync(path.join(dir, name), text);

describe("adopting the app's old userData into the shared data directory", () => {
  it('copies settings, window state and transfers into a new data directory, owner-only', () => {
    const old = tempDir();
    const data = path.join(tempDir(), '.pigeon');
    write(old, 'settings.json', '{"nick":"老王"}\n');
    write(old, 'window-state.json', '{"width":800,"height":600,"maximized":false}\n');
    write(old, 'transfers.json', '[]\n');
    const r = adoptOldData(old, data);
    expect(r).toEqual({
      outcome: 'adopted',
      files: ['settings.json', 'window-state.json', 'transfers.json'],
      kept: [],
    });
    expect(read(data, 'settings.json')).toBe('{"nick":"老王"}\n');
    expect(read(old, 'settings.json')).toBe('{"nick":"老王"}\n');
    if (process.platform !== 'win32') {
      expect(fs.statSync(data).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(data, 'settings.json')).mode & 0o777).toBe(0o600);
    }
    expect(describeAdoption(r, old, data)).toMatch(/took settings.json, window-state.json/);
  });

  it("keeps the CLI's own settings, and takes the higher packet counter of the two", () => {
    const old = tempDir();
    const data = tempDir();
    write(old, 'settings.json', '{"nick":"app"}\n');
    write(data, 'settings.json', '{"nick":"cli"}\n');
    write(old, 'packet-counter.json', '{"highWater":5000}\n');
    write(data, 'packet-counter.json', '{"highWater":100}\n');
    const r = adoptOldData(old, data);
    expect(r).toEqual({
      outcome: 'adopted',
      files: ['packet-counter.json'],
      kept: ['settings.json'],
    });
    expect(read(data, 'settings.json')).toBe('{"nick":"cli"}\n');
    expect(JSON.parse(read(data, 'packet-counter.json'))).toEqual({ highWater: 5000 });
    // A lower mark in the old place never lowers ours.
    const again = tempDir();
    write(again, 'packet-counter.json', '{"highWater":7}\n');
    write(old, 'packet-counter.json', '{"highWater":3}\n');
    adoptOldData(old, again);
    expect(JSON.parse(read(again, 'packet-counter.json'))).toEqual({ highWater: 7 });
  });

  it('adopts once: a later start (settings deleted on purpose) does not bring them back', () => {
    const old = tempDir();
    const data = tempDir();
    write(old, 'settings.json', '{"nick":"老王"}\n');
    expect(adoptOldData(old, data).outcome).toBe('adopted');
    expect(JSON.parse(read(data, ADOPTED_MARKER))).toMatchObject({ from: path.resolve(old) });
    fs.rmSync(path.join(data, 'settings.json'));
    expect(adoptOldData(old, data)).toEqual({ outcome: 'done-before' });
    expect(fs.existsSync(path.join(data, 'settings.json'))).toBe(false);
  });

  it('does nothing for a fresh install, or when both are one directory (PIGEON_PROFILE)', () => {
    const old = tempDir();
    const data = path.join(tempDir(), '.pigeon');
    expect(adoptOldData(old, data)).toEqual({ outcome: 'nothing' });
    expect(fs.existsSync(data)).toBe(false);
    write(old, 'settings.json', '{}\n');
    expect(adoptOldData(old, old)).toEqual({ outcome: 'nothing' });
  });

  it('says why when the data directory cannot be made, and loses nothing', () => {
    const old = tempDir();
    const parent = tempDir();
    write(old, 'settings.json', '{"nick":"x"}\n');
    // A file where a folder should be: mkdir fails, for root too.
    write(parent, 'not-a-folder', '');
    const r = adoptOldData(old, path.join(parent, 'not-a-folder', '.pigeon'));
    expect(r.outcome).toBe('failed');
    expect(describeAdoption(r, old, parent)).toMatch(/could not take the old data/);
    expect(read(old, 'settings.json')).toBe('{"nick":"x"}\n');
  });
});
