import os from 'node:os';
import path from 'node:path';
import type {
  DesktopPrefs,
  EngineSettings,
  Language,
  Outcome,
  OutcomeParams,
  SettingsProblemCode,
  StoredSettings,
  Theme,
} from '../../../shared/model';
import { outcomeText } from '../../../shared/model/texts';
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

/** A setting that is not valid: its code and values (texts/problems.ts has the words). */
export type SettingsProblem = Outcome<SettingsProblemCode>;

const NAME_MAX = 64;

/** Every problem with the settings, each one a person can act on, in the order of the fields. */
export function validateSettings(s: EngineSettings): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const add = (code: SettingsProblemCode, params: OutcomeParams = {}) =>
    problems.push({ code, params });
  if (!s.nick.trim()) add('nick-empty');
  if (s.nick.length > NAME_MAX) add('nick-too-long', { max: NAME_MAX });
  if (s.group.length > NAME_MAX) add('group-too-long', { max: NAME_MAX });
  if (s.awayMessage.includes('\0')) add('away-message-nul');
  if (s.nick.includes('\0') || s.group.includes('\0')) add('name-nul');
  if (!/^[\x21-\x7e]+$/.test(s.user) || s.user.includes(':'))
    add('user-invalid', { value: JSON.stringify(s.user) });
  if (!/^[\x21-\x7e]+$/.test(s.host) || s.host.includes(':'))
    add('host-invalid', { value: JSON.stringify(s.host) });
  if (!isIpv4(s.bind)) add('bind-invalid', { value: JSON.stringify(s.bind) });
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535)
    add('port-invalid', { value: String(s.port) });
  for (const b of s.broadcast) {
    if (!isIpv4(b)) add('broadcast-invalid', { value: JSON.stringify(b) });
  }
  for (const h of s.unicastHosts) {
    const r = expandHosts(h);
    if (r.ok) continue;
    if (r.problem === 'not-an-address') add('hosts-invalid', { value: JSON.stringify(h) });
    else if (r.problem === 'prefix-too-long')
      add('hosts-prefix-invalid', { value: h, bits: h.slice(h.indexOf('/') + 1) });
    else add('hosts-too-large', { value: h });
  }
  return problems;
}

/** The problems in English, one line (logs, the CLI, a ContractError's message). */
export function problemsText(problems: readonly SettingsProblem[]): string {
  return problems.map((p) => outcomeText(p, 'en')).join('; ');
}
