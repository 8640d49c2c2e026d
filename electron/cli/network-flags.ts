import path from 'node:path';
import type { EngineSettings, Outcome, SettingsFileCode } from '../../shared/model';
import { outcomeText } from '../../shared/model/texts';
import { describeDataDirCheck, secureDataDir } from '../engine/io/data-dir';
import { defaultDataDir } from '../engine/io/default-data-dir';
import { defaultSettings } from '../engine/settings/settings';
import { loadStoredSettings } from '../engine/settings/settings-store';
import type { FlagSpecs, ParsedFlags } from './args';
import { cliLanguage } from './language';

/** Flags every command takes: who we are and where we listen and announce. */
export const networkFlags = {
  nick: { type: 'string', arg: 'NAME', describe: 'the name others see' },
  group: { type: 'string', arg: 'NAME', describe: 'your group (department, team)' },
  bind: {
    type: 'string',
    arg: 'ADDR',
    describe: 'address to bind UDP and TCP to (default 0.0.0.0)',
  },
  port: { type: 'number', arg: 'N', describe: 'UDP/TCP port (default 2425)' },
  broadcast: {
    type: 'list',
    arg: 'ADDR',
    describe:
      'broadcast target, repeatable; replaces the defaults (255.255.255.255 and each interface broadcast)',
  },
  unicast: {
    type: 'list',
    arg: 'HOST|CIDR',
    describe: 'extra host or subnet (up to /22) told by unicast, repeatable',
  },
  data: {
    type: 'string',
    arg: 'DIR',
    describe: 'data directory, shared with the app (default ~/.pigeon)',
  },
  'download-dir': {
    type: 'string',
    arg: 'DIR',
    describe: 'where accepted files go (default ~/Downloads)',
  },
  alone: {
    type: 'boolean',
    describe:
      'start an engine of our own even when Pigeon (the app or pigeon serve) runs on the data directory',
  },
  help: { type: 'boolean', describe: 'show help for this command' },
} as const satisfies FlagSpecs;

export type NetworkFlags = ParsedFlags<typeof networkFlags>;

/**
 * Settings from the data directory's settings.json, overridden by flags. On the way, a data
 * directory that group or others can read is made owner-only; `notice` says so.
 */
export function settingsFromFlags(flags: NetworkFlags): {
  settings: EngineSettings;
  nickConfigured: boolean;
  /** What was wrong with settings.json, for a UI to tell (the browser page shows them). */
  settingsProblems: Outcome<SettingsFileCode>[];
  /** The same, as lines in the person's language for the terminal. */
  warning?: string;
  notice?: string;
} {
  const dataDir = path.resolve(flags.data ?? defaultDataDir());
  const notice = describeDataDirCheck(dataDir, secureDataDir(dataDir));
  const stored = loadStoredSettings(dataDir);
  const base = { ...stored.settings };
  delete base.language;
  delete base.theme;
  delete base.notifications;
  delete base.startAtLogin;
  delete base.minimizeToTray;
  const settings = defaultSettings({
    ...base,
    dataDir,
    ...(flags.nick !== undefined ? { nick: flags.nick } : {}),
    ...(flags.group !== undefined ? { group: flags.group } : {}),
    ...(flags.bind !== undefined ? { bind: flags.bind } : {}),
    ...(flags.port !== undefined ? { port: flags.port } : {}),
    ...(flags.broadcast !== undefined ? { broadcast: flags.broadcast } : {}),
    ...(flags.unicast !== undefined ? { unicastHosts: flags.unicast } : {}),
    ...(flags['download-dir'] !== undefined
      ? { downloadDir: path.resolve(flags['download-dir']) }
      : {}),
  });
  const lang = cliLanguage();
  const warning = stored.problems.map((p) => outcomeText(p, lang)).join('\n');
  return {
    settings,
    nickConfigured: flags.nick !== undefined || stored.settings.nick !== undefined,
    settingsProblems: stored.problems,
    ...(warning ? { warning } : {}),
    ...(notice ? { notice } : {}),
  };
}
