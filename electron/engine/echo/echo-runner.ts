import type { EchoProbeOutcome, EchoReverse, EchoStats } from '../../../shared/model';
import type { Clock } from '../clock';
import {
  computeStats,
  ReorderCounter,
  type ProbeRecord,
  type StatsCounters,
} from '../../../shared/diagnostics/echo-stats';

/**
 * One echo run, whatever the mode: sends `count` probes `intervalMs` apart on the clock, matches
 * answers to probes, counts a probe lost when its timeout passes, and reports progress in batches
 * (at most one event per `progressEveryMs`, so a run at thousands of probes per second does not
 * flood the UI). The mode only supplies `send`; answers come in through `answer` / `answerLatest`.
 */
export interface EchoRunnerOptions {
  count: number;
  intervalMs: number;
  timeoutMs: number;
  /** Timers. */
  clock: Clock;
  /** Timestamps for round-trip times: a high-resolution ms clock (performance.now). */
  now: () => number;
  /** Send probe `seq`; return (or resolve to) an error message when the socket refused it. */
  send: (seq: number, sentAt: number) => Promise<string | undefined> | string | undefined;
  onProgress?: (probes: EchoProbeOutcome[], stats: EchoStats, reverse?: EchoReverse) => void;
  onDone?: (outcome: RunnerOutcome) => void;
  progressEveryMs?: number;
  /** Probes requested back from the peer (pigeon mode); the run then waits for them too. */
  reverseRequested?: number;
  /** Keep the run open at least this long after it started (the probe-back window). */
  minDurationMs?: number;
}

export interface RunnerOutcome {
  state: 'done' | 'cancelled';
  stats: EchoStats;
  reverse?: EchoReverse;
  durationMs: number;
}

/** Sends per timer callback at most: very short intervals are sent in bursts. */
const MAX_BURST = 2000;

export class EchoRunner {
  private readonly records: (ProbeRecord & { sentAt: number })[] = [];
  private readonly counters: StatsCounters = { duplicates: 0, reordered: 0, late: 0, altered: 0 };
  private readonly reorder = new ReorderCounter();
  private readonly reverseSeen = new Set<number>();
  private reverseDuplicates = 0;
  private granted: number | null = null;
  private startedAt = 0;
  /** The run stays open until then at least (minDurationMs, or longer for a late grant). */
  private holdUntil = 0;
  private next = 0;
  /** Probes before this index are decided (answered, lost or refused). */
  private decidedUpTo = 0;
  private timer: unknown;
  private flushTimer: unknown;
  private lastFlush = -Infinity;
  private pending: EchoProbeOutcome[] = [];
  private finished = false;
  private readonly progressEveryMs: number;

  constructor(private readonly o: EchoRunnerOptions) {
    this.progressEveryMs = o.progressEveryMs ?? 100;
  }

  get done(): boolean {
    return this.finished;
  }

  start(): void {
    this.startedAt = this.o.now();
    this.holdUntil = this.startedAt + (this.o.minDurationMs ?? 0);
    this.tick();
  }

  cancel(): void {
    if (!this.finished) this.finish('cancelled');
  }

  /** The first answer to `seq` gives its RTT; more are duplicates; after the timeout, late. */
  answer(seq: number, info: { bytes: number; altered?: boolean; at?: number }): void {
    const rec = this.records[seq];
    if (!rec || this.finished) return;
    const rttMs = round3((info.at ?? this.o.now()) - rec.sentAt);
    if (rec.rttMs !== undefined) {
      this.counters.duplicates++;
      this.push({ seq, kind: 'duplicate', rttMs });
      return;
    }
    if (rec.lost) {
      this.counters.late++;
      this.push({ seq, kind: 'late', rttMs });
      return;
    }
    rec.rttMs = rttMs;
    if (this.reorder.arrive(seq)) this.counters.reordered = this.reorder.count;
    if (info.altered) this.counters.altered++;
    this.push({
      seq,
      kind: 'reply',
      rttMs,
      bytes: info.bytes,
      ...(info.altered ? { altered: true } : {}),
    });
    this.advanceDecided();
    if (this.complete()) this.finish('done');
  }

  /**
   * An answer that names no probe (IPMsg's ANSENTRY): it belongs to the most recent unanswered
   * probe still in time. Right whenever round trips are shorter than the interval, which the
   * ipmsg mode's minimum interval sees to on a LAN.
   */
  answerLatest(info: { bytes: number; at?: number }): void {
    for (let i = this.records.length - 1; i >= Math.max(0, this.records.length - 64); i--) {
      const rec = this.records[i];
      if (rec && rec.rttMs === undefined && !rec.lost && !rec.error) {
        this.answer(i, info);
        return;
      }
    }
    const last = this.records.length - 1;
    if (last >= 0) this.answer(last, info);
  }

  /** Keep the run open at least `ms` from now (probes back announced late in the run). */
  holdFor(ms: number): void {
    if (this.finished) return;
    this.holdUntil = Math.max(this.holdUntil, this.o.now() + ms);
    this.schedule();
  }

  /** The peer agreed to send `n` probes back (0: refused). */
  grant(n: number): void {
    if (this.granted !== null || this.finished) return;
    this.granted = Math.max(0, Math.min(n, this.o.reverseRequested ?? 0));
    if (this.complete()) this.finish('done');
  }

