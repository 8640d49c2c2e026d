import type { EngineErrorCode, SettingsFileCode, StartErrorCode } from '../outcome';
import type { Texts } from './fill';

/** What the running engine reports on its own (engine:error); settings.json's in settings.ts. */
export const ENGINE_ERROR_TEXTS: Record<Exclude<EngineErrorCode, SettingsFileCode>, Texts> = {
  internal: {
    en: 'Pigeon could not handle a packet and skipped it ({error})',
    'zh-CN': 'Pigeon 无法处理一个数据包，已跳过（{error}）',
  },
  'broadcast-encoding': {
    en: 'The broadcast was not sent to {peer}: its encoding ({encoding}) cannot carry {character} ({codepoint})',
    'zh-CN': '广播没有发送给 {peer}：它使用的编码（{encoding}）无法表示 {character}（{codepoint}）',
  },
  'packet-counter': {
    en:
      'Pigeon could not keep its packet counter in {file} ({error}): after a restart, iptux ' +
      'may ignore messages from Pigeon until it hears Pigeon announce itself again',
    'zh-CN':
      'Pigeon 无法在 {file} 中保存数据包计数器（{error}）：重新启动后，iptux 可能会忽略 ' +
      'Pigeon 的消息，直到再次收到 Pigeon 的上线通知',
  },
  'install-id': {
    en:
      'Pigeon could not keep its install id in {file} ({error}): other Pigeons will see this ' +
      'run as a new install, and cannot tell that it is the same one if its address changes',
    'zh-CN':
      'Pigeon 无法在 {file} 中保存安装标识（{error}）：其他 Pigeon 会把本次运行视为新的安装，' +
      '地址变化时也无法认出是同一个安装',
  },
  'transfers-record': {
    en:
      'Pigeon could not keep its record of file transfers in {file} ({error}); a broken ' +
      'record was moved to {aside}. Offers and partial downloads may not survive a restart.',
    'zh-CN':
      'Pigeon 无法在 {file} 中保存文件传输记录（{error}）；损坏的记录已移至 {aside}。' +
      '重新启动后，文件邀请和未完成的下载可能会丢失。',
  },
  'history-unavailable': {
    en:
      'Pigeon could not open its history in {file} ({error}); messages are kept in memory ' +
      'only and will be gone when Pigeon quits.',
    'zh-CN': 'Pigeon 无法打开 {file} 中的聊天记录（{error}）；消息只保存在内存中，退出后将丢失。',
  },
  'history-write': {
    en:
      'Pigeon could not save a message from {peer} to its history ({error}); it was not ' +
      'acknowledged, so the sender will send it again.',
    'zh-CN':
      'Pigeon 无法把来自 {peer} 的消息保存到聊天记录（{error}）；未确认收到，对方会重新发送。',
  },
  'history-full': {
    en:
      'The history is full ({budget} MB) and everything in it is pinned: new messages are not ' +
      'acknowledged until you unpin or delete some.',
    'zh-CN':
      '聊天记录已满（{budget} MB）且全部已固定：在取消固定或删除部分消息之前，新消息不会被确认接收。',
  },
};

/**
 * Why Pigeon could not start, with the fix. 'port-in-use' is the doctor's verdict of the same
 * name (verdicts.ts): one sentence for one situation.
 */
export const START_ERROR_TEXTS: Record<Exclude<StartErrorCode, 'port-in-use'>, Texts> = {
  'port-in-use-by': {
    en:
      'Port {port} is used by {program} (process {pid}): quit it, or people on the LAN will ' +
      'not see you.',
    'zh-CN': '端口 {port} 已被 {program}（进程 {pid}）占用：请先退出它，否则局域网里的人看不到你。',
  },
  'address-unavailable': {
    en:
      'Cannot bind {proto} {bind}:{port}: {bind} is not an address of this computer. Use ' +
      '0.0.0.0 or one of your interface addresses.',
    'zh-CN':
      '无法绑定 {proto} {bind}:{port}：{bind} 不是本机的地址。请使用 0.0.0.0 或本机某个网卡的地址。',
  },
  'bind-not-allowed': {
    en: 'Not allowed to bind {proto} {bind}:{port} (a port below 1024 needs privileges).',
    'zh-CN': '没有权限绑定 {proto} {bind}:{port}（1024 以下的端口需要特权）。',
  },
  'bind-failed': {
    en: 'Cannot bind {proto} {bind}:{port}: {error}',
    'zh-CN': '无法绑定 {proto} {bind}:{port}：{error}',
  },
  // {problem}: the first problem's own text (texts/problems.ts); `count` says how many there are.
  'invalid-settings': {
    en: 'The settings are not valid: {problem}',
    'zh-CN': '设置无效：{problem}',
  },
};
