import type { TransferFailureCode } from '../transfer';
import type { Texts } from './fill';

/**
 * Why a transfer stopped, as the person reads it under the file. Params: `error` (what the
 * system said), `seconds`, `needed`/`free` (bytes), `reason`, `limit`.
 */
export const TRANSFER_TEXTS: Record<TransferFailureCode, Texts> = {
  'file-connect': {
    en: "could not connect to the sender's TCP port ({error}): a firewall may block TCP 2425",
    'zh-CN': '无法连接到发送方的 TCP 端口（{error}）：可能有防火墙拦截了 TCP 2425',
  },
  'file-refused': {
    en: 'the sender sent nothing: it no longer offers this file (cancelled, expired or restarted)',
    'zh-CN': '发送方没有发送任何数据：它已不再提供此文件（已取消、已过期或已重启）',
  },
  'file-cut': {
    en: 'the connection broke part-way; retry to continue',
    'zh-CN': '连接中途断开；重试即可继续',
  },
  'file-stalled': {
    en: 'almost nothing arrived for {seconds} s; retry to continue',
    'zh-CN': '{seconds} 秒内几乎没有收到数据；重试即可继续',
  },
  'file-not-offered': {
    en: 'the offer never reached the peer, so it cannot fetch the files',
    'zh-CN': '文件邀请没有送达对方，对方无法接收这些文件',
  },
  'file-hash-mismatch': {
    en: 'what arrived differs from what was sent (SHA-256 mismatch); it was deleted, retry to fetch it again',
    'zh-CN': '收到的内容与发送的不一致（SHA-256 不匹配）；已删除，请重试以重新接收',
  },
  'file-no-space': {
    en: 'not enough free disk space: {needed} bytes needed',
    'zh-CN': '磁盘空间不足：需要 {needed} 字节',
  },
  'file-write': {
    en: 'could not write the file ({error})',
    'zh-CN': '无法写入文件（{error}）',
  },
  'file-read': {
    en: 'could not read the file we offered ({error})',
    'zh-CN': '无法读取我们提供的文件（{error}）',
  },
  'file-unsafe-name': {
    en: 'refused an unsafe name: {reason}',
    'zh-CN': '拒绝了不安全的文件名：{reason}',
  },
  'file-malformed': {
    en: 'the sender did not follow the protocol: {reason}',
    'zh-CN': '发送方不符合协议：{reason}',
  },
  'file-too-large': {
    en: 'more than this Pigeon accepts (limit {limit})',
    'zh-CN': '超出了此 Pigeon 接受的上限（{limit}）',
  },
  'file-stopped': {
    en: 'Pigeon stopped during the transfer; retry to continue',
    'zh-CN': 'Pigeon 在传输过程中停止了；重试即可继续',
  },
};
