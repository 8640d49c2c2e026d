import type { Clock } from '../clock';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A Clock whose time moves only when a test says so.
 *
 *   const clock = new FakeClock();              // starts at 2024-01-01T00:00:00Z unless told
 *   const engine = new Engine(settings, { clock, socket, tcp: false, entryRepeatMs: 0 });
 *   await clock.advance(1000);                   // fire every timer due in the next second
 *
 * `advance` fires due timers one at a time, in time order (ties in the order they were set),
 * moving `now()` to each timer's time before calling it, and lets pending promise callbacks
 * and FakeNetwork deliveries run between two timers. So a retransmission at t=1000 and the ack
 * it provokes are both handled before the timer at t=2000 fires: always `await` it.
 * Timers set while advancing (including zero-delay ones) fire in the same call if they fall
 * due before the target time.
 */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  /** Live timers by id; the heap may still hold cancelled ones (skipped when popped). */
  private readonly live = new Map<number, Timer>();
  private heap: Timer[] = [];
  /** Guard against a test wiring two parties that answer each other forever. */
  maxTimersPerAdvance = 1_000_000;

  constructor(startMs = Date.UTC(2024, 0, 1)) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const timer = { id, at: this.time + delay, fn };
    this.live.set(id, timer);
    this.push(timer);
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.live.delete(handle);
  }

  /** Timers that have not fired yet. */
  pending(): number {
    return this.live.size;
  }

  /** When the next timer is due, if any. */
  nextDue(): number | undefined {
    return this.peek()?.at;
  }

  /**
   * Move time forward by `ms`, firing every timer that falls due. Time never goes backwards
   * here; use `jump` to model a wall-clock step.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`cannot advance by ${ms} ms`);
    const target = this.time + ms;
    let fired = 0;
    await settle();
    for (;;) {
      const t = this.peek();
      if (!t || t.at > target) break;
      if (++fired > this.maxTimersPerAdvance) {
        throw new Error(`more than ${this.maxTimersPerAdvance} timers fired in one advance`);
      }
      this.pop();
      this.live.delete(t.id);
      this.time = Math.max(this.time, t.at);
      t.fn();
      await settle();
    }
    this.time = target;
    await settle();
  }

  /** Fire everything that is due now (zero-delay timers, network deliveries without latency). */
  flush(): Promise<void> {
    return this.advance(0);
  }

  /**
   * Step the wall clock by `ms` (NTP correction, suspend/resume; may be negative) without firing
   * anything. Pending timers keep their remaining delay, like Node's monotonic timers.
   */
  jump(ms: number): void {
    this.time += ms;
    for (const t of this.heap) t.at += ms;
  }

  // ---- a binary min-heap on (at, id) -----------------------------------------------------------

  private peek(): Timer | undefined {
    while (this.heap.length && !this.live.has(this.heap[0]?.id ?? -1)) this.pop();
    return this.heap[0];
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as Timer, h[parent] as Timer)) break;
      [h[i], h[parent]] = [h[parent] as Timer, h[i] as Timer];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l] as Timer, h[m] as Timer)) m = l;
      if (r < h.length && before(h[r] as Timer, h[m] as Timer)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as Timer, h[i] as Timer];
      i = m;
    }
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id);
}

/** Let every queued promise callback run (one macrotask turn drains the microtask queue). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
