import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  loadStoredSettings,
  saveStoredSettings,
  SETTINGS_FILE,
  SETTINGS_VERSION,
  SettingsKeptError,
} from './settings-store';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-settings-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('settings store', () => {
  it('returns nothing (no warning) when there is no file', () => {
    expect(loadStoredSettings(path.join(tmp(), 'missing'))).toEqual({ settings: {}, problems: [] });
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
      away: true,
      awayMessage: '开会中\nIn a meeting',
      doNotDisturb: true,
      language: 'zh-CN' as const,
      theme: 'dark' as const,
    };
    saveStoredSettings(dir, settings);
    expect(loadStoredSettings(dir)).toEqual({ settings, problems: [] });
    expect(fs.readdirSync(dir)).toEqual([SETTINGS_FILE]); // no temp file left behind
    const written = JSON.parse(fs.readFileSync(path.join(dir, SETTINGS_FILE), 'utf8')) as unknown;
    expect(written).toEqual({ version: SETTINGS_VERSION, ...settings });
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
      expect(loadStoredSettings(loose)).toEqual({ settings: { nick: 'b' }, problems: [] });
    },
  );

  it('reads a file from before versions (no "version") as ours, without a word', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, SETTINGS_FILE), JSON.stringify({ nick: 'old', port: 2426 }));
    expect(loadStoredSettings(dir)).toEqual({
      settings: { nick: 'old', port: 2426 },
      problems: [],
    });
  });

  it('drops each invalid key alone (its default applies), keeps the others, and names them', () => {
    const dir = tmp();
    const file = path.join(dir, SETTINGS_FILE);
    const content = JSON.stringify({
      version: 1,
      nick: 5,
      group: 'g',
      port: '2425',
      bind: '0.0.0.0',
      broadcast: ['10.0.0.255', 1],
      unicastHosts: ['10.1.0.0/24'],
      language: 'en',
      theme: 'blue',
      notifications: 'yes',
      startAtLogin: true,
      minimizeToTray: false,
      user: 'a:b',
      legacyEncoding: 'latin1',
      answerEcho: false,
      evil: true,
    });
    fs.writeFileSync(file, content);
    expect(loadStoredSettings(dir)).toEqual({
      settings: {
        group: 'g',
        bind: '0.0.0.0',
        unicastHosts: ['10.1.0.0/24'],
        language: 'en',
        startAtLogin: true,
        minimizeToTray: false,
        answerEcho: false,
      },
      problems: [
        {
          code: 'settings-invalid-keys',
          params: {
            file,
            keys: 'nick, port, broadcast, theme, notifications, user, legacyEncoding',
          },
        },
      ],
    });
    // Nothing moved or rewritten by reading.
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
  });

  it.each([
    [{ port: 0 }, 'port'],
    [{ port: 70000 }, 'port'],
    [{ nick: '' }, 'nick'],
    [{ nick: 'x'.repeat(65) }, 'nick'],
    [{ nick: 'a\u202eb\n' }, 'nick'],
    [{ bind: 'localhost' }, 'bind'],
    [{ unicastHosts: ['10.0.0.0/8'] }, 'unicastHosts'],
    [{ broadcast: 'x'.repeat(10) }, 'broadcast'],
    [{ downloadDir: '' }, 'downloadDir'],
    [{ awayMessage: 'x'.repeat(501) }, 'awayMessage'],
    [{ awayMessage: 'a\u202eb\u0007' }, 'awayMessage'],
    [{ version: 'two' }, 'version'],
    [{ version: -1 }, 'version'],
  ])('names a value of the right type that is still not valid: %j', (bad, key) => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, SETTINGS_FILE), JSON.stringify({ group: 'kept', ...bad }));
    const r = loadStoredSettings(dir);
    expect(r.settings).toEqual({ group: 'kept' });
    expect(r.problems).toMatchObject([{ code: 'settings-invalid-keys', params: { keys: key } }]);
    expect(r.keep).toBeUndefined();
  });

  it('reads away, its message and do-not-disturb through the contract guard, each alone', () => {
    const dir = tmp();
    const file = path.join(dir, SETTINGS_FILE);
    fs.writeFileSync(
      file,
      JSON.stringify({ away: 'yes', awayMessage: '  back at 3\n', doNotDisturb: 1 }),
    );
    expect(loadStoredSettings(dir)).toEqual({
      // The guard's own normalising (trimmed) applies to a hand-edited file too.
      settings: { awayMessage: 'back at 3' },
      problems: [{ code: 'settings-invalid-keys', params: { file, keys: 'away, doNotDisturb' } }],
    });
    fs.writeFileSync(file, JSON.stringify({ away: true, doNotDisturb: false }));
    expect(loadStoredSettings(dir)).toEqual({
      settings: { away: true, doNotDisturb: false },
      problems: [],
    });
  });

  it('uses what it understands of a newer file, tells, and never overwrites it', () => {
    const dir = tmp();
    const file = path.join(dir, SETTINGS_FILE);
    const content = JSON.stringify({
      version: SETTINGS_VERSION + 1,
      nick: '小明',
      port: { tcp: 2425, udp: 2425 },
      theme: 'sepia',
      future: [1, 2],
    });
    fs.writeFileSync(file, content);
    expect(loadStoredSettings(dir)).toEqual({
      settings: { nick: '小明' },
      problems: [
        {
          code: 'settings-newer',
          params: { file, version: SETTINGS_VERSION + 1, ours: SETTINGS_VERSION },
        },
      ],
      keep: 'newer',
    });
    expect(() => saveStoredSettings(dir, { nick: 'x' })).toThrow(SettingsKeptError);
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
    expect(fs.readdirSync(dir)).toEqual([SETTINGS_FILE]);
  });

  it('does not read, move or overwrite a file it cannot read (a directory in its place)', () => {
    const dir = tmp();
    const file = path.join(dir, SETTINGS_FILE);
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, 'inside'), 'mine');
    const r = loadStoredSettings(dir);
    expect(r).toMatchObject({
      settings: {},
      problems: [{ code: 'settings-unreadable', params: { file, error: /EISDIR/ } }],
      keep: 'unreadable',
    });
    expect(() => saveStoredSettings(dir, { nick: 'x' })).toThrow(SettingsKeptError);
    expect(fs.readFileSync(path.join(file, 'inside'), 'utf8')).toBe('mine');
  });

  it('does not move or overwrite a file it may not read (permissions)', () => {
    const dir = tmp();
    const file = path.join(dir, SETTINGS_FILE);
    fs.writeFileSync(file, JSON.stringify({ nick: 'mine' }));
    // As root the mode bits below do not stop a read, so the refusal is also simulated.
    const real = fs.readFileSync;
    vi.spyOn(fs, 'readFileSync').mockImplementation(((p: fs.PathOrFileDescriptor, o?: unknown) => {
      if (p === file)
        throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), {
          code: 'EACCES',
        });
      return real(p, o as BufferEncoding);
    }) as typeof fs.readFileSync);
    const r = loadStoredSettings(dir);
    expect(r).toMatchObject({
      settings: {},
      problems: [{ code: 'settings-unreadable', params: { file, error: /EACCES/ } }],
      keep: 'unreadable',
    });
    expect(() => saveStoredSettings(dir, { nick: 'x' })).toThrow(SettingsKeptError);
    vi.restoreAllMocks();
    expect(fs.readFileSync(file, 'utf8')).toBe(JSON.stringify({ nick: 'mine' }));
  });

  it.runIf(process.platform !== 'win32' && process.getuid?.() !== 0)(
    'does not move or overwrite a file with mode 000',
    () => {
      const dir = tmp();
      const file = path.join(dir, SETTINGS_FILE);
      fs.writeFileSync(file, JSON.stringify({ nick: 'mine' }), { mode: 0o000 });
      expect(loadStoredSettings(dir)).toMatchObject({ keep: 'unreadable' });
      expect(() => saveStoredSettings(dir, { nick: 'x' })).toThrow(SettingsKeptError);
      fs.chmodSync(file, 0o600);
      expect(fs.readFileSync(file, 'utf8')).toBe(JSON.stringify({ nick: 'mine' }));
    },
  );

  it.each([['{ broken'], ['[1,2]'], ['null'], ['"text"']])(
    'moves a damaged file (%s) aside and warns',
    (content) => {
      const dir = tmp();
      const file = path.join(dir, SETTINGS_FILE);
      fs.writeFileSync(file, content);
      const r = loadStoredSettings(dir);
      expect(r.settings).toEqual({});
      expect(r.keep).toBeUndefined();
      expect(fs.existsSync(file)).toBe(false);
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith(`${SETTINGS_FILE}.broken-`));
      expect(aside).toHaveLength(1);
      // The person is told where it went.
      expect(r.problems).toEqual([
        {
          code: 'settings-corrupt',
          params: { file, aside: path.join(dir, aside[0] ?? ''), error: expect.any(String) },
        },
      ]);
      expect(fs.readFileSync(path.join(dir, aside[0] ?? ''), 'utf8')).toBe(content);
      // And the next save starts a fresh file.
      saveStoredSettings(dir, { nick: 'new' });
      expect(loadStoredSettings(dir)).toEqual({ settings: { nick: 'new' }, problems: [] });
    },
  );

  it('keeps a damaged file it cannot move aside, and never overwrites it', () => {
    const dir = tmp();
    const file = path.join(dir, SETTINGS_FILE);
    fs.writeFileSync(file, '{ broken');
    vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
    });
    const r = loadStoredSettings(dir);
    expect(r).toMatchObject({
      settings: {},
      problems: [{ code: 'settings-unreadable', params: { error: /could not be moved aside/ } }],
      keep: 'unreadable',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('{ broken');
  });
});
