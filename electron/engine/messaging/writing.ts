import { createHash } from 'node:crypto';
import type { OutcomeParams, Peer, WireEncoding } from '../../../shared/model';
import {
  buildMessageBody,
  encodeText,
  MAX_MESSAGE_ID,
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
/** `PGID:` and a message id and a NUL: room the outbox stamps the id into (held-messages.ts). */
const ID_BYTES = 5 + MAX_MESSAGE_ID + 1;

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

  /**
   * `ids.message`: the message this text is; its parts get an id derived from it (partIdOf), so
   * that every copy the outbox sends joins the parts an earlier try left. `ids.wire`: to a
   * Pigeon, the id each datagram carries (PGID), written here rather than stamped into the
   * datagrams afterwards (held-messages.ts).
   */
  write(peer: Peer, text: string, ids: { message?: string; wire?: string } = {}): Written {
    const how = MessageWriter.encodingFor(peer);
    const pigeon = peer.client === 'pigeon';
    // Room for the NULs and Pigeon's sections: `\0\0PGPART:id:index:count\0` fits in 40 bytes
    // with our part ids, `PGNONCE:<32 hex>\0` takes 41 more and `PGID:<id>\0` up to 46.
    const budget =
      this.ctx.caps.limit(peer.address) -
      this.headerBytes -
      40 -
      (pigeon ? NONCE_BYTES + ID_BYTES : 0);
    const split = splitForWire(text, how.encoding, budget);
    if (!split.ok) {
      if (split.character === undefined)
        return {
          ok: false,
          code: 'send-error',
          params: { peer: labelOf(peer), error: split.reason },
        };
      return cannotEncode(peer, how.encoding, split.character);
    }
    if (!pigeon) {
      return {
        ok: true,
        extras: split.pieces.map((piece) => buildMessageBody(piece)),
        utf8Opt: how.utf8Opt,
      };
    }
    const count = split.pieces.length;
    const partId =
      count < 2
        ? ''
        : ids.message !== undefined
          ? partIdOf(ids.message, split.pieces)
          : `${this.instance}${(++this.seq).toString(36)}`;
    // Arrays of the exact size (nearly every message is one datagram: pushing onto empty
    // arrays would give each a backing store for 17), filled by a loop with the sections set one
    // by one: no closure, no spread objects per datagram.
    const extras = new Array<Uint8Array>(count);
    const proofs = new Array<string>(count);
    for (let index = 0; index < count; index++) {
      const piece = split.pieces[index] as Uint8Array;
      const nonce = newNonce();
      const sections: Parameters<typeof buildMessageBody>[1] = { nonce };
      if (count > 1) sections.part = { id: partId, index, count };
      if (ids.wire !== undefined) sections.id = ids.wire;
      extras[index] = buildMessageBody(piece, sections);
      proofs[index] = ackProof(nonce, piece);
    }
    return { ok: true, extras, utf8Opt: how.utf8Opt, proofs };
  }

  /** Bytes of attachment list one offer datagram to this peer can carry, with no text. */
  offerBudget(peer: Peer): number {
    const pigeon = peer.client === 'pigeon';
    return this.ctx.caps.limit(peer.address) - this.headerBytes - 8 - (pigeon ? NONCE_BYTES : 0);
  }

  /**
   * An offer of files: one datagram per group of attachment records (files/ packed them to fit
   * offerBudget), the text in the first. 'too-long' when the text does not fit beside the
   * first group: the caller then sends it as a message of its own.
   */
  writeOffer(
    peer: Peer,
    text: string,
    groups: Uint8Array[],
  ): Written | { ok: false; code: 'too-long' } {
    const how = MessageWriter.encodingFor(peer);
    const encoded = encodeText(text, how.encoding);
    if (!encoded.ok) return cannotEncode(peer, how.encoding, encoded.character);
    if (encoded.bytes.length + (groups[0]?.length ?? 0) > this.offerBudget(peer))
      return { ok: false, code: 'too-long' };
    const pigeon = peer.client === 'pigeon';
    const extras: Uint8Array[] = [];
    const proofs: string[] = [];
    groups.forEach((group, index) => {
      const piece = index === 0 ? encoded.bytes : new Uint8Array(0);
      if (!pigeon) {
        extras.push(buildMessageBody(piece, {}, group));
        return;
      }
      const nonce = newNonce();
      extras.push(buildMessageBody(piece, { nonce }, group));
      proofs.push(ackProof(nonce, piece));
    });
    return pigeon
      ? { ok: true, extras, utf8Opt: how.utf8Opt, proofs }
      : { ok: true, extras, utf8Opt: how.utf8Opt };
  }
}

/** What an offer of files needs of the writer (files/ packs its attachment list with it). */
export interface OfferWriter {
  offerBudget(peer: Peer): number;
  writeOffer(
    peer: Peer,
    text: string,
    groups: Uint8Array[],
  ): Written | { ok: false; code: 'too-long' };
}

/** The peer's encoding lacks `character`: the failure the person reads, with the code point. */
function cannotEncode(peer: Peer, encoding: WireEncoding, character: string): Written {
  return {
    ok: false,
    code: 'encoding',
    params: {
      peer: labelOf(peer),
      encoding: encoding.toUpperCase(),
      character: JSON.stringify(character),
      codepoint: codePointLabel(character.codePointAt(0) ?? 0),
    },
  };
}

/**
 * The part id of a long message: the same for every copy of one message cut the same way, so a
 * receiver that got parts 0-2 of the first try and 0-4 of a resend joins one message (and its
 * duplicate filter, keyed on PGID and the part, acks what it has and takes the rest). Derived
 * from the pieces too: a copy cut differently (another datagram cap, another encoding) gets
 * another id and is joined on its own, never mixed with the pieces of the first. 64 bits of a
 * hash, in the 16 lower-case hex digits a PGPART section allows (24 at most).
 */
export function partIdOf(messageId: string, pieces: readonly Uint8Array[]): string {
  const hash = createHash('sha256').update(messageId);
  const length = Buffer.alloc(4);
  for (const piece of pieces) {
    length.writeUInt32BE(piece.length);
    hash.update(length).update(piece);
  }
  return hash.digest('hex').slice(0, 16);
}

/** "nick (address)", or the address alone when the nick is the address. */
export function labelOf(peer: Peer): string {
  return peer.nick === peer.address || !peer.nick ? peer.address : `${peer.nick} (${peer.address})`;
}
