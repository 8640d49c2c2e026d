import type { NoticeCode, RedirectCode } from '../message';
import type { Texts } from './fill';

/** The one sentence every address-change notice ends with: what it rests on proves nothing. */
const FORGEABLE = {
  en: 'It may be the same person at a new address, or someone posing as them: addresses, names and install ids can all be forged on a LAN.',
  'zh-CN': '可能是同一个人换了地址，也可能是有人冒充：在局域网中，地址、名字和安装标识都可以伪造。',
};

/**
 * Lines the engine writes into a conversation when the same person seems to announce from a
 * new address (identity/address-changes.ts). Both conversations are kept apart: the notice
 * says so, and nothing waiting in the outbox moves without the person.
 */
export const NOTICE_TEXTS: Record<NoticeCode, Texts> = {
  'identity-moved-install': {
    en:
      '{nick} now announces from {address} with the same Pigeon install id. ' +
      `${FORGEABLE.en} Messages waiting here go there only if you say so.`,
    'zh-CN':
      `{nick} 现在从 {address} 上线，Pigeon 安装标识相同。${FORGEABLE['zh-CN']}` +
      '这里等待发送的消息只有在你确认后才会发往新地址。',
  },
  'identity-moved-names': {
    en:
      '{nick} ({user}@{host}, the same user and computer names) now announces from {address}. ' +
      `${FORGEABLE.en} Messages waiting here go there only if you say so.`,
    'zh-CN':
      `{nick}（{user}@{host}，用户名和计算机名相同）现在从 {address} 上线。${FORGEABLE['zh-CN']}` +
      '这里等待发送的消息只有在你确认后才会发往新地址。',
  },
  'identity-was-install': {
    en: `{nick} was previously at {address} (the same Pigeon install id). ${FORGEABLE.en}`,
    'zh-CN': `{nick} 之前在 {address}（Pigeon 安装标识相同）。${FORGEABLE['zh-CN']}`,
  },
  'identity-was-names': {
    en:
      '{nick} ({user}@{host}) was previously at {address} (the same user and computer names). ' +
      FORGEABLE.en,
    'zh-CN': `{nick}（{user}@{host}）之前在 {address}（用户名和计算机名相同）。${FORGEABLE['zh-CN']}`,
  },
};

/** Why a message left the outbox for another conversation: the person sent it elsewhere. */
export const REDIRECT_TEXTS: Record<RedirectCode, Texts> = {
  redirected: {
    en: 'at your word, sent to {peer} instead, as a new message in that conversation',
    'zh-CN': '按你的确认，作为一条新消息改发给 {peer}',
  },
};