  /** A probe the peer sent us on request. */
  reverseArrived(seq: number, bytes: number): void {
    if (this.finished) return;
    if (this.reverseSeen.has(seq)) {
      this.reverseDuplicates++;
      return;
    }
    this.reverseSeen.add(seq);
    this.push({ seq, kind: 'reverse', bytes });
    if (this.complete()) this.finish('done');
  }

  stats(): EchoStats {
    return computeStats(this.records, this.counters);
  }

  reverse(): EchoReverse | undefined {
    const requested = this.o.reverseRequested ?? 0;
    if (requested <= 0) return undefined;
    const received = this.reverseSeen.size;
    const expected = this.granted;
    let loss: number | null = null;
    if (expected !== null && expected > 0 && (this.finished || received >= expected)) {
      loss = round6(Math.max(0, expected - received) / expected);
    }
    return {
      requested,
      granted: expected,
      received,
      duplicates: this.reverseDuplicates,
      loss,
    };
  }

  // ---- scheduling ----------------------------------------------------------------------------

  private tick(): void {
    this.timer = undefined;
    if (this.finished) return;
    const now = this.o.now();
    let burst = 0;
    while (
      this.next < this.o.count &&
      this.dueAt(this.next) <= now + 0.001 &&
      burst++ < MAX_BURST
    ) {
      this.sendProbe(this.next++);
    }
    this.expire(this.o.now());
    if (this.complete()) {
      this.finish('done');
      return;
    }
    this.schedule();
  }

  private dueAt(seq: number): number {
    return this.startedAt + seq * this.o.intervalMs;
  }

  private schedule(): void {
    if (this.finished) return;
    const candidates: number[] = [];
    if (this.next < this.o.count) candidates.push(this.dueAt(this.next));
    const oldest = this.records[this.decidedUpTo];
    if (oldest) candidates.push(oldest.sentAt + this.o.timeoutMs);
    if (this.holdUntil > this.o.now()) candidates.push(this.holdUntil);
    if (candidates.length === 0) return;
    const at = Math.min(...candidates);
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timer = this.o.clock.setTimeout(() => this.tick(), Math.max(0, at - this.o.now()));
  }

  private sendProbe(seq: number): void {
    const rec: ProbeRecord & { sentAt: number } = { seq, sentAt: this.o.now() };
    this.records[seq] = rec;
    let result: Promise<string | undefined> | string | undefined;
    try {
      result = this.o.send(seq, rec.sentAt);
    } catch (err) {
      result = err instanceof Error ? err.message : String(err);
    }
    // The clock starts when the datagram is handed to the socket, as ping's does: building the
    // probe is our own time, not the path's.
    rec.sentAt = this.o.now();
    if (typeof result === 'string') this.refused(rec, result);
    else if (result) void result.then((err) => err !== undefined && this.refused(rec, err));
  }

  private refused(rec: ProbeRecord, reason: string): void {
    if (this.finished || rec.rttMs !== undefined || rec.lost) return;
    rec.error = true;
    this.push({ seq: rec.seq, kind: 'error', reason });
    this.advanceDecided();
    if (this.complete()) this.finish('done');
  }

  private expire(now: number): void {
    for (;;) {
      const rec = this.records[this.decidedUpTo];
      if (!rec) return;
      if (rec.rttMs === undefined && !rec.error && !rec.lost) {
        if (rec.sentAt + this.o.timeoutMs > now + 0.001) return;
        rec.lost = true;
        this.push({ seq: rec.seq, kind: 'lost' });
      }
      this.decidedUpTo++;
    }
  }

  private advanceDecided(): void {
    for (;;) {
      const rec = this.records[this.decidedUpTo];
      if (!rec || (rec.rttMs === undefined && !rec.error && !rec.lost)) return;
      this.decidedUpTo++;
    }
  }

  private complete(): boolean {
    if (this.next < this.o.count || this.decidedUpTo < this.o.count) return false;
    if (this.o.now() >= this.holdUntil) return true;
    // Waiting for probes back: done early once every granted one has arrived.
    const want = this.granted;
    return want !== null && this.reverseSeen.size >= want;
  }

  private finish(state: 'done' | 'cancelled'): void {
    this.finished = true;
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    if (this.flushTimer !== undefined) this.o.clock.clearTimeout(this.flushTimer);
    this.timer = this.flushTimer = undefined;
    if (state === 'cancelled') {
      // Probes still in flight are neither answered nor lost: leave them out of the figures.
      this.records.length = Math.min(this.records.length, this.decidedUpTo);
    }
    this.flush();
    const reverse = this.reverse();
    this.o.onDone?.({
      state,
      stats: this.stats(),
      ...(reverse ? { reverse } : {}),
      durationMs: round3(this.o.now() - this.startedAt),
    });
  }

  // ---- progress ------------------------------------------------------------------------------

  private push(outcome: EchoProbeOutcome): void {
    this.pending.push(outcome);
    if (this.finished) return;
    const now = this.o.now();
    if (now - this.lastFlush >= this.progressEveryMs) {
      this.flush();
    } else if (this.flushTimer === undefined) {
      this.flushTimer = this.o.clock.setTimeout(
        () => {
          this.flushTimer = undefined;
          if (!this.finished) this.flush();
        },
        this.lastFlush + this.progressEveryMs - now,
      );
    }
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.lastFlush = this.o.now();
    const probes = this.pending;
    this.pending = [];
    const reverse = this.reverse();
    this.o.onProgress?.(probes, this.stats(), reverse);
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
