import { describe, expect, it } from 'vitest';
import { PacketNumbers } from './packet-numbers';

describe('PacketNumbers', () => {
  it('starts from the clock in seconds, like IPMsg', () => {
    const n = new PacketNumbers(() => 1_700_000_000_500);
    expect(n.next()).toBe(1_700_000_001);
  });

  it('increases by one within a second and jumps to the clock when it passes', () => {
    let now = 1_700_000_000_000;
    const n = new PacketNumbers(() => now);
    const a = n.next();
    const b = n.next();
    expect(b).toBe(a + 1);
    now += 60_000;
    expect(n.next()).toBe(1_700_000_060);
  });

  it('never goes down when the wall clock steps back', () => {
    let now = 1_700_000_000_000;
    const n = new PacketNumbers(() => now);
    let last = 0;
    for (let i = 0; i < 1000; i++) {
      if (i === 500) now -= 86_400_000;
      const x = n.next();
      expect(x).toBeGreaterThan(last);
      last = x;
    }
  });

  it('stays below 2^31 (IPMsg prints referenced numbers with %d)', () => {
    let now = 0x7ffffff0 * 1000; // 2038
    const n = new PacketNumbers(() => now);
    for (let i = 0; i < 100; i++) {
      const x = n.next();
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(2 ** 31);
      now += 1000;
    }
  });
});
