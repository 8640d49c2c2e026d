import type { SettingsFileCode } from '../outcome';
import type { Texts } from './fill';

/**
 * What the person is told when settings.json could not be used as it is. Each says what Pigeon
 * did instead (it always starts) and where the file is, so nothing is reset without a word.
 */
export const SETTINGS_FILE_TEXTS: Record<SettingsFileCode, Texts> = {
  'settings-corrupt': {
    en:
      'Your settings file {file} was damaged ({error}). Pigeon moved it to {aside} and started ' +
      'with default settings; choose them again in Settings.',
    'zh-CN':
      '设置文件 {file} 已损坏（{error}）。Pigeon 已将其移至 {aside}，并使用默认设置启动；请在“设置”中重新选择。',
  },
  'settings-unreadable': {
    en:
      'Pigeon cannot read its settings file {file} ({error}), so it started with default ' +
      'settings and leaves the file as it is. Check its owner and permissions, then restart Pigeon.',
    'zh-CN':
      'Pigeon 无法读取设置文件 {file}（{error}），因此使用默认设置启动，并且不会改动该文件。' +
      '请检查它的所有者和权限，然后重新启动 Pigeon。',
  },
  'settings-newer': {
    en:
      'The settings file {file} was written by a newer Pigeon (settings version {version}; this ' +
      'Pigeon reads up to {ours}). It is left untouched: Pigeon uses what it understands, defaults ' +
      'for the rest, and saves no changes to settings until you update Pigeon.',
    'zh-CN':
      '设置文件 {file} 由更新版本的 Pigeon 写入（设置版本 {version}；当前 Pigeon 最高支持 {ours}）。' +
      '文件保持不变：Pigeon 使用能读懂的部分，其余使用默认值，在升级 Pigeon 之前不会保存设置的更改。',
  },
  'settings-invalid-keys': {
    en:
      'Some settings in {file} are not valid, so their defaults are used: {keys}. The other ' +
      'settings were kept; saving in Settings replaces the invalid ones.',
    'zh-CN':
      '{file} 中有些设置无效，已改用默认值：{keys}。其他设置保持不变；在“设置”中保存会替换这些无效的设置。',
  },
  'settings-not-saved': {
    en: 'The settings were not saved: Pigeon leaves {file} as it is (see the message at the top).',
    'zh-CN': '设置没有保存：Pigeon 不会改动 {file}（见顶部的提示）。',
  },
};
