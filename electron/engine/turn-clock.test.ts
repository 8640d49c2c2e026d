import { describe, expect, it } from 'vitest';
import type { Clock } from './clock';
import { TurnClock } from './turn-clock';

function counting(start: number): Clock & { reads: number; t: number } {
  const c = {
    reads: 0,
    t: start,
    now: () => {
      c.reads++;
      return c.t;
    },
    setTimeout: () => 0,
    clearTimeout: () => undefined,
  };
  return c;
}

describe('TurnClock', () => {
  it('reads the base clock every time outside a turn', () => {
    const base = counting(100);
    const clock = new TurnClock(base);
    expect(clock.now()).toBe(100);
    base.t = 105;
    expect(clock.now()).toBe(105);
    expect(base.reads).toBe(2);
  });

  it('holds the first reading of each clock for the rest of a turn, then reads afresh', () => {
    const base = counting(100);
    let mono = 7;
    let monoReads = 0;
    const clock = new TurnClock(base, () => {
      monoReads++;
      return mono;
    });
    clock.begin();
    expect(clock.now()).toBe(100);
    base.t = 101;
    mono = 8;
    expect(clock.now()).toBe(100);
    expect(clock.monotonic()).toBe(8);
    mono = 9;
    expect(clock.monotonic()).toBe(8);
    clock.end();
    expect(base.reads).toBe(1);
    expect(monoReads).toBe(1);
    expect(clock.now()).toBe(101);
    expect(clock.monotonic()).toBe(9);
    // The next turn does not keep the last one's readings.
    clock.begin();
    base.t = 200;
    expect(clock.now()).toBe(200);
    clock.end();
  });

  it('keeps a nested turn inside the outer one, which ends only with its own end', () => {
    const base = counting(1);
    const clock = new TurnClock(base);
    clock.begin();
    expect(clock.now()).toBe(1);
    clock.begin();
    base.t = 2;
    expect(clock.now()).toBe(1);
    clock.end();
    expect(clock.now()).toBe(1);
    clock.end();
    expect(clock.now()).toBe(2);
    // An unmatched end does not leave the clock stuck outside or inside a turn.
    clock.end();
    base.t = 3;
    expect(clock.now()).toBe(3);
  });

  it('serves the base clock as the monotonic one when given none', () => {
    const base = counting(42);
    const clock = new TurnClock(base);
    expect(clock.monotonic()).toBe(42);
  });
});
