import type { Peer, WireEncoding } from '../../../shared/model';

/**
 * The code page a peer reads our names in, when it reads nothing else; undefined for a peer that
 * reads UTF-8 or IPMsg's UTF-8 extension section.
 * - FeiQ: GBK, and it converts the whole entry at once (protocol reference §7, §9).
 * - IP Messenger (and unknown IPMsg-family clients) without CAPUTF8OPT: the legacy encoding the
 *   person configured (GB18030 in China, CP932 in Japan).
 * - Never iptux (it reads its declared encoding and shows UTF-8 right) or Pigeon.
 */
export function legacyEncodingOf(peer: Peer, legacy: WireEncoding): WireEncoding | undefined {
  switch (peer.client) {
    case 'feiq':
      return 'gbk';
    case 'iptux':
    case 'pigeon':
      return undefined;
    default:
      return peer.capabilities.utf8 ? undefined : legacy;
  }
}
