import { LruMap } from '../lru-map';

/** One peer's recent packet numbers: a set to ask, a ring to forget the oldest in O(1). */
interface Recent {
  numbers: Set<number>;
  ring: number[];
  /** Where the next number goes once the ring is full (it holds the oldest). */
  next: number;
  highest: number;
}

/**
 * Remembers the packet numbers each peer used recently, so a retransmitted message is acked
 * again but shown once. Bounded per peer and in the number of peers (the least recently
 * heard is forgotten first), so a flood of forged senders cannot grow memory without limit.
 * Cleared when the peer announces itself again, because a restarted iptux counts from 1.
 */
export class Dedupe {
  private readonly seen = new LruMap<string, Recent>();

  constructor(
    private readonly perPeer = 256,
    private readonly maxPeers = 4096,
  ) {}

  /** True the first time (peer, packetNo) is seen. */
  firstTime(peer: string, packetNo: number): boolean {
    let recent = this.seen.get(peer);
    if (!recent) {
      if (this.seen.size >= this.maxPeers) {
        const oldest = this.seen.oldest();
        if (oldest) this.seen.delete(oldest[0]);
      }
      recent = { numbers: new Set(), ring: [], next: 0, highest: -1 };
      this.seen.set(peer, recent);
    } else {
      this.seen.touch(peer);
    }
    if (recent.numbers.has(packetNo)) return false;
    recent.numbers.add(packetNo);
    if (packetNo > recent.highest) recent.highest = packetNo;
    if (recent.ring.length < this.perPeer) {
      recent.ring.push(packetNo);
    } else {
      const oldest = recent.ring[recent.next] ?? -1;
      recent.numbers.delete(oldest);
      recent.ring[recent.next] = packetNo;
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
}
