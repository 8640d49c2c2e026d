import os from 'node:os';
import path from 'node:path';
import type {
  DesktopPrefs,
  EngineSettings,
  Language,
  StoredSettings,
  Theme,
} from '../../../shared/model';
import { IPMSG_DEFAULT_PORT, expandHosts, isIpv4 } from '../../../shared/protocol';

/** Header names must be ASCII, ':'-free and never empty (IPMsg's tokenizer skips empty fields). */
export function headerSafeName(name: string, fallback: string): string {
  const cleaned = name
    .replace(/[^\x21-\x7e]/g, '')
    .replace(/:/g, ';')
    .slice(0, 64);
  return cleaned || fallback;
}

export function defaultSettings(overrides: Partial<EngineSettings> = {}): EngineSettings {
  let login = 'pigeon';
  try {
    login = os.userInfo().username;
  } catch {
    /* containers without a passwd entry */
  }
  const host = os.hostname();
  return {
    nick: overrides.nick ?? login,
    group: overrides.group ?? '',
    user: headerSafeName(overrides.user ?? login, 'pigeon'),
    host: headerSafeName(overrides.host ?? host, 'pigeon-host'),
    bind: overrides.bind ?? '0.0.0.0',
    port: overrides.port ?? IPMSG_DEFAULT_PORT,
    broadcast: overrides.broadcast ?? [],
    unicastHosts: overrides.unicastHosts ?? [],
    legacyEncoding: overrides.legacyEncoding ?? 'gb18030',
    dataDir: overrides.dataDir ?? path.join(os.homedir(), '.pigeon'),
    downloadDir: overrides.downloadDir ?? path.join(os.homedir(), 'Downloads'),
    answerEcho: overrides.answerEcho ?? true,
    away: overrides.away ?? false,
    awayMessage: overrides.awayMessage ?? '',
  };
}

/** What a person who never opened Settings sees: the UI's and the desktop shell's choices. */
export interface Preferences extends DesktopPrefs {
  language: Language;
  theme: Theme;
}

/**
 * Closing the window hides it to the tray on Windows and Linux, where a messenger (IPMsg, FeiQ)
 * is expected to keep listening in the notification area, and where starting Pigeon again shows
 * the hidden window even on a desktop with no tray (single-instance.ts). On macOS the window
 * already hides with the app kept in the Dock, so "to the tray" means leaving the Dock too: an
 * opt-in, since Mac apps live in the Dock.
 */
export function defaultPreferences(platform: NodeJS.Platform = process.platform): Preferences {
  return {
    language: 'system',
    theme: 'system',
    notifications: true,
    startAtLogin: false,
    minimizeToTray: platform !== 'darwin',
    doNotDisturb: false,
  };
}

/** The preferences saved in settings.json, each missing one at its default. */
export function preferencesFrom(
  stored: StoredSettings,
  platform: NodeJS.Platform = process.platform,
): Preferences {
  const d = defaultPreferences(platform);
  return {
    language: stored.language ?? d.language,
    theme: stored.theme ?? d.theme,
    notifications: stored.notifications ?? d.notifications,
    startAtLogin: stored.startAtLogin ?? d.startAtLogin,
    minimizeToTray: stored.minimizeToTray ?? d.minimizeToTray,
    doNotDisturb: stored.doNotDisturb ?? d.doNotDisturb,
  };
}

/** Every problem with the settings, each a sentence a person can act on. */
export function validateSettings(s: EngineSettings): string[] {
  const problems: string[] = [];
  if (!s.nick.trim()) problems.push('nick is empty: choose a name others will see');
  if (s.nick.length > 64) problems.push('nick is longer than 64 characters');
  if (s.group.length > 64) problems.push('group is longer than 64 characters');
  if (s.awayMessage.includes('\0')) problems.push('the away message cannot contain NUL');
  if (s.nick.includes('\0') || s.group.includes('\0'))
    problems.push('nick and group cannot contain NUL');
  if (!/^[\x21-\x7e]+$/.test(s.user) || s.user.includes(':')) {
    problems.push(`user ${JSON.stringify(s.user)} must be non-empty printable ASCII without ':'`);
  }
  if (!/^[\x21-\x7e]+$/.test(s.host) || s.host.includes(':')) {
    problems.push(`host ${JSON.stringify(s.host)} must be non-empty printable ASCII without ':'`);
  }
  if (!isIpv4(s.bind))
    problems.push(`bind address ${JSON.stringify(s.bind)} is not an IPv4 address`);
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) {
    problems.push(`port ${s.port} is not between 1 and 65535`);
  }
  for (const b of s.broadcast) {
    if (!isIpv4(b)) problems.push(`broadcast target ${JSON.stringify(b)} is not an IPv4 address`);
  }
  for (const h of s.unicastHosts) {
    const r = expandHosts(h);
    if (!r.ok) problems.push(r.reason);
  }
  return problems;
}
