import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyStartAtLogin, autostartEntry, autostartFile, execArgument } from './login-item';

const dirs: string[] = [];
function tempHome(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-home-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function deps(platform: NodeJS.Platform, home: string, env: NodeJS.ProcessEnv = {}) {
  const setLoginItemSettings = vi.fn();
  return {
    setLoginItemSettings,
    deps: {
      platform,
      app: { setLoginItemSettings },
      home,
      env,
      command: ['/opt/Pigeon/pigeon'],
    },
  };
}

describe('start at login', () => {
  it.each(['darwin', 'win32'] as const)('uses the login items on %s', (platform) => {
    const home = tempHome();
    const d = deps(platform, home);
    expect(applyStartAtLogin(true, d.deps)).toEqual({ ok: true, how: 'login-item' });
    expect(applyStartAtLogin(false, d.deps)).toEqual({ ok: true, how: 'login-item' });
    expect(d.setLoginItemSettings.mock.calls).toEqual([
      [{ openAtLogin: true }],
      [{ openAtLogin: false }],
    ]);
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it('writes an owner-only XDG autostart entry on Linux, and removes it when off', () => {
    const home = tempHome();
    const d = deps('linux', home);
    const file = path.join(home, '.config', 'autostart', 'pigeon.desktop');
    expect(applyStartAtLogin(true, d.deps)).toEqual({ ok: true, how: 'autostart-written' });
    expect(d.setLoginItemSettings).not.toHaveBeenCalled();
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^\[Desktop Entry\]\nType=Application\nName=Pigeon\n/);
    expect(text).toContain('\nExec=/opt/Pigeon/pigeon\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    // Again: still one entry, no temp file left.
    expect(applyStartAtLogin(true, d.deps)).toMatchObject({ ok: true });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['pigeon.desktop']);

    expect(applyStartAtLogin(false, d.deps)).toEqual({ ok: true, how: 'autostart-removed' });
    expect(fs.existsSync(file)).toBe(false);
    expect(applyStartAtLogin(false, d.deps)).toEqual({ ok: true, how: 'nothing-to-do' });
  });

  it('leaves the other autostart entries and a looser existing folder alone', () => {
    const home = tempHome();
    const folder = path.join(home, '.config', 'autostart');
    fs.mkdirSync(folder, { recursive: true, mode: 0o755 });
    fs.chmodSync(folder, 0o755);
    fs.writeFileSync(path.join(folder, 'other.desktop'), 'x');
    const d = deps('linux', home);
    applyStartAtLogin(true, d.deps);
    applyStartAtLogin(false, d.deps);
    expect(fs.readdirSync(folder)).toEqual(['other.desktop']);
    expect(fs.statSync(folder).mode & 0o777).toBe(0o755);
  });

  it('honours an absolute XDG_CONFIG_HOME and ignores a relative one', () => {
    expect(autostartFile('/home/u', { XDG_CONFIG_HOME: '/cfg' })).toBe(
      '/cfg/autostart/pigeon.desktop',
    );
    expect(autostartFile('/home/u', { XDG_CONFIG_HOME: 'cfg' })).toBe(
      '/home/u/.config/autostart/pigeon.desktop',
    );
  });

  it('says why it could not write the entry, without throwing', () => {
    const home = tempHome();
    fs.writeFileSync(path.join(home, '.config'), 'a file where the folder should be');
    expect(applyStartAtLogin(true, deps('linux', home).deps)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/EEXIST|ENOTDIR/),
    });
  });
});

describe('the Exec line', () => {
  it('quotes and escapes what the desktop entry spec reserves', () => {
    expect(execArgument('/opt/Pigeon/pigeon')).toBe('/opt/Pigeon/pigeon');
    expect(execArgument('/home/u/My Apps/Pigeon.AppImage')).toBe(
      '"/home/u/My Apps/Pigeon.AppImage"',
    );
    expect(execArgument('/a/100%/b')).toBe('/a/100%%/b');
    // " becomes \" inside quotes, then the file format doubles the backslash.
    expect(execArgument('/a/"x"$y')).toBe('"/a/\\\\"x\\\\"\\\\$y"');
    expect(() => execArgument('/a\nExec=evil')).toThrow(/control character/);
    expect(autostartEntry(['/usr/bin/electron', '/src/pigeon'])).toContain(
      'Exec=/usr/bin/electron /src/pigeon\n',
    );
  });
});
