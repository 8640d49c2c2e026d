import type { FailureCode } from '../message';
import type { Texts } from './fill';

/** Why a message was not delivered, as the person reads it under the message. */
export const DELIVERY_TEXTS: Record<FailureCode, Texts> = {
  'no-ack': {
    en:
      'no acknowledgement from {peer} after {attempts} attempts in {seconds} s: they may be ' +
      'offline, or a firewall drops UDP {port}',
    'zh-CN': '{peer} 在 {seconds} 秒内尝试 {attempts} 次均无确认：对方可能已离线，或防火墙拦截了 UDP {port}',
  },
  encoding: {
    en: "{peer}'s encoding ({encoding}) cannot carry {character} ({codepoint})",
    'zh-CN': '{peer} 使用的编码（{encoding}）无法表示 {character}（{codepoint}）',
  },
  'send-error': {
    en: 'the network refused to send it to {peer} ({error})',
    'zh-CN': '网络拒绝发送给 {peer}（{error}）',
  },
  stopped: {
    en: 'Pigeon stopped before it was acknowledged',
    'zh-CN': 'Pigeon 在收到确认之前已停止',
  },
  'engine-not-running': {
    en: 'Pigeon is not running',
    'zh-CN': 'Pigeon 没有在运行',
  },
  'text-has-nul': {
    en: 'the text contains a NUL character, which IP Messenger cannot carry',
    'zh-CN': '文本中含有 NUL 字符，IP Messenger 协议无法传送',
  },
  'bad-recipient': {
    en: '{to} is not a peer or an IPv4 address',
    'zh-CN': '{to} 既不是已知的联系人，也不是 IPv4 地址',
  },
};
