import type { OutcomeParams, Peer, WireEncoding } from '../../../shared/model';
import {
  buildMessageBody,
  pigeonVersionField,
  sendEncodingFor,
  splitForWire,
} from '../../../shared/protocol';
import { codePointLabel } from '../../../shared/text/hidden-chars';
import type { EngineContext } from '../context';
import { PIGEON_VERSION } from '../version';
import { ackProof, newNonce } from './ack-proof';

/** `PGNONCE:` and 32 hex digits and a NUL. */
const NONCE_BYTES = 41;

export type Written =
  | {
      ok: true;
      extras: Uint8Array[];
      utf8Opt: boolean;
      /** To a Pigeon: per datagram, the proof its ack must carry (PGNONCE/PGPROOF). */
      proofs?: string[];
    }
  | { ok: false; code: 'encoding' | 'send-error'; params: OutcomeParams };

/**
 * How a text goes to one peer: in which encoding, with or without UTF8OPT, cut into datagrams
 * that fit what reaches it (the per-address cap a size sweep found, else one safe datagram).
 * Long texts to Pigeon peers become numbered parts they reassemble; other clients get the
 * pieces as separate messages, which they show one after the other. Every datagram to a Pigeon
 * also carries a fresh nonce its ack must answer with a proof (ack-proof.ts).
 */
export class MessageWriter {
  /** Our header's size with a 10-digit packet number and command: what a body has left. */
  private readonly headerBytes: number;
  private readonly instance: string;
  private seq = 0;

  constructor(
    private readonly ctx: EngineContext,
    instance: string,
  ) {
    const s = ctx.settings();
    this.headerBytes =
      pigeonVersionField(PIGEON_VERSION).length + s.user.length + s.host.length + 10 + 10 + 5;
    this.instance = instance;
  }

  /** How to write to this peer: its encoding, and whether to set UTF8OPT. */
  static encodingFor(peer: Peer): { encoding: WireEncoding; utf8Opt: boolean } {
    return sendEncodingFor(peer);
  }

  write(peer: Peer, text: string): Written {
    const how = MessageWriter.encodingFor(peer);
    const pigeon = peer.client === 'pigeon';
    // Room for the NULs and Pigeon's sections: `\0\0PGPART:id:index:count\0` fits in 40 bytes
    // with our part ids, and `PGNONCE:<32 hex>\0` takes 41 more.
    const budget =
      this.ctx.caps.limit(peer.address) - this.headerBytes - 40 - (pigeon ? NONCE_BYTES : 0);
    const split = splitForWire(text, how.encoding, budget);
    if (!split.ok) {
      if (split.character === undefined)
        return {
          ok: false,
          code: 'send-error',
          params: { peer: labelOf(peer), error: split.reason },
        };
      return {
        ok: false,
        code: 'encoding',
        params: {
          peer: labelOf(peer),
          encoding: how.encoding.toUpperCase(),
          character: JSON.stringify(split.character),
          codepoint: codePointLabel(split.character.codePointAt(0) ?? 0),
        },
      };
    }
    if (!pigeon) {
      return {
        ok: true,
        extras: split.pieces.map((piece) => buildMessageBody(piece)),
        utf8Opt: how.utf8Opt,
      };
    }
    const count = split.pieces.length;
    const id = count > 1 ? `${this.instance}${(++this.seq).toString(36)}` : '';
    const extras: Uint8Array[] = [];
    const proofs: string[] = [];
    split.pieces.forEach((piece, index) => {
      const nonce = newNonce();
      extras.push(
        buildMessageBody(piece, count > 1 ? { part: { id, index, count }, nonce } : { nonce }),
      );
      proofs.push(ackProof(nonce, piece));
    });
    return { ok: true, extras, utf8Opt: how.utf8Opt, proofs };
  }
}

/** "nick (address)", or the address alone when the nick is the address. */
export function labelOf(peer: Peer): string {
  return peer.nick === peer.address || !peer.nick ? peer.address : `${peer.nick} (${peer.address})`;
}
