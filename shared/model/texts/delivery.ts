import type { FailureCode, OutboxCode, UnconfirmedCode } from '../message';
import type { Texts } from './fill';

/** Why a message was not delivered, as the person reads it under the message. */
export const DELIVERY_TEXTS: Record<FailureCode, Texts> = {
  'no-ack': {
    en:
      'no acknowledgement from {peer} after {attempts} attempts in {seconds} s: they may be ' +
      'offline, or a firewall drops UDP {port}',
    'zh-CN':
      '{peer} 在 {seconds} 秒内尝试 {attempts} 次均无确认：对方可能已离线，或防火墙拦截了 UDP {port}',
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
  'not-started': {
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
  expired: {
    en: '{peer} did not come back online within {days} days: it was never sent',
    'zh-CN': '{peer} 在 {days} 天内没有重新上线：消息未发出',
  },
  cancelled: {
    en: 'taken out of the outbox before it went to {peer}',
    'zh-CN': '在发给 {peer} 之前已从发件箱取消',
  },
};

/**
 * Why a message waits in the outbox: it goes when the peer announces itself again at the
 * same address, or fails after {days} days.
 */
export const OUTBOX_TEXTS: Record<OutboxCode, Texts> = {
  'outbox-offline': {
    en:
      '{peer} is offline (earlier messages went unanswered): kept in the outbox and sent ' +
      'after them when {peer} comes back online at this address (for up to {days} days)',
    'zh-CN':
      '{peer} 不在线（之前的消息没有得到确认）：已放入发件箱，对方在此地址重新上线后按顺序发送（最多保留 {days} 天）',
  },
  'outbox-no-ack': {
    en:
      'no acknowledgement from {peer}: kept in the outbox and sent again when they come back ' +
      'online at this address (for up to {days} days); they will see it once',
    'zh-CN':
      '{peer} 没有确认：已放入发件箱，对方在此地址重新上线时再次发送（最多保留 {days} 天），对方只会看到一次',
  },
  'outbox-no-ack-legacy': {
    en:
      'no acknowledgement from {peer}: kept in the outbox and sent again when they come back ' +
      'online at this address (for up to {days} days); {peer} is not known to run Pigeon, so ' +
      'if an earlier try did arrive they will see it twice',
    'zh-CN':
      '{peer} 没有确认：已放入发件箱，对方在此地址重新上线时再次发送（最多保留 {days} 天）；' +
      '无法确认 {peer} 使用的是 Pigeon，如果之前的尝试其实已送达，对方会看到两次',
  },
  'outbox-redirected': {
    en:
      "moved here from another conversation's outbox at your word: sent in order, and kept " +
      'in the outbox while {peer} does not answer (for up to {days} days)',
    'zh-CN':
      '按你的确认从另一个会话的发件箱转到这里：按顺序发送，{peer} 没有确认时保留在发件箱（最多 {days} 天）',
  },
};

/**
 * Why an acknowledged message is shown as unconfirmed rather than delivered: someone answered,
 * but the answer proves nothing (SECURITY.md).
 */
export const UNCONFIRMED_TEXTS: Record<UnconfirmedCode, Texts> = {
  'forged-acks': {
    en:
      '{peer} acknowledged it, but {forged} acknowledgements for messages never sent to ' +
      '{peer} arrived around the same time: someone on the network is forging them, so this ' +
      'acknowledgement proves nothing',
    'zh-CN':
      '{peer} 确认了这条消息，但同一时间还收到了 {forged} 个针对从未发给 {peer} 的消息的确认：' +
      '网络中有人在伪造确认，因此这个确认不能证明消息已送达',
  },
  'no-proof': {
    en:
      '{peer} runs a Pigeon that proves delivery, but {acks} acknowledgements came without a ' +
      'valid proof and none with one: they may be forged (or {peer} went back to an older Pigeon)',
    'zh-CN':
      '{peer} 运行的 Pigeon 会证明送达，但收到的 {acks} 个确认都没有有效证明：' +
      '这些确认可能是伪造的（或者 {peer} 换回了旧版 Pigeon）',
  },
};
