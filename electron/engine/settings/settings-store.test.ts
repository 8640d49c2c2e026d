import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadStoredSettings, saveStoredSettings, SETTINGS_FILE } from './settings-store';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-settings-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('settings store', () => {
  it('returns nothing (no warning) when there is no file', () => {
    expect(loadStoredSettings(path.join(tmp(), 'missing'))).toEqual({ settings: {} });
  });

  it('round-trips what it saves, creating the directory', () => {
    const dir = path.join(tmp(), 'a', 'b');
    const settings = {
      nick: '小明',
      group: 'dev',
      port: 2426,
      broadcast: ['10.0.0.255'],
      unicastHosts: ['10.1.0.0/24'],
      legacyEncoding: 'cp932' as const,
      answerEcho: false,
      notifications: false,
      startAtLogin: true,
      minimizeToTray: false,
      language: 'zh-CN' as const,
      theme: 'dark' as const,
    };
    saveStoredSettings(dir, settings);
    expect(loadStoredSettings(dir)).toEqual({ settings });
    expect(fs.readdirSync(dir)).toEqual([SETTINGS_FILE]); // no temp file left behind
  });

  it.runIf(process.platform !== 'win32')(
    'keeps the directory 0700 and settings.json 0600, also when they were looser',
    () => {
      const fresh = path.join(tmp(), 'fresh');
      saveStoredSettings(fresh, { nick: 'a' });
      expect(fs.statSync(fresh).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(fresh, SETTINGS_FILE)).mode & 0o777).toBe(0o600);

      const loose = tmp();
      fs.chmodSync(loose, 0o755);
      fs.writeFileSync(path.join(loose, SETTINGS_FILE), '{}', { mode: 0o644 });
      saveStoredSettings(loose, { nick: 'b' });
      expect(fs.statSync(loose).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(loose, SETTINGS_FILE)).mode & 0o777).toBe(0o600);
      expect(loadStoredSettings(loose)).toEqual({ settings: { nick: 'b' } });
    },
  );

  it('keeps only known keys of the right type', () => {
    const dir = tmp();
    fs.writeFileSync(
      path.join(dir, SETTINGS_FILE),
      JSON.stringify({
        nick: 5,
        group: 'g',
        port: '2425',
        broadcast: ['a', 1],
        legacyEncoding: 'latin1',
        theme: 'blue',
        evil: true,
      }),
    );
    expect(loadStoredSettings(dir)).toEqual({ settings: { group: 'g', broadcast: ['a'] } });
  });

  it.each([['{ broken'], ['[1,2]'], ['null'], ['"text"']])(
    'moves a damaged file (%s) aside and warns',
    (content) => {
      const dir = tmp();
      const file = path.join(dir, SETTINGS_FILE);
      fs.writeFileSync(file, content);
      const r = loadStoredSettings(dir);
      expect(r.settings).toEqual({});
      expect(r.warning).toMatch(/could not be read/);
      expect(fs.existsSync(file)).toBe(false);
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith(`${SETTINGS_FILE}.broken-`));
      expect(aside).toHaveLength(1);
      expect(fs.readFileSync(path.join(dir, aside[0] ?? ''), 'utf8')).toBe(content);
    },
  );
});
