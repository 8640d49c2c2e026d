import { indexOfByte, latin1Bytes, latin1Text, NUL, splitOnNul } from './bytes';
import { parseAnsweredPacketNo } from './packet';

/**
 * The extra of RECVMSG: the acknowledged packet number in decimal, `123\0`. A Pigeon receiver
 * that was given a PGNONCE (message-body.ts) adds its proof after that NUL, where IPMsg's atoi
 * and iptux's number parsing never look:
 *
 *   123 \0 PGPROOF:<32 hex> \0
 *
 * The proof is an HMAC keyed with the nonce (the engine computes it): only someone who saw the
 * message can write it, so an attacker off the path between the two cannot forge a delivery.
 */
export interface Ack {
  /** The acknowledged packet number, -1 when the extra does not start with one. */
  packetNo: number;
  /** What followed PGPROOF:, unchecked (compare it with the expected proof). */
  proof?: string;
}

const PROOF_PREFIX = 'PGPROOF:';
/** Sections looked at after the number: a hostile ack may carry thousands. */
const MAX_SECTIONS = 4;

export function parseAck(extra: Uint8Array): Ack {
  const nul = indexOfByte(extra, NUL);
  if (nul < 0) return { packetNo: parseAnsweredPacketNo(extra) };
  const packetNo = parseAnsweredPacketNo(extra.subarray(0, nul));
  const sections = splitOnNul(extra.subarray(nul + 1));
  const end = Math.min(sections.length, MAX_SECTIONS);
  for (let i = 0; i < end; i++) {
    const section = sections[i];
    if (!section || section.length > PROOF_PREFIX.length + 64) continue;
    const text = latin1Text(section);
    if (text.startsWith(PROOF_PREFIX)) return { packetNo, proof: text.slice(PROOF_PREFIX.length) };
  }
  return { packetNo };
}

/** `123\0PGPROOF:<proof>\0`: the proof must be 32 hex digits. */
export function buildAckExtra(answered: number, proof: string): Uint8Array {
  if (proof.length !== 32 || !HEX32.test(proof)) throw new Error('a proof is 32 hex digits');
  // One string, one copy into bytes: this runs for every message a Pigeon acks.
  return latin1Bytes(`${answered}\0${PROOF_PREFIX}${proof}\0`);
}

const HEX32 = /^[0-9a-f]{32}$/;
