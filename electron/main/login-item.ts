import fs from 'node:fs';
import path from 'node:path';
import type { App } from 'electron';
import { writeDataFile } from '../engine/io/data-dir';

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  /** Electron's login items: macOS and Windows only (Electron does nothing with it on Linux). */
  app: Pick<App, 'setLoginItemSettings'>;
  /** The home directory and the environment, for XDG_CONFIG_HOME (Linux). */
  home: string;
  env: NodeJS.ProcessEnv;
  /** The command that starts Pigeon: the AppImage, the installed binary, or electron + app path. */
  command: readonly string[];
}

export type LoginItemOutcome =
  | { ok: true; how: 'login-item' | 'autostart-written' | 'autostart-removed' | 'nothing-to-do' }
  | { ok: false; error: string };

/** The XDG autostart entry Pigeon owns (freedesktop.org Desktop Application Autostart). */
export function autostartFile(home: string, env: NodeJS.ProcessEnv): string {
  const configured = env.XDG_CONFIG_HOME;
  // The spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const config =
    configured && path.isAbsolute(configured) ? configured : path.join(home, '.config');
  return path.join(config, 'autostart', 'pigeon.desktop');
}

/**
 * Starts Pigeon when the person logs in, or stops doing so. macOS and Windows have login items;
 * on Linux the desktop starts what ~/.config/autostart lists, so Pigeon writes (owner-only) or
 * removes its own entry there. Never throws: the setting stays saved, and the outcome says why
 * it could not be applied.
 */
export function applyStartAtLogin(enabled: boolean, deps: LoginItemDeps): LoginItemOutcome {
  try {
    if (deps.platform === 'darwin' || deps.platform === 'win32') {
      deps.app.setLoginItemSettings({ openAtLogin: enabled });
      return { ok: true, how: 'login-item' };
    }
    const file = autostartFile(deps.home, deps.env);
    if (!enabled) {
      if (!fs.existsSync(file)) return { ok: true, how: 'nothing-to-do' };
      fs.rmSync(file, { force: true });
      return { ok: true, how: 'autostart-removed' };
    }
    // A new autostart folder is ours to make private; an existing one is the desktop's.
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeDataFile(file, autostartEntry(deps.command));
    return { ok: true, how: 'autostart-written' };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Pigeon',
    'Comment=LAN messenger (IP Messenger, iptux, FeiQ)',
    `Exec=${command.map(execArgument).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * One argument of an Exec line: quoted when it holds anything but plain characters, with the
 * characters the spec reserves inside quotes escaped, '%' doubled (field codes), and the string
 * escapes of the file format applied last (a backslash is written twice, twice).
 */
export function execArgument(arg: string): string {
  // Line breaks would end the key; no path Pigeon runs from has one, but never write a broken file.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(arg)) throw new Error('the command holds a control character');
  const percent = arg.replace(/%/g, '%%');
  const quoted = /^[A-Za-z0-9_\-./:+,=@%]+$/.test(percent)
    ? percent
    : `"${percent.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\');
}

/** How Pigeon was started, for the autostart entry: packaged (AppImage or installed) or not. */
export function startCommand(
  app: Pick<App, 'isPackaged' | 'getAppPath'>,
  execPath: string,
  env: NodeJS.ProcessEnv,
): string[] {
  // An AppImage runs from a temporary mount: the entry must start the AppImage file itself.
  if (app.isPackaged) return [env.APPIMAGE ?? execPath];
  return [execPath, app.getAppPath()];
}
