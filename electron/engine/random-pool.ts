import { randomBytes } from 'node:crypto';

/**
 * Unpredictable bytes for the hot path (packet-number gaps, delivery nonces): one call into the
 * CSPRNG per 4 KiB instead of one per message. They must be unpredictable because an attacker
 * who could guess them could forge acknowledgements (SECURITY.md).
 */
export class RandomPool {
  private pool = Buffer.alloc(0);
  private at = 0;

  constructor(private readonly size = 4096) {}

  bytes(n: number): Uint8Array {
    this.room(n);
    const out = this.pool.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** A uniform integer in 1..max, max a power of two up to 256. */
  step(max: number): number {
    return ((this.bytes(1)[0] ?? 0) & (max - 1)) + 1;
  }

  hex(n: number): string {
    this.room(n);
    // Straight from the pool: no view object per call (one per message on the hot path).
    const out = this.pool.toString('hex', this.at, this.at + n);
    this.at += n;
    return out;
  }

  private room(n: number): void {
    if (this.at + n <= this.pool.length) return;
    this.pool = randomBytes(Math.max(this.size, n));
    this.at = 0;
  }
}

/** One pool for the process: the engine's capabilities share it. */
export const randomPool = new RandomPool();
