import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../../shared/contract';
import { en } from './en';
import { zhCN } from './zh-CN';

export type UiLanguage = 'zh-CN' | 'en';

/** 'system' follows the OS (navigator.languages): any Chinese variant gets zh-CN, else English. */
export function resolveLanguage(setting: Language | undefined): UiLanguage {
  if (setting === 'zh-CN' || setting === 'en') return setting;
  const preferred = navigator.languages.length ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function initI18n(): typeof i18next {
  const lng = resolveLanguage('system');
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng,
    fallbackLng: 'en',
    // React escapes what it renders; peer text never goes through i18next anyway.
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  document.documentElement.lang = lng;
  return i18next;
}

export function applyLanguage(setting: Language | undefined): void {
  const lng = resolveLanguage(setting);
  if (i18next.language !== lng) void i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
}
