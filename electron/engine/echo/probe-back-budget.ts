/**
 * What probe-back may send, in all, per second: every session, to every requester, together.
 * Cookies make sure probes go only to whoever asked; this bounds what any number of askers can
 * get out of us at once.
 *
 * Two parts. A session is admitted only when its steady rate (one probe per interval) fits
 * beside the sessions already running, so admitted sessions run at the pace their requesters
 * expect and their loss figures stay true; a session that does not fit is refused (a=0). And
 * every datagram passes a meter over the last second, the hard bound: should timers bunch
 * sends up, a send waits until the window has room instead of exceeding it.
 */
export interface BudgetLimits {
  datagramsPerSecond: number;
  bytesPerSecond: number;
}

export interface Reservation {
  datagramsPerSecond: number;
  bytesPerSecond: number;
}

const WINDOW_MS = 1000;

export class ProbeBackBudget {
  private reserved = { datagrams: 0, bytes: 0 };
  /** Sends in the last second: when, and how many bytes. */
  private readonly window: { at: number; bytes: number }[] = [];
  private windowBytes = 0;

  constructor(private readonly limits: BudgetLimits) {}

  /** Reserve the rate of a session sending `size` bytes every `intervalMs`; undefined: no room. */
  reserve(intervalMs: number, size: number): Reservation | undefined {
    // Whole datagrams per second: a 30 ms session sends 34 in some windows, not 33.3.
    const datagrams = Math.ceil(WINDOW_MS / intervalMs);
    const r = { datagramsPerSecond: datagrams, bytesPerSecond: datagrams * size };
    if (
      this.reserved.datagrams + r.datagramsPerSecond > this.limits.datagramsPerSecond ||
      this.reserved.bytes + r.bytesPerSecond > this.limits.bytesPerSecond
    ) {
      return undefined;
    }
    this.reserved.datagrams += r.datagramsPerSecond;
    this.reserved.bytes += r.bytesPerSecond;
    return r;
  }

  release(r: Reservation): void {
    this.reserved.datagrams = Math.max(0, this.reserved.datagrams - r.datagramsPerSecond);
    this.reserved.bytes = Math.max(0, this.reserved.bytes - r.bytesPerSecond);
  }

  /** Count a datagram of `bytes` sent at `now`: 0 when it may go, else ms to wait (Infinity: never). */
  take(bytes: number, now: number): number {
    if (bytes > this.limits.bytesPerSecond || this.limits.datagramsPerSecond < 1) return Infinity;
    while (this.window.length && (this.window[0]?.at ?? 0) <= now - WINDOW_MS) {
      this.windowBytes -= this.window.shift()?.bytes ?? 0;
    }
    const fits =
      this.window.length + 1 <= this.limits.datagramsPerSecond &&
      this.windowBytes + bytes <= this.limits.bytesPerSecond;
    if (!fits) {
      // Room comes when the oldest send leaves the window (or sooner, by a later call).
      const oldest = this.window[0]?.at ?? now;
      return Math.max(1, oldest + WINDOW_MS - now);
    }
    this.window.push({ at: now, bytes });
    this.windowBytes += bytes;
    return 0;
  }
}
