import type { EngineSettings } from '../../shared/model';
import { describeDataDirCheck, secureDataDir } from '../engine/io/data-dir';
import { defaultSettings } from '../engine/settings/settings';
import { loadStoredSettings } from '../engine/settings/settings-store';

/**
 * The app's settings live in the data directory's settings.json, the directory and the file the
 * CLI uses (io/default-data-dir.ts). Defaults (nick from the login name,
 * port 2425, bind 0.0.0.0, GB18030 for legacy peers, echo answered) come from the engine's own
 * defaultSettings, so the app and the CLI cannot disagree about them. Changes are written by the
 * settings:update handler (electron/engine/settings/handlers.ts). Like the CLI, it first makes
 * the directory owner-only if group or others can read it; `notice` says so.
 */
export function loadAppSettings(dataDir: string): {
  settings: EngineSettings;
  warning?: string;
  notice?: string;
} {
  const notice = describeDataDirCheck(dataDir, secureDataDir(dataDir));
  const { settings: stored, warning } = loadStoredSettings(dataDir);
  const settings = defaultSettings({ ...stored, dataDir: dataDir });
  return {
    settings,
    ...(warning === undefined ? {} : { warning }),
    ...(notice === undefined ? {} : { notice }),
  };
}
