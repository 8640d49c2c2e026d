import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAppSettings } from './settings-file';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-settings-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('settings file', () => {
  it.runIf(process.platform !== 'win32')(
    'makes userData owner-only on start, with a notice',
    () => {
      const dir = tempDir();
      fs.chmodSync(dir, 0o775);
      expect(loadAppSettings(dir).notice).toMatch(/mode 0775\); made it owner-only/);
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    },
  );

  it('starts from the defaults the brief and the CLI share', () => {
    const dir = tempDir();
    const { settings, warning, problems, preferences } = loadAppSettings(dir, 'linux');
    expect(warning).toBeUndefined();
    expect(problems).toEqual([]);
    expect(preferences).toEqual({
      language: 'system',
      theme: 'system',
      notifications: true,
      startAtLogin: false,
      minimizeToTray: true,
      doNotDisturb: false,
    });
    expect(settings).toMatchObject({
      group: '',
      bind: '0.0.0.0',
      port: 2425,
      broadcast: [],
      unicastHosts: [],
      legacyEncoding: 'gb18030',
      answerEcho: true,
      dataDir: dir,
      away: false,
      awayMessage: '',
    });
    expect(settings.nick.length).toBeGreaterThan(0);
  });

  it('reads userData/settings.json, and the data directory is always userData', () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({
        nick: '爱丽丝',
        port: 2426,
        theme: 'dark',
        dataDir: '/evil',
        minimizeToTray: false,
        startAtLogin: true,
        away: true,
        awayMessage: '开会中\nIn a meeting',
        doNotDisturb: true,
      }),
    );
    const { settings, preferences, problems } = loadAppSettings(dir, 'linux');
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({
      nick: '爱丽丝',
      port: 2426,
      dataDir: dir,
      away: true,
      awayMessage: '开会中\nIn a meeting',
    });
    expect(preferences).toMatchObject({
      theme: 'dark',
      minimizeToTray: false,
      startAtLogin: true,
      doNotDisturb: true,
    });
  });

  it('survives a damaged file', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'settings.json'), '{ nope');
    const { settings, warning, problems } = loadAppSettings(dir);
    expect(problems).toMatchObject([{ code: 'settings-corrupt' }]);
    expect(warning).toMatch(/was damaged .*moved it to .*settings\.json\.broken-/);
    expect(settings.port).toBe(2425);
  });
});
