import { createHmac } from 'node:crypto';
import { randomPool } from '../random-pool';

/**
 * Delivery proofs between Pigeon peers (PGNONCE in a message, PGPROOF in its RECVMSG; see
 * electron/engine/echo/PROTOCOL.md). The sender puts a fresh 128-bit nonce in each datagram; the
 * receiver answers with an HMAC keyed with that nonce over the text it received. Someone who did
 * not see the datagram has a 2^-128 chance of writing the right proof, so an attacker off the path
 * cannot make a message look delivered; one who sees the traffic can (SECURITY.md).
 */

/** Keeps these HMACs apart from any other use of the same construction. */
const DOMAIN = 'pigeon-delivery-proof-v1\0';

/** A fresh 128-bit nonce in hex, one per datagram. */
export function newNonce(): string {
  return randomPool.hex(16);
}

/** 128 bits of HMAC-SHA256(nonce, domain || text), in hex. */
export function ackProof(nonce: string, text: Uint8Array): string {
  return createHmac('sha256', Buffer.from(nonce, 'hex'))
    .update(DOMAIN)
    .update(text)
    .digest('hex')
    .slice(0, 32);
}
