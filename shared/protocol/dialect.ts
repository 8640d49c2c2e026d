import type { ClientKind, WireEncoding } from '../model/peer';
import { Opt, hasOpt } from './commands';
import { isValidUtf8 } from './encoding';
import { legacyOrUtf8 } from './legacy-or-utf8';

/**
 * Who speaks which dialect, and in which encoding to read and write them. The rules are the
 * team's policy from the protocol reference (section 7): bytes are read per datagram, one
 * encoding each, and what we learn is remembered per peer by the engine.
 */

export const PIGEON_VERSION_PREFIX = '1_pigeon';

export function pigeonVersionField(version: string): string {
  return `${PIGEON_VERSION_PREFIX} ${version}`;
}

export function clientFromVersion(version: string): ClientKind {
  if (version.startsWith(PIGEON_VERSION_PREFIX)) return 'pigeon';
  if (version.includes('iptux')) return 'iptux';
  if (version.startsWith('1_lbt')) return 'feiq';
  if (/^\s*1\s*$/.test(version)) return 'ipmsg';
  return 'unknown';
}

/** Pick the encoding of one received datagram's strings. */
export function receiveEncoding(args: {
  version: string;
  command: number;
  /** The whole extra and header bytes, for validity checks. */
  body: Uint8Array;
  /** What we remembered for this peer, if anything. */
  known?: WireEncoding;
  legacy: WireEncoding;
}): WireEncoding {
  if (hasOpt(args.command, Opt.UTF8OPT)) return 'utf-8';
  const client = clientFromVersion(args.version);
  // FeiQ writes GBK (read as its superset), and raw UTF-8 for what GBK lacks: see legacyOrUtf8.
  if (client === 'feiq') return legacyOrUtf8(args.body, 'gb18030');
  if (client === 'pigeon') return 'utf-8';
  if (client === 'iptux') return isValidUtf8(args.body) ? 'utf-8' : 'gb18030';
  // A legacy peer's text is valid UTF-8 by accident as often as on purpose (the GBK of 谢谢 is).
  if (args.known && args.known !== 'utf-8') return legacyOrUtf8(args.body, args.known);
  return isValidUtf8(args.body) ? 'utf-8' : args.legacy;
}

/** How to write to a peer: which encoding, and whether to set UTF8OPT. */
export interface SendEncoding {
  readonly encoding: WireEncoding;
  readonly utf8Opt: boolean;
}

/** Every answer is one of these few: shared, so that asking costs no allocation per message. */
const UTF8_WITH_OPT: SendEncoding = Object.freeze({ encoding: 'utf-8', utf8Opt: true });
const PLAIN: Readonly<Record<WireEncoding, SendEncoding>> = Object.freeze({
  'utf-8': Object.freeze({ encoding: 'utf-8', utf8Opt: false }),
  gbk: Object.freeze({ encoding: 'gbk', utf8Opt: false }),
  gb18030: Object.freeze({ encoding: 'gb18030', utf8Opt: false }),
  cp932: Object.freeze({ encoding: 'cp932', utf8Opt: false }),
});

export function sendEncoding(peer: {
  client: ClientKind;
  encoding: WireEncoding;
  utf8Capable: boolean;
}): SendEncoding {
  switch (peer.client) {
    case 'pigeon':
      return UTF8_WITH_OPT;
    case 'iptux':
      // iptux ignores UTF8OPT but detects UTF-8; it reads its declared encoding otherwise.
      return peer.encoding === 'utf-8' ? UTF8_WITH_OPT : PLAIN[peer.encoding];
    case 'feiq':
      return PLAIN.gbk;
    default:
      return peer.utf8Capable ? UTF8_WITH_OPT : PLAIN[peer.encoding];
  }
}

/** How to write to a known peer (its client, its encoding, whether it reads UTF-8). */
export function sendEncodingFor(peer: {
  client: ClientKind;
  encoding: WireEncoding;
  capabilities: { utf8: boolean };
}): SendEncoding {
  return sendEncoding({
    client: peer.client,
    encoding: peer.encoding,
    utf8Capable: peer.capabilities.utf8,
  });
}
