import { fill, type TextLanguage, type Texts } from './fill';

/**
 * The desktop shell's own words (tray menu and tooltip, its status line, the dialog when the
 * engine could not start): not outcomes, but shown by the same edge in the same two languages,
 * so they live beside the outcome texts rather than as English literals in electron/main.
 */
export const SHELL_TEXTS = {
  'tray.open': { en: 'Open Pigeon', 'zh-CN': '打开 Pigeon' },
  'tray.open-unread': { en: 'Open Pigeon ({count})', 'zh-CN': '打开 Pigeon（{count}）' },
  'tray.away': { en: 'Away (reply automatically)', 'zh-CN': '离开（自动回复）' },
  'tray.do-not-disturb': { en: 'Do not disturb', 'zh-CN': '勿扰' },
  'tray.quit': { en: 'Quit Pigeon', 'zh-CN': '退出 Pigeon' },
  'tray.tooltip': { en: 'Pigeon', 'zh-CN': 'Pigeon' },
  'tray.tooltip-unread-one': {
    en: 'Pigeon — 1 unread message',
    'zh-CN': 'Pigeon — 1 条未读消息',
  },
  'tray.tooltip-unread': {
    en: 'Pigeon — {count} unread messages',
    'zh-CN': 'Pigeon — {count} 条未读消息',
  },
  'status.starting': { en: 'Starting…', 'zh-CN': '正在启动…' },
  'status.offline': { en: 'Offline', 'zh-CN': '离线' },
  'status.offline-because': { en: 'Offline: {reason}', 'zh-CN': '离线：{reason}' },
  'status.online-one': { en: 'Online as {nick} · 1 peer', 'zh-CN': '在线：{nick} · 1 人在线' },
  'status.online': {
    en: 'Online as {nick} · {count} peers',
    'zh-CN': '在线：{nick} · {count} 人在线',
  },
  'notify.to-everyone': { en: '{who} (to everyone)', 'zh-CN': '{who}（群发）' },
  'notify.undecodable': {
    en: 'A message in an unreadable encoding ({encoding})',
    'zh-CN': '一条无法识别编码的消息（{encoding}）',
  },
  'notify.sealed': {
    en: 'A sealed message: open it in Pigeon to read it',
    'zh-CN': '一条密封消息：请在 Pigeon 中打开阅读',
  },
  'notify.offers-file': { en: 'offers a file', 'zh-CN': '发来一个文件' },
  'notify.offers-files': { en: 'offers {count} files', 'zh-CN': '发来 {count} 个文件' },
  'notify.files-and-text': { en: '{files}: {text}', 'zh-CN': '{files}：{text}' },
  'start-failed.title': { en: 'Pigeon is offline', 'zh-CN': 'Pigeon 已离线' },
  'start-failed.message': { en: 'Pigeon could not go online', 'zh-CN': 'Pigeon 无法上线' },
} satisfies Record<string, Texts>;

export type ShellTextKey = keyof typeof SHELL_TEXTS;

/** One of the shell's texts in one language, its {name} placeholders filled. */
export function shellText(
  key: ShellTextKey,
  language: TextLanguage,
  params: Readonly<Record<string, string | number>> = {},
): string {
  return fill(SHELL_TEXTS[key][language], params);
}
