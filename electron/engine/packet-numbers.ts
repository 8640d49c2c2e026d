/**
 * Packet numbers that only ever increase, as iptux requires (it silently drops a SENDMSG whose
 * number is not above the last one it saw from us). Seeded from the clock in seconds like IPMsg,
 * so a restarted Pigeon continues above its previous numbers, and kept below 2^31 because IPMsg
 * prints referenced numbers with %d.
 */
export class PacketNumbers {
  private last: number;

  constructor(private readonly nowMs: () => number) {
    this.last = Math.floor(nowMs() / 1000) % 0x7fff0000;
  }

  next(): number {
    const fromClock = Math.floor(this.nowMs() / 1000) % 0x7fff0000;
    this.last = Math.max(this.last + 1, fromClock);
    if (this.last >= 0x7fffffff) this.last = 1;
    return this.last;
  }
}
