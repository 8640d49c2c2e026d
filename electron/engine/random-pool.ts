import { randomBytes } from 'node:crypto';

/**
 * Unpredictable bytes for the hot path (packet-number gaps, delivery nonces): one call into the
 * CSPRNG per 4 KiB instead of one per message. They must be unpredictable because an attacker
 * who could guess them could forge acknowledgements (SECURITY.md).
 */
export class RandomPool {
  private pool = new Uint8Array(0);
  private at = 0;

  constructor(private readonly size = 4096) {}

  bytes(n: number): Uint8Array {
    if (this.at + n > this.pool.length) {
      this.pool = new Uint8Array(randomBytes(Math.max(this.size, n)));
      this.at = 0;
    }
    const out = this.pool.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** A uniform integer in 1..max, max a power of two up to 256. */
  step(max: number): number {
    return ((this.bytes(1)[0] ?? 0) & (max - 1)) + 1;
  }

  hex(n: number): string {
    const b = this.bytes(n);
    // A view, not a copy: the bytes are used once.
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
  }
}

/** One pool for the process: the engine's capabilities share it. */
export const randomPool = new RandomPool();
