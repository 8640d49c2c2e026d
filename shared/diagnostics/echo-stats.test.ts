import { describe, expect, it } from 'vitest';
import { computeStats, jitter, percentile, ReorderCounter, summariseRtt } from './echo-stats';

const none = { duplicates: 0, reordered: 0, late: 0, altered: 0 };

describe('percentile', () => {
  it('interpolates between closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10], 95)).toBe(10);
    expect(percentile([0, 10], 95)).toBeCloseTo(9.5);
    expect(percentile([1, 2, 3, 4, 5], 0)).toBe(1);
    expect(percentile([1, 2, 3, 4, 5], 100)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summariseRtt', () => {
  it('gives min, avg, p50, p95 and max', () => {
    const rtts = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(summariseRtt(rtts)).toEqual({ min: 1, avg: 50.5, p50: 50.5, p95: 95.05, max: 100 });
    expect(summariseRtt([])).toBeNull();
  });
});

describe('jitter', () => {
  it('is the mean absolute difference of consecutive RTTs in sequence order', () => {
    // seq order: 10, 14, 11 -> |4| + |3| = 7 over 2 pairs
    expect(
      jitter([
        { seq: 2, rttMs: 11 },
        { seq: 0, rttMs: 10 },
        { seq: 1, rttMs: 14 },
      ]),
    ).toBe(3.5);
  });
  it('skips lost probes and needs two answers', () => {
    expect(
      jitter([
        { seq: 0, rttMs: 1 },
        { seq: 1, lost: true },
        { seq: 2, rttMs: 3 },
      ]),
    ).toBe(2);
    expect(jitter([{ seq: 0, rttMs: 1 }])).toBeNull();
  });
  it('is zero for a constant delay', () => {
    expect(jitter(Array.from({ length: 10 }, (_, seq) => ({ seq, rttMs: 5 })))).toBe(0);
  });
});

describe('computeStats', () => {
  it('counts loss over decided probes only', () => {
    const s = computeStats(
      [
        { seq: 0, rttMs: 1 },
        { seq: 1, lost: true },
        { seq: 2, rttMs: 3 },
        { seq: 3, error: true },
        { seq: 4 }, // still in flight
      ],
      { ...none, duplicates: 2 },
    );
    expect(s).toMatchObject({
      sent: 5,
      received: 2,
      lost: 2,
      loss: 0.5,
      errors: 1,
      duplicates: 2,
      rttMs: { min: 1, max: 3, avg: 2, p50: 2 },
      jitterMs: 2,
    });
  });
  it('reports zero loss and no RTT before anything is decided', () => {
    expect(computeStats([{ seq: 0 }], none)).toMatchObject({
      loss: 0,
      rttMs: null,
      jitterMs: null,
    });
  });
  it('survives JSON', () => {
    const s = computeStats([{ seq: 0, rttMs: 0.123 }], none);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('ReorderCounter', () => {
  it('counts arrivals below the highest sequence number seen', () => {
    const r = new ReorderCounter();
    expect([0, 2, 1, 3, 5, 4, 6].map((s) => r.arrive(s))).toEqual([
      false,
      false,
      true,
      false,
      false,
      true,
      false,
    ]);
    expect(r.count).toBe(2);
  });
});
