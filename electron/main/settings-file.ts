import type { EngineSettings } from '../../shared/model';
import { describeDataDirCheck, secureDataDir } from '../engine/io/data-dir';
import { defaultSettings } from '../engine/settings/settings';
import { loadStoredSettings } from '../engine/settings/settings-store';

/**
 * The app's settings live in userData/settings.json, the same file format the CLI uses in its
 * data directory, so a profile can move between the two. Defaults (nick from the login name,
 * port 2425, bind 0.0.0.0, GB18030 for legacy peers, echo answered) come from the engine's own
 * defaultSettings, so the app and the CLI cannot disagree about them. Changes are written by the
 * settings:update handler (electron/engine/settings/handlers.ts). Like the CLI, it first makes
 * the directory owner-only if group or others can read it; `notice` says so.
 */
export function loadAppSettings(userDataDir: string): {
  settings: EngineSettings;
  warning?: string;
  notice?: string;
} {
  const notice = describeDataDirCheck(userDataDir, secureDataDir(userDataDir));
  const { settings: stored, warning } = loadStoredSettings(userDataDir);
  const settings = defaultSettings({ ...stored, dataDir: userDataDir });
  return {
    settings,
    ...(warning === undefined ? {} : { warning }),
    ...(notice === undefined ? {} : { notice }),
  };
}
