import { describe, expect, it } from 'vitest';
import { sweepSizes } from './size-sweep';

/** A path that passes everything up to `limit` bytes. */
const upTo = (limit: number) => async (size: number) => ({ passed: size <= limit });

describe('sweepSizes', () => {
  it('finds the MTU boundary in three probes when fragments are dropped', async () => {
    const r = await sweepSizes({ min: 64, max: 8192, hints: [1472, 1473], probe: upTo(1472) });
    expect(r).toMatchObject({ largestPassing: 1472, smallestFailing: 1473 });
    expect(r.steps.map((s) => s.size)).toEqual([64, 1472, 1473]);
  });

  it('bisects to the byte when the limit is elsewhere (a VPN)', async () => {
    const r = await sweepSizes({ min: 64, max: 8192, hints: [1472, 1473], probe: upTo(1372) });
    expect(r).toMatchObject({ largestPassing: 1372, smallestFailing: 1373 });
    expect(r.steps.length).toBeLessThan(15);
  });

  it('reports everything passing up to max (fragments pass)', async () => {
    const r = await sweepSizes({ min: 64, max: 8192, hints: [1472, 1473], probe: upTo(65507) });
    expect(r).toMatchObject({ largestPassing: 8192, smallestFailing: null });
    expect(r.steps.map((s) => s.size)).toEqual([64, 1472, 1473, 8192]);
  });

  it('reports nothing passing when even the smallest probe fails', async () => {
    const r = await sweepSizes({ min: 64, max: 8192, probe: upTo(0) });
    expect(r).toMatchObject({ largestPassing: null, smallestFailing: 64 });
  });

  it('stops when cancelled', async () => {
    let n = 0;
    const r = await sweepSizes({
      min: 1,
      max: 60000,
      probe: async (size) => ({ passed: size < 1000 }),
      cancelled: () => ++n > 3,
    });
    expect(r.cancelled).toBe(true);
    expect(r.steps.length).toBeLessThan(5);
  });
});
