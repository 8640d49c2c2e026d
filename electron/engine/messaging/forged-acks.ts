import { LruMap } from '../lru-map';

/**
 * When acks that cannot be genuine arrived, per claimed source address: acks for numbers we
 * never sent there as messages, wrong proofs, and proofless acks from a Pigeon that proves its
 * acks. Bounded in addresses (the least recently forged is forgotten first) and in the times
 * kept per address, so a spray cannot grow it without limit.
 */
export class ForgedAcks {
  private readonly byAddress = new LruMap<string, number[]>();

  constructor(
    private readonly maxAddresses = 1024,
    private readonly perAddress = 128,
  ) {}

  add(address: string, at: number): void {
    let times = this.byAddress.get(address);
    if (!times) {
      if (this.byAddress.size >= this.maxAddresses) {
        const oldest = this.byAddress.oldest();
        if (oldest) this.byAddress.delete(oldest[0]);
      }
      times = [];
      this.byAddress.set(address, times);
    } else {
      this.byAddress.touch(address);
    }
    times.push(at);
    if (times.length > this.perAddress) times.shift();
  }

  /** How many arrived from `address` at or after `from` (at most perAddress). */
  since(address: string, from: number): number {
    const times = this.byAddress.get(address);
    if (!times) return 0;
    let n = 0;
    for (let i = times.length - 1; i >= 0 && (times[i] ?? -Infinity) >= from; i--) n++;
    return n;
  }
}
