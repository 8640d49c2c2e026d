import type { Language } from '../../shared/model';
import type { TextLanguage } from '../../shared/model/texts';

/**
 * The language of the shell's own words (tray, dialogs), by the same rule as the window's
 * (renderer/src/i18n): the setting, or for 'system' the first of the OS's preferred languages
 * that Pigeon has (any Chinese variant is zh-CN), else English.
 */
export function shellLanguage(setting: Language, preferred: readonly string[]): TextLanguage {
  if (setting === 'en' || setting === 'zh-CN') return setting;
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}
