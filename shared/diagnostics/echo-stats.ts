import type { EchoStats, RttSummary } from '../model';

/**
 * Statistics of one echo run, computed from what happened to each probe. Pure: no clock, no I/O,
 * so the figures a person sees can be checked against hand-made cases.
 */

export interface ProbeRecord {
  seq: number;
  /** Round-trip time of the first answer, ms; undefined when none came in time. */
  rttMs?: number;
  /** The timeout passed without an answer (an answer after that is 'late', not 'received'). */
  lost?: boolean;
  /** The socket refused the probe. */
  error?: boolean;
}

export interface StatsCounters {
  duplicates: number;
  reordered: number;
  late: number;
  altered: number;
}

/** Linear interpolation between closest ranks (the "type 7" estimator of R and NumPy). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? NaN;
  const b = sorted[hi] ?? NaN;
  return a + (b - a) * (rank - lo);
}

export function summariseRtt(rtts: readonly number[]): RttSummary | null {
  if (rtts.length === 0) return null;
  const sorted = [...rtts].sort((x, y) => x - y);
  let sum = 0;
  for (const r of sorted) sum += r;
  return {
    min: round3(sorted[0] ?? 0),
    avg: round3(sum / sorted.length),
    p50: round3(percentile(sorted, 50)),
    p95: round3(percentile(sorted, 95)),
    max: round3(sorted[sorted.length - 1] ?? 0),
  };
}

/**
 * Jitter as the mean absolute difference between the round-trip times of consecutive answered
 * probes, in sequence order (RFC 3550's interarrival jitter D(i-1,i), averaged instead of
 * smoothed with gain 1/16, so that a short run gives an unbiased figure).
 */
export function jitter(records: readonly ProbeRecord[]): number | null {
  const inOrder = records
    .filter((r): r is ProbeRecord & { rttMs: number } => r.rttMs !== undefined)
    .sort((a, b) => a.seq - b.seq);
  if (inOrder.length < 2) return null;
  let total = 0;
  for (let i = 1; i < inOrder.length; i++) {
    total += Math.abs((inOrder[i]?.rttMs ?? 0) - (inOrder[i - 1]?.rttMs ?? 0));
  }
  return round3(total / (inOrder.length - 1));
}

/** Loss is over decided probes only, so a live run does not count probes still in flight. */
export function computeStats(records: readonly ProbeRecord[], counters: StatsCounters): EchoStats {
  let received = 0;
  let lost = 0;
  let errors = 0;
  const rtts: number[] = [];
  for (const r of records) {
    if (r.error) errors++;
    if (r.rttMs !== undefined) {
      received++;
      rtts.push(r.rttMs);
    } else if (r.lost || r.error) {
      lost++;
    }
  }
  const decided = received + lost;
  return {
    sent: records.length,
    received,
    lost,
    loss: decided === 0 ? 0 : round6(lost / decided),
    duplicates: counters.duplicates,
    reordered: counters.reordered,
    late: counters.late,
    errors,
    altered: counters.altered,
    rttMs: summariseRtt(rtts),
    jitterMs: jitter(records),
  };
}

/**
 * Counts answers that arrive after an answer to a later probe (RFC 4737's "reordered" packets:
 * sequence number below the highest one seen so far).
 */
export class ReorderCounter {
  private highest = -1;
  count = 0;

  /** Record the arrival of the first answer to `seq`; true when it came out of order. */
  arrive(seq: number): boolean {
    if (seq < this.highest) {
      this.count++;
      return true;
    }
    this.highest = seq;
    return false;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
