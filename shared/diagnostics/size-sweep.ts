import type { SweepStep } from '../model';

/**
 * Find the largest UDP payload that gets to a peer and back. node:dgram cannot set
 * don't-fragment, so sizes above the path MTU leave as IP fragments; on most LANs they pass, but
 * VPNs, some Wi-Fi and firewalls drop fragments, and then a long message never arrives (IPMsg
 * #46). Tries the smallest size, then the MTU boundary (`hints`), then the largest, then bisects
 * between the largest pass and the smallest failure, to the byte.
 */
export interface SweepProbeResult {
  passed: boolean;
  rttMs?: number;
}

export interface SweepSizesOptions {
  min: number;
  max: number;
  /** Sizes to try before bisecting, e.g. MTU - 28 and MTU - 27. */
  hints?: number[];
  probe: (size: number) => Promise<SweepProbeResult>;
  onStep?: (step: SweepStep) => void;
  cancelled?: () => boolean;
}

export interface SweepOutcome {
  largestPassing: number | null;
  smallestFailing: number | null;
  steps: SweepStep[];
  cancelled: boolean;
}

export async function sweepSizes(o: SweepSizesOptions): Promise<SweepOutcome> {
  const steps: SweepStep[] = [];
  const tried = new Map<number, boolean>();
  const test = async (size: number): Promise<boolean> => {
    const known = tried.get(size);
    if (known !== undefined) return known;
    const r = await o.probe(size);
    const step: SweepStep = {
      size,
      passed: r.passed,
      ...(r.rttMs !== undefined ? { rttMs: r.rttMs } : {}),
    };
    tried.set(size, r.passed);
    steps.push(step);
    o.onStep?.(step);
    return r.passed;
  };
  const stopped = () => o.cancelled?.() === true;
  const outcome = (lo: number | null, hi: number | null): SweepOutcome => ({
    largestPassing: lo,
    smallestFailing: hi,
    steps,
    cancelled: stopped(),
  });

  if (!(await test(o.min))) return outcome(null, o.min);
  let lo = o.min;
  let hi: number | undefined;
  const hints = [...new Set(o.hints ?? [])]
    .filter((h) => h > o.min && h <= o.max)
    .sort((a, b) => a - b);
  for (const h of hints) {
    if (stopped()) return outcome(lo, hi ?? null);
    if (await test(h)) lo = h;
    else {
      hi = h;
      break;
    }
  }
  if (hi === undefined && lo < o.max) {
    if (stopped()) return outcome(lo, null);
    if (await test(o.max)) return outcome(o.max, null);
    hi = o.max;
  }
  if (hi === undefined) return outcome(lo, null);
  while (hi - lo > 1) {
    if (stopped()) break;
    const mid = Math.floor((lo + hi) / 2);
    if (await test(mid)) lo = mid;
    else hi = mid;
  }
  return outcome(lo, hi);
}
