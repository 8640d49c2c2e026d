/**
 * A Bloom filter over the duplicate filter's keys in the history (the `seen` table and the
 * inbox rows not moved yet): `mayHave` false means the key is certainly not there, so nearly
 * every new message skips the database read (a statement, its read lock and two fcntl calls).
 * It never forgets a key: a key deleted from the table (pruned, a conversation deleted) only
 * costs a read that finds nothing, and `reset` starts again from the table when too many
 * were added.
 *
 * Keyed on the packet number and the body's hash alone (the peer left out: a key of another
 * peer only costs a read). The hash is already keyed with a secret of the history
 * (dedupe.ts), so a forger cannot aim keys at the filter's bits.
 */
export class SeenFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;
  private count = 0;

  /** 2^`log2Bits` bits (2^21: 256 KiB, about 1 % false positives at 200,000 keys). */
  constructor(log2Bits = 21) {
    this.bits = new Uint32Array(2 ** (log2Bits - 5));
    this.mask = 2 ** log2Bits - 1;
  }

  /** Keys added since the last reset. */
  get added(): number {
    return this.count;
  }

  add(packetNo: number, hash: number): void {
    let h = mixA(packetNo, hash);
    const step = mixB(packetNo, hash) | 1;
    for (let i = 0; i < PROBES; i++) {
      const bit = h & this.mask;
      this.bits[bit >>> 5] = (this.bits[bit >>> 5] as number) | (1 << (bit & 31));
      h = (h + step) | 0;
    }
    this.count++;
  }

  mayHave(packetNo: number, hash: number): boolean {
    let h = mixA(packetNo, hash);
    const step = mixB(packetNo, hash) | 1;
    for (let i = 0; i < PROBES; i++) {
      const bit = h & this.mask;
      if (((this.bits[bit >>> 5] as number) & (1 << (bit & 31))) === 0) return false;
      h = (h + step) | 0;
    }
    return true;
  }

  reset(): void {
    this.bits.fill(0);
    this.count = 0;
  }
}

const PROBES = 4;
const TWO_32 = 0x100000000;

/** Two 32-bit mixes of (packet number, 48-bit hash) for double hashing. */
function mixA(packetNo: number, hash: number): number {
  let x = (hash >>> 0) ^ Math.imul(packetNo | 0, 0x9e3779b1);
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}

function mixB(packetNo: number, hash: number): number {
  let x = Math.floor(hash / TWO_32) ^ Math.imul(Math.floor(packetNo / TWO_32) | 0, 0x27d4eb2f);
  x = Math.imul(x ^ (hash >>> 7) ^ (packetNo >>> 3), 0x165667b1);
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  return x ^ (x >>> 13);
}
