/**
 * Remembers the packet numbers each peer used recently, so a retransmitted message is acked
 * again but shown once. Bounded per peer and in the number of peers, so a flood of forged
 * senders cannot grow memory without limit. Cleared when the peer announces itself again,
 * because a restarted iptux counts from 1.
 */
export class Dedupe {
  private readonly seen = new Map<string, Set<number>>();

  constructor(
    private readonly perPeer = 256,
    private readonly maxPeers = 4096,
  ) {}

  /** True the first time (peer, packetNo) is seen. */
  firstTime(peer: string, packetNo: number): boolean {
    let set = this.seen.get(peer);
    if (!set) {
      if (this.seen.size >= this.maxPeers) {
        const oldest = this.seen.keys().next().value;
        if (oldest !== undefined) this.seen.delete(oldest);
      }
      set = new Set();
      this.seen.set(peer, set);
    }
    if (set.has(packetNo)) return false;
    set.add(packetNo);
    if (set.size > this.perPeer) {
      const oldest = set.values().next().value;
      if (oldest !== undefined) set.delete(oldest);
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
    const set = this.seen.get(peer);
    if (!set) return;
    let highest = -1;
    for (const n of set) if (n > highest) highest = n;
    if (packetNo <= highest) this.seen.delete(peer);
  }
}
