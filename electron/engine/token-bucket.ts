/**
 * Token buckets, the one rate limit of the engine: presence answers count in datagrams, incoming
 * messages in bytes. Time is monotonic milliseconds; a clock that went back refills nothing
 * (and drains nothing either).
 */

/** `level` tokens available as of `at`. Plain data, so hot paths keep records in a ring. */
export interface Bucket {
  level: number;
  at: number;
}

/** Brings a bucket up to `now`: `perMs` tokens a millisecond, never above `burst`. */
export function refill(bucket: Bucket, now: number, perMs: number, burst: number): void {
  if (now <= bucket.at) {
    // Stepped back: count from here on, so a clock set back an hour does not stall for an hour.
    bucket.at = now;
    return;
  }
  const level = bucket.level + (now - bucket.at) * perMs;
  bucket.level = level < burst ? level : burst;
  bucket.at = now;
}

/** A bucket with its limits, for the places that keep one object per bucket. */
export class TokenBucket {
  private readonly bucket: Bucket;
  private readonly perMs: number;

  constructor(
    private readonly burst: number,
    perSecond: number,
    now: number,
  ) {
    this.bucket = { level: burst, at: now };
    this.perMs = perSecond / 1000;
  }

  /** Whole tokens available now. */
  available(now: number): number {
    refill(this.bucket, now, this.perMs, this.burst);
    return Math.floor(this.bucket.level);
  }

  /** Takes `cost` tokens when there are that many. */
  take(now: number, cost = 1): boolean {
    refill(this.bucket, now, this.perMs, this.burst);
    if (this.bucket.level < cost) return false;
    this.bucket.level -= cost;
    return true;
  }
}
