import type { EngineSettings, Outcome, SettingsFileCode } from '../../shared/model';
import { outcomeText } from '../../shared/model/texts';
import { describeDataDirCheck, secureDataDir } from '../engine/io/data-dir';
import { defaultSettings, preferencesFrom } from '../engine/settings/settings';
import type { Preferences } from '../engine/settings/settings';
import { loadStoredSettings } from '../engine/settings/settings-store';

/**
 * The app's settings live in the data directory's settings.json, the directory and the file the
 * CLI uses (io/default-data-dir.ts). Defaults (nick from the login name,
 * port 2425, bind 0.0.0.0, GB18030 for legacy peers, echo answered) come from the engine's own
 * defaultSettings, so the app and the CLI cannot disagree about them. Changes are written by the
 * settings:update handler (electron/engine/settings/handlers.ts). Like the CLI, it first makes
 * the directory owner-only if group or others can read it; `notice` says so. A settings file
 * that could not be used as it is never stops the start: `problems` says what Pigeon did instead
 * (the UI shows them; `warning` is the same for the log).
 */
export function loadAppSettings(
  dataDir: string,
  platform: NodeJS.Platform = process.platform,
): {
  settings: EngineSettings;
  /** The desktop shell's own choices (notifications, tray, login item), defaults filled in. */
  preferences: Preferences;
  problems: Outcome<SettingsFileCode>[];
  warning?: string;
  notice?: string;
} {
  const notice = describeDataDirCheck(dataDir, secureDataDir(dataDir));
  const { settings: stored, problems } = loadStoredSettings(dataDir);
  const settings = defaultSettings({ ...stored, dataDir: dataDir });
  const preferences = preferencesFrom(stored, platform);
  const warning = problems.map((p) => outcomeText(p, 'en')).join('\n');
  return {
    settings,
    preferences,
    problems,
    ...(warning ? { warning } : {}),
    ...(notice === undefined ? {} : { notice }),
  };
}
