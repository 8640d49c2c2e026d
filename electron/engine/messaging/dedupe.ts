import { randomBytes } from 'node:crypto';
import { LruMap } from '../lru-map';

/** One peer's recent (packet number, body) pairs: a map to ask, a ring to forget the oldest. */
interface Recent {
  /** Per packet number, the keyed hashes of the bodies seen under it (nearly always one). */
  seen: Map<number, number[]>;
  ringNumbers: number[];
  ringHashes: number[];
  /** Where the next pair goes once the ring is full (it holds the oldest). */
  next: number;
  highest: number;
}

/**
 * Remembers the messages each peer sent recently, so a retransmitted message is acked again but
 * shown once. A message is the same only if both its packet number and its body are: anyone can
 * send a datagram "from" a peer with that peer's upcoming numbers, and keyed on the number alone
 * those forgeries would make the peer's real messages look like duplicates, acked and never
 * shown. Bodies are compared without trailing NULs (IP Messenger's later retries append 64) by
 * a 48-bit hash keyed with a secret of this process, so nobody can craft a different body that
 * passes for a real one.
 *
 * Bounded per peer and in the number of peers (the least recently heard is forgotten first), so
 * a flood of forged senders cannot grow memory without limit. Cleared when the peer announces
 * itself again, because a restarted iptux counts from 1.
 */
export class Dedupe {
  private readonly seen = new LruMap<string, Recent>();
  private readonly seedA: number;
  private readonly seedB: number;

  /**
   * `key` (8 bytes) is the hash's secret: random unless given, which the history does so that
   * the keys it keeps still match after a restart.
   */
  constructor(
    private readonly perPeer = 256,
    private readonly maxPeers = 4096,
    key: Uint8Array = randomBytes(8),
  ) {
    const k = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
    if (k.length < 8) throw new Error('dedupe: the key must be 8 bytes');
    this.seedA = k.readUInt32LE(0);
    this.seedB = k.readUInt32LE(4);
  }

  /** The keyed hash firstTime compares bodies by (the history records it with the message). */
  hashOf(body: Uint8Array): number {
    return this.hash(body);
  }

  /**
   * hashOf the bytes of an ASCII text (a PGID key: letters, digits, '-', ':'), without
   * encoding it first: for ASCII the UTF-8 bytes are the character codes, so the hash is the
   * same. Not for other texts: a character above U+007F would hash as one byte.
   */
  hashOfAscii(text: string): number {
    let end = text.length;
    while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
    let a = this.seedA;
    let b = this.seedB;
    for (let i = 0; i < end; i++) {
      const byte = text.charCodeAt(i) & 0xff;
      a = Math.imul(a ^ byte, 0x01000193);
      b = Math.imul(b ^ byte ^ (i & 0xff), 0x01000193);
    }
    return fold(a, b);
  }

  /** Marks a (peer, packet number, hash) seen, as firstTime would: the history's keys at start. */
  remember(peer: string, packetNo: number, hash: number): void {
    this.firstTimeHashed(peer, packetNo, hash);
  }

  /**
   * Undoes firstTime for a message that could not be kept: its sender will send it again, and
   * that copy must not be taken for a duplicate.
   */
  unsee(peer: string, packetNo: number, hash: number): void {
    const recent = this.seen.get(peer);
    if (recent) this.forget(recent, packetNo, hash);
  }

  /**
   * True the first time (peer, packetNo, body) is seen. Without a body (presence packets), the
   * number alone decides.
   */
  firstTime(peer: string, packetNo: number, body?: Uint8Array): boolean {
    return this.firstTimeHashed(peer, packetNo, body === undefined ? 0 : this.hash(body));
  }

  /** firstTime with the body's hash (hashOf) already known. */
  firstTimeHashed(peer: string, packetNo: number, hash: number): boolean {
    let recent = this.seen.get(peer);
    if (!recent) {
      if (this.seen.size >= this.maxPeers) {
        const oldest = this.seen.oldest();
        if (oldest) this.seen.delete(oldest[0]);
      }
      recent = { seen: new Map(), ringNumbers: [], ringHashes: [], next: 0, highest: -1 };
      this.seen.set(peer, recent);
    } else {
      this.seen.touch(peer);
    }
    const hashes = recent.seen.get(packetNo);
    if (hashes?.includes(hash)) return false;
    if (hashes) hashes.push(hash);
    else recent.seen.set(packetNo, [hash]);
    if (packetNo > recent.highest) recent.highest = packetNo;
    if (recent.ringNumbers.length < this.perPeer) {
      recent.ringNumbers.push(packetNo);
      recent.ringHashes.push(hash);
    } else {
      this.forget(recent, recent.ringNumbers[recent.next] ?? -1, recent.ringHashes[recent.next]);
      recent.ringNumbers[recent.next] = packetNo;
      recent.ringHashes[recent.next] = hash;
      recent.next = (recent.next + 1) % this.perPeer;
    }
    return true;
  }

  reset(peer: string): void {
    this.seen.delete(peer);
  }

  /**
   * A new entry from the peer: forget its numbers only if this one is not above everything it
   * used before, which is what a restart looks like (iptux counts from 1 again). A plain
   * refresh keeps counting upwards and must not let a late retransmission show twice.
   */
  resetIfRestarted(peer: string, packetNo: number): void {
    const recent = this.seen.get(peer);
    if (recent && packetNo <= recent.highest) this.seen.delete(peer);
  }

  private forget(recent: Recent, packetNo: number, hash: number | undefined): void {
    const hashes = recent.seen.get(packetNo);
    if (!hashes) return;
    const i = hashes.indexOf(hash ?? 0);
    if (i >= 0) hashes.splice(i, 1);
    if (hashes.length === 0) recent.seen.delete(packetNo);
  }

  private hash(body: Uint8Array): number {
    // Two 32-bit FNV-1a lanes seeded from this process's secret, folded to 48 bits: no crypto
    // call per message. Nobody who cannot read the seed can aim a body at another's hash, and
    // the forger does not know the body a peer will send next anyway (the poisoning attack).
    // Trailing NULs left out by index, not by a view: a view of a small array made in the
    // heap (a key encoded for this) moves its bytes out of the heap first.
    let end = body.length;
    while (end > 0 && body[end - 1] === 0) end--;
    let a = this.seedA;
    let b = this.seedB;
    for (let i = 0; i < end; i++) {
      const byte = body[i] as number;
      a = Math.imul(a ^ byte, 0x01000193);
      b = Math.imul(b ^ byte ^ (i & 0xff), 0x01000193);
    }
    return fold(a, b);
  }
}

/** The two lanes, finished and folded to 48 bits. */
function fold(lanesA: number, lanesB: number): number {
  const a = Math.imul(lanesA ^ (lanesA >>> 15), 0x85ebca6b) >>> 0;
  const b = Math.imul(lanesB ^ (lanesB >>> 13), 0xc2b2ae35) >>> 0;
  return (a & 0xffff) * 0x100000000 + b;
}
