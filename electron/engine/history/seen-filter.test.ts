import { describe, expect, it } from 'vitest';
import { SeenFilter } from './seen-filter';

describe('SeenFilter', () => {
  it('never misses a key it was given, and rarely claims one it was not', () => {
    const f = new SeenFilter(16);
    const hash = (i: number) => (i * 0x9e3779b1 + 0x1234_5678_9abc) % 2 ** 48;
    for (let i = 0; i < 3000; i++) f.add(1_000_000 + i, hash(i));
    // Message-id keys share one packet number (SEEN_BY_ID): the hash alone tells them apart.
    for (let i = 0; i < 1000; i++) f.add(-1, hash(i + 50_000));
    for (let i = 0; i < 3000; i++) expect(f.mayHave(1_000_000 + i, hash(i))).toBe(true);
    for (let i = 0; i < 1000; i++) expect(f.mayHave(-1, hash(i + 50_000))).toBe(true);
    let wrong = 0;
    for (let i = 0; i < 10_000; i++) if (f.mayHave(2_000_000 + i, hash(i + 90_000))) wrong++;
    // 4,000 keys in 65,536 bits with 4 probes: about 1 %.
    expect(wrong).toBeLessThan(400);
    expect(f.added).toBe(4000);
    f.reset();
    expect(f.added).toBe(0);
    expect(f.mayHave(1_000_000, hash(0))).toBe(false);
  });

  it('tells apart the same body under another packet number', () => {
    const f = new SeenFilter(16);
    f.add(7, 123_456_789_012);
    let claimed = 0;
    for (let p = 8; p < 1008; p++) if (f.mayHave(p, 123_456_789_012)) claimed++;
    expect(claimed).toBe(0);
  });
});
