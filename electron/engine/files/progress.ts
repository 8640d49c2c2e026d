/**
 * Bytes per second over the last few seconds, for "rate" and "time left": a whole-transfer
 * average would still show yesterday's speed after the Wi-Fi slowed down.
 */
export class Progress {
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 3000,
  ) {}

  /** Record `bytes` moved so far; returns the rate, or undefined until there are two samples. */
  rate(bytes: number): number | undefined {
    const at = this.now();
    const last = this.samples[this.samples.length - 1];
    // One sample per 100 ms is plenty for a rate, and keeps the list short at 1 GB/s.
    if (!last || at - last.at >= 100) this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - (this.samples[1]?.at ?? at) > this.windowMs)
      this.samples.shift();
    const first = this.samples[0];
    if (!first || at - first.at <= 0) return undefined;
    return Math.round(((bytes - first.bytes) * 1000) / (at - first.at));
  }
}
