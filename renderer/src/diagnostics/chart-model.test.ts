import { describe, expect, it } from 'vitest';
import { chartGeometry, firstPending, niceCeil, probeTicks, scaleTop } from './chart-model';
import { LOST, PENDING, SEND_ERROR } from './echo-state';

describe('chart model', () => {
  it('rounds scales up to 1, 2, 2.5, 5 × 10^k', () => {
    expect([0.3, 0.9, 1, 1.1, 2.2, 4, 7, 12, 240].map(niceCeil)).toEqual([
      0.5, 1, 1, 2, 2.5, 5, 10, 20, 250,
    ]);
    expect(niceCeil(0)).toBe(1);
  });

  it('keeps a few spikes from flattening the chart', () => {
    const steady = Array.from({ length: 50 }, (_, i) => 0.5 + (i % 5) * 0.05);
    expect(scaleTop(steady)).toBeCloseTo(0.8);
    expect(scaleTop([...steady.slice(2), 40, 45])).toBe(1.5);
    expect(scaleTop([0.5, 40])).toBe(60);
    expect(scaleTop([3, 24])).toBe(30);
    expect(scaleTop([LOST, PENDING])).toBe(1);
  });

  it('numbers probes from 1', () => {
    expect(probeTicks(50, 5)).toEqual([1, 10, 20, 30, 40, 50]);
    expect(probeTicks(1)).toEqual([1]);
    expect(probeTicks(4, 5)).toEqual([1, 2, 3, 4]);
  });

  it('draws answers, breaks the line at losses, marks them and the cursor', () => {
    const g = chartGeometry(
      [1, 2, LOST, 2, SEND_ERROR, PENDING],
      { width: 346, height: 136 },
      {
        yMax: 4,
        running: true,
        decided: firstPending([1, 2, LOST, 2, SEND_ERROR, PENDING]),
      },
    );
    // Plot: x 46..334 (step 57.6), y 12..112 (25 px per ms).
    expect(g.line).toBe('M46 87L103.6 62M218.8 62');
    expect(g.dots).toHaveLength(3);
    expect(g.lost).toEqual([161.2]);
    expect(g.errors).toEqual([276.4]);
    expect(g.cursor).toBe(334);
    expect(g.yTicks.map((t) => t.value)).toEqual([0, 1, 2, 3, 4]);
    expect(g.bucketed).toBe(false);
  });

  it('buckets long runs into a band and a median line', () => {
    const samples = Array.from({ length: 100_000 }, (_, i) =>
      i % 1000 === 0 ? LOST : 1 + (i % 7) / 10,
    );
    const g = chartGeometry(samples, { width: 658, height: 200 });
    expect(g.bucketed).toBe(true);
    expect(g.dots).toHaveLength(0);
    expect(g.band.length).toBeGreaterThan(0);
    expect(g.lost.length).toBe(100);
    expect(g.line.split(/[ML]/).length - 1).toBeLessThanOrEqual(200);
  });

  it('marks answers above the scale', () => {
    const g = chartGeometry([1, 30], { width: 346, height: 136 }, { yMax: 5 });
    expect(g.clipped).toEqual([334]);
  });
});
