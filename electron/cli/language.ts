import type { TextLanguage } from '../../shared/model/texts';

/** The language of texts for people: --lang, else LANG/LC_ALL (zh* is Chinese), else English. */
export function cliLanguage(flag?: string): TextLanguage {
  if (flag === 'zh-CN' || flag === 'en') return flag;
  const env = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '';
  return /^zh/i.test(env) ? 'zh-CN' : 'en';
}
