import type { Language, Outcome, SettingsFileCode, Settings, Theme } from '../model';

export type { Language, Theme };

export const LANGUAGES = ['zh-CN', 'en', 'system'] as const satisfies readonly Language[];
export const THEMES = ['light', 'dark', 'system'] as const satisfies readonly Theme[];

/**
 * The settings a person sees: the engine's network identity plus the UI's own preferences.
 * `user` and `host` are read-only (they come from the OS and go into every packet header).
 */
export type AppSettings = Pick<
  Settings,
  | 'nick'
  | 'group'
  | 'user'
  | 'host'
  | 'bind'
  | 'port'
  | 'broadcast'
  | 'unicastHosts'
  | 'language'
  | 'theme'
  | 'notifications'
  | 'startAtLogin'
  | 'minimizeToTray'
  | 'doNotDisturb'
> & {
  away: boolean;
  /** The automatic reply while away (the default text when the person set none). */
  awayMessage: string;
};

/** What `settings:update` may change. Network fields (port, bind, targets) apply on restart. */
export type SettingsPatch = Partial<
  Pick<
    AppSettings,
    | 'nick'
    | 'group'
    | 'port'
    | 'bind'
    | 'broadcast'
    | 'unicastHosts'
    | 'language'
    | 'theme'
    | 'notifications'
    | 'startAtLogin'
    | 'minimizeToTray'
    | 'away'
    | 'awayMessage'
    | 'doNotDisturb'
  >
>;

export const SETTINGS_PATCH_KEYS = [
  'nick',
  'group',
  'port',
  'bind',
  'broadcast',
  'unicastHosts',
  'language',
  'theme',
  'notifications',
  'startAtLogin',
  'minimizeToTray',
  'away',
  'awayMessage',
  'doNotDisturb',
] as const satisfies readonly (keyof SettingsPatch)[];

/** Fields whose change only takes effect when the engine restarts its sockets. */
export const RESTART_KEYS = [
  'port',
  'bind',
  'broadcast',
  'unicastHosts',
] as const satisfies readonly (keyof SettingsPatch)[];

export interface SettingsUpdateResult {
  settings: AppSettings;
  /** A network field changed: the engine must restart its sockets for it to apply. */
  restartRequired: boolean;
}

export interface AppInfo {
  /** Pigeon's version, e.g. "0.1.0". */
  version: string;
  settings: AppSettings;
  /** No settings were ever saved: the UI asks for nick and group first. */
  firstRun: boolean;
  /** Prefill for the first-run form: the OS login name and the host name. */
  suggested: { nick: string; group: string };
  /** Where the UI runs: inside the Electron app, or in a browser served by the CLI host. */
  shell: 'electron' | 'browser';
  /**
   * What was wrong with settings.json (damaged and moved aside, unreadable, from a newer Pigeon,
   * invalid values): Pigeon started anyway, and the UI tells the person until they dismiss it.
   */
  settingsProblems: Outcome<SettingsFileCode>[];
}
