import { describe, expect, it } from 'vitest';
import { OldestFirst } from './oldest-first';

describe('OldestFirst', () => {
  it('gives the member with the smallest number, whatever order they came and went', () => {
    const set = new OldestFirst();
    set.add('c', 3);
    set.add('a', 1);
    set.add('b', 2);
    expect(set.oldest()).toBe('a');
    set.delete('a');
    expect([set.oldest(), set.size]).toEqual(['b', 2]);
    // Back again with its first number: the oldest again.
    set.add('a', 1);
    expect(set.oldest()).toBe('a');
    set.delete('a');
    set.delete('b');
    set.delete('c');
    expect([set.oldest(), set.size, set.has('c')]).toEqual([undefined, 0, false]);
  });

  it('agrees with a sorted list over random churn (and stays small)', () => {
    const rnd = random(7);
    const set = new OldestFirst();
    const model = new Map<string, number>();
    for (let step = 0; step < 20_000; step++) {
      const n = rnd(300);
      const id = `id${n}`;
      if (rnd(3) === 0) {
        set.delete(id);
        model.delete(id);
      } else {
        set.add(id, n);
        model.set(id, n);
      }
      const want = [...model].sort((a, b) => a[1] - b[1])[0]?.[0];
      expect(set.oldest()).toBe(want);
      expect(set.size).toBe(model.size);
    }
    // Stale heap entries are dropped rather than kept for ever.
    expect((set as unknown as { heap: unknown[] }).heap.length).toBeLessThan(2 * 300 + 40);
  });
});

/** A seeded xorshift32: the same churn on every run. */
function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}
