import { indexOfByte, latin1Bytes, latin1TextAt, NUL } from './bytes';
import { allocBytes } from './byte-pool';
import { headerLength, parseAnsweredPacketNo, writeHeader, type HeaderPrefix } from './packet';

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
const PROOF_MARKER = latin1Bytes(PROOF_PREFIX);
/** Sections looked at after the number: a hostile ack may carry thousands. */
const MAX_SECTIONS = 4;

export function parseAck(extra: Uint8Array): Ack {
  const nul = indexOfByte(extra, NUL);
  if (nul < 0) return { packetNo: parseAnsweredPacketNo(extra) };
  const packetNo = parseAnsweredPacketNo(extra, nul);
  // Every ack between Pigeons has a section: read where it lies, compared byte by byte (no
  // array of views, no string per section).
  let stop = nul;
  for (let n = 0; n < MAX_SECTIONS && stop >= 0; n++) {
    const start = stop + 1;
    stop = indexOfByte(extra, NUL, start);
    const end = stop < 0 ? extra.length : stop;
    if (end - start > PROOF_MARKER.length + 64 || !proofMarkerAt(extra, start, end)) continue;
    return { packetNo, proof: latin1TextAt(extra, start + PROOF_MARKER.length, end) };
  }
  return { packetNo };
}

function proofMarkerAt(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < PROOF_MARKER.length) return false;
  for (let i = 0; i < PROOF_MARKER.length; i++)
    if (bytes[start + i] !== PROOF_MARKER[i]) return false;
  return true;
}

/** `123\0PGPROOF:<proof>\0`: the proof must be 32 hex digits. */
export function buildAckExtra(answered: number, proof: string): Uint8Array {
  const ref = String(answered);
  const out = new Uint8Array(ackExtraLength(ref));
  writeAckExtra(out, 0, ref, proof);
  return out;
}

/**
 * A RECVMSG (or ANSREADMSG) with its proof, `answered\0PGPROOF:<proof>\0`, written straight
 * into one allocation (see buildReplyWithPrefix): the ack of every message between Pigeons.
 */
export function buildProvenReplyWithPrefix(
  prefix: HeaderPrefix,
  packetNo: number,
  command: number,
  answered: number,
  proof: string,
): Uint8Array {
  const no = String(packetNo);
  const cmd = String(command >>> 0);
  const ref = String(answered);
  const out = allocBytes(headerLength(prefix, no, cmd) + ackExtraLength(ref));
  writeAckExtra(out, writeHeader(out, prefix, no, cmd), ref, proof);
  return out;
}

/** How long buildAckExtra's bytes are for the answered number `ref` (in decimal). */
export function ackExtraLength(ref: string): number {
  return ref.length + 1 + PROOF_MARKER.length + 32 + 1;
}

/**
 * Writes `ref\0PGPROOF:<proof>\0` at `at` in zeroed bytes (the NULs are left as they are):
 * this runs for every message a Pigeon acks, straight into the datagram.
 */
export function writeAckExtra(out: Uint8Array, at: number, ref: string, proof: string): void {
  if (!isHex32(proof)) throw new Error('a proof is 32 hex digits');
  for (let i = 0; i < ref.length; i++) out[at++] = ref.charCodeAt(i);
  out.set(PROOF_MARKER, at + 1);
  at += 1 + PROOF_MARKER.length;
  for (let i = 0; i < 32; i++) out[at + i] = proof.charCodeAt(i);
}

/** 32 lower-case hex digits. */
function isHex32(text: string): boolean {
  if (text.length !== 32) return false;
  for (let i = 0; i < 32; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}
