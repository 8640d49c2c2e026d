import type { Outcome, SettingsFileCode } from '../../../shared/model';
import { SETTINGS_FILE_TEXTS } from '../../../shared/model/texts/settings';

/** An engine:error about settings.json: told in the settings banner, not as a network problem. */
export function isSettingsFileProblem(outcome: Outcome): outcome is Outcome<SettingsFileCode> {
  return Object.hasOwn(SETTINGS_FILE_TEXTS, outcome.code);
}
