import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LruMap } from './lru-map';

/** The obvious implementation: an array of [key, value], least recently used first. */
class Reference {
  items: [number, string][] = [];
  set(k: number, v: string) {
    this.items = this.items.filter(([x]) => x !== k);
    this.items.push([k, v]);
  }
  touch(k: number) {
    const found = this.items.find(([x]) => x === k);
    if (!found) return false;
    this.set(k, found[1]);
    return true;
  }
  delete(k: number) {
    const before = this.items.length;
    this.items = this.items.filter(([x]) => x !== k);
    return this.items.length < before;
  }
}

const op = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    key: fc.integer({ min: 0, max: 9 }),
    value: fc.string(),
  }),
  fc.record({ kind: fc.constant('touch' as const), key: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ kind: fc.constant('evict' as const) }),
  fc.record({ kind: fc.constant('clear' as const) }),
);

describe('LruMap', () => {
  it('behaves like an array kept in order of use, for any sequence of operations', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const lru = new LruMap<number, string>();
        const ref = new Reference();
        for (const o of ops) {
          if (o.kind === 'set') {
            lru.set(o.key, o.value);
            ref.set(o.key, o.value);
          } else if (o.kind === 'touch') {
            expect(lru.touch(o.key)).toBe(ref.touch(o.key));
          } else if (o.kind === 'delete') {
            expect(lru.delete(o.key)).toBe(ref.delete(o.key));
          } else if (o.kind === 'evict') {
            const oldest = lru.oldest();
            expect(oldest).toEqual(ref.items[0]);
            if (oldest) {
              lru.delete(oldest[0]);
              ref.delete(oldest[0]);
            }
          } else {
            lru.clear();
            ref.items = [];
          }
          expect([...lru.entries()]).toEqual(ref.items);
          expect(lru.size).toBe(ref.items.length);
        }
        for (const [k, v] of ref.items) {
          expect(lru.has(k)).toBe(true);
          expect(lru.get(k)).toBe(v);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('get does not count as a use; values() runs from least to most recently used', () => {
    const lru = new LruMap<string, number>();
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('c', 3);
    expect(lru.get('a')).toBe(1);
    expect(lru.oldest()).toEqual(['a', 1]);
    lru.touch('a');
    lru.set('b', 20);
    expect([...lru.values()]).toEqual([3, 1, 20]);
  });
});
