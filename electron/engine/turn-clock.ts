import type { Clock } from './clock';

/**
 * The engine's clocks, read once per datagram handled. Handling one message asks the time a
 * dozen times (the intake, the reply guard, the traffic log, the peer's last-seen time, the
 * message's own, the history's note of the peer...), each a call out of JavaScript (about
 * 50 ns). Between `begin` and `end` the first reading of each clock is kept and given to every
 * later question: the handling of one datagram is one instant, its time that of its arrival
 * to within the microseconds the handling takes. Outside a turn every reading is fresh.
 */
export class TurnClock implements Clock {
  private depth = 0;
  private wall: number | undefined;
  private mono: number | undefined;

  constructor(
    private readonly base: Clock,
    /** The monotonic clock (performance.now); without one, the base clock serves for both. */
    private readonly baseMonotonic: () => number = () => base.now(),
  ) {}

  readonly now = (): number => {
    if (this.depth === 0) return this.base.now();
    return (this.wall ??= this.base.now());
  };

  /** High-resolution ms for rates and round trips (EngineContext.now). */
  readonly monotonic = (): number => {
    if (this.depth === 0) return this.baseMonotonic();
    return (this.mono ??= this.baseMonotonic());
  };

  setTimeout(fn: () => void, ms: number): unknown {
    return this.base.setTimeout(fn, ms);
  }

  clearTimeout(handle: unknown): void {
    this.base.clearTimeout(handle);
  }

  /** A datagram's handling starts: the clocks are read afresh when next asked, then held. */
  begin(): void {
    if (this.depth++ > 0) return;
    this.wall = undefined;
    this.mono = undefined;
  }

  end(): void {
    if (this.depth > 0) this.depth--;
  }
}
