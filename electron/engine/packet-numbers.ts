import { randomPool, type RandomPool } from './random-pool';

/** IPMsg formats referenced numbers with %d: every number stays at or below 2^31 − 1. */
export const PACKET_NO_MAX = 0x7fffffff;
/**
 * A message to a client that cannot prove delivery gets a number 1..MAX_GAP above the last one
 * (uniform, from the CSPRNG): someone who read our counter off the wire and forges its ack has a
 * 1 in 64 chance per message of hitting the number, and every miss is an ack for a number we
 * never sent, which shows (delivery-queue.ts). Mean cost 32.5 numbers per such message.
 */
export const MAX_GAP = 64;
/** Numbers reserved in the data directory at a time, before any of them is used. */
export const RESERVE_BLOCK = 65_536;
/**
 * With nothing saved, a counter starts at CLOCK_BASE plus the seconds since CLOCK_EPOCH_MS (see
 * PacketNumbers): ten digits, like IPMsg's time-seeded numbers, so our headers keep one length
 * (an echo reply is exactly as long as its probe only when both numbers have as many digits).
 */
const CLOCK_BASE = 1_000_000_000;
const CLOCK_EPOCH_MS = Date.UTC(2025, 0, 1);

/** Where the counter's high-water mark is kept (io/packet-counter-file.ts). */
export interface CounterStore {
  /** Where it is, for error texts. */
  readonly where: string;
  /**
   * The saved mark: every number up to it may have been used (undefined: nothing saved). A
   * damaged file is moved aside (`damaged` says where); one that cannot be read at all throws.
   */
  load(): { highWater: number | undefined; damaged?: string };
  /** Save durably, or throw. */
  save(highWater: number): void;
}

export interface CounterProblem {
  file: string;
  error: string;
}

/**
 * Packet numbers that only ever increase, as iptux requires (it silently drops a SENDMSG whose
 * number is not above the last one it saw from us), and stay at or below 2^31 − 1.
 *
 * Kept in the data directory, so another run never starts lower: before a number past the
 * saved high-water mark is used, a block of RESERVE_BLOCK numbers is saved ahead of it, so a
 * crash costs at most one block and never reuses a number; a clean stop saves the exact last
 * number. Two runs on the same data directory at once never use the same number: each one
 * reserves above what the file says. With nothing saved (a new or missing data directory) the
 * counter starts at 10^9 plus the seconds since 2025-01-01, so runs without a data directory
 * still go up like IPMsg's time-seeded numbers.
 *
 * How long it lasts, from about 1.044e9 in 2026 to 2^31 − 1 ≈ 2.147e9 (1.1e9 numbers): every
 * datagram costs 1, a message to a client that cannot prove delivery 32.5 on average (MAX_GAP).
 * Heavy use, 10,000 such messages and 50,000 other datagrams a day, is 375,000 a day or 1.37e8
 * a year: 8 years. Messages between Pigeons cost 1. A script sending to iptux every second, day
 * and night, uses 2.8e6 a day: 1 year. A fresh data directory alone (the clock) reaches the top
 * in 2061. Then the counter starts again from 1 (peers that hear our next entry forget our old
 * numbers; see SECURITY.md).
 */
export class PacketNumbers {
  /** The last number handed out. */
  private last: number;
  /** Whether any number was handed out yet (a restarted engine keeps counting above them). */
  private used = false;
  /** The last number before the first this run handed out (see runFloor). */
  private floor = 0;
  /** Numbers up to here are saved as possibly used; past it, a new block is reserved first. */
  private reserved = PACKET_NO_MAX;
  private store: CounterStore | undefined;
  private problemListener: ((problem: CounterProblem) => void) | undefined;

  constructor(
    private readonly nowMs: () => number,
    private readonly random: RandomPool = randomPool,
  ) {
    this.last = this.clockFloor();
  }

  /** Where failures to read or save the counter are told (the engine: engine:error). */
  onProblem(listener: (problem: CounterProblem) => void): void {
    this.problemListener = listener;
  }

  /** Continue above the mark saved in `store` (and the clock), and reserve a block ahead. */
  open(store: CounterStore | undefined): void {
    this.store = undefined;
    this.reserved = PACKET_NO_MAX;
    if (!this.used) this.last = this.clockFloor();
    if (!store) return;
    let saved: number | undefined;
    try {
      const loaded = store.load();
      saved = loaded.highWater;
      if (loaded.damaged)
        this.problemListener?.({
          file: store.where,
          error: `damaged, moved to ${loaded.damaged}`,
        });
    } catch (err) {
      this.problemListener?.({ file: store.where, error: errorText(err) });
      return;
    }
    // What was saved is the truth (even below the clock: the counter may have started again);
    // only with nothing saved does the clock say where to start.
    if (saved !== undefined && saved < PACKET_NO_MAX)
      this.last = this.used ? Math.max(this.last, saved) : saved;
    this.store = store;
    this.last = this.reserve(this.last + 1) - 1;
  }

  /** Save the exact last number, so that the next run wastes none of the reserved block. */
  close(): void {
    const store = this.store;
    this.store = undefined;
    if (!store) return;
    try {
      // Only over our own reservation: another run may have reserved above it since.
      if (store.load().highWater === this.reserved) store.save(this.last);
    } catch (err) {
      this.problemListener?.({ file: store.where, error: errorText(err) });
    }
    this.reserved = PACKET_NO_MAX;
  }

  /**
   * Every number above this one may be ours from this run, used or yet to come: an ack for one we
   * did not send there as a message is a guess at ours (delivery-queue.ts). Numbers at or below it
   * are earlier runs' (a late ack across a restart). Once the counter starts again from the
   * bottom, every number is this run's.
   */
  runFloor(): number {
    return this.used ? this.floor : this.last;
  }

  /** The next number: one above the last. */
  next(): number {
    return this.advance(1);
  }

  /** The next number after a random gap of 1..MAX_GAP (see MAX_GAP). */
  nextWithGap(): number {
    return this.advance(this.random.step(MAX_GAP));
  }

  private advance(step: number): number {
    if (!this.used) this.floor = this.last;
    this.used = true;
    let n = this.last + step;
    if (n > PACKET_NO_MAX) {
      // The whole space is used up (see the class comment for when): start again from the bottom.
      n = this.reserve(step, true);
      this.floor = 0;
    } else if (n > this.reserved) {
      n = this.reserve(n);
    }
    this.last = n;
    return n;
  }

  /** Save a high-water mark ahead of `n` before `n` is used; returns the number to use. */
  private reserve(n: number, restart = false): number {
    const store = this.store;
    if (!store) return n;
    try {
      if (!restart) {
        // Another run on the same data directory may have reserved numbers since: go above them.
        const { highWater } = store.load();
        if (highWater !== undefined && highWater >= n && highWater < PACKET_NO_MAX)
          n = highWater + 1;
      }
      const high = Math.min(PACKET_NO_MAX, n + RESERVE_BLOCK - 1);
      store.save(high);
      this.reserved = high;
    } catch (err) {
      // Count on in memory, and say once that the counter is not kept.
      this.store = undefined;
      this.reserved = PACKET_NO_MAX;
      this.problemListener?.({ file: store.where, error: errorText(err) });
    }
    return n;
  }

  private clockFloor(): number {
    return CLOCK_BASE + Math.max(0, Math.floor((this.nowMs() - CLOCK_EPOCH_MS) / 1000));
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
