import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock';

describe('FakeClock', () => {
  it('starts where told and moves only when advanced', async () => {
    const c = new FakeClock(1000);
    expect(c.now()).toBe(1000);
    await c.advance(250);
    expect(c.now()).toBe(1250);
  });

  it('fires due timers in time order, then in the order they were set, at their own time', async () => {
    const c = new FakeClock(0);
    const fired: string[] = [];
    c.setTimeout(() => fired.push(`b@${c.now()}`), 20);
    c.setTimeout(() => fired.push(`a@${c.now()}`), 10);
    c.setTimeout(() => fired.push(`c@${c.now()}`), 20);
    c.setTimeout(() => fired.push(`late@${c.now()}`), 31);
    await c.advance(30);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
    expect(c.now()).toBe(30);
    expect(c.pending()).toBe(1);
    expect(c.nextDue()).toBe(31);
  });

  it('fires timers set by timers within the same advance', async () => {
    const c = new FakeClock(0);
    const fired: number[] = [];
    const tick = () => {
      fired.push(c.now());
      if (fired.length < 5) c.setTimeout(tick, 100);
    };
    c.setTimeout(tick, 100);
    await c.advance(1000);
    expect(fired).toEqual([100, 200, 300, 400, 500]);
  });

  it('clearTimeout cancels, and unknown handles are ignored', async () => {
    const c = new FakeClock(0);
    let fired = false;
    const h = c.setTimeout(() => (fired = true), 5);
    c.clearTimeout(h);
    c.clearTimeout('nonsense');
    c.clearTimeout(undefined);
    await c.advance(10);
    expect(fired).toBe(false);
    expect(c.pending()).toBe(0);
  });

  it('runs promise callbacks between two timers', async () => {
    const c = new FakeClock(0);
    const log: string[] = [];
    c.setTimeout(() => {
      log.push('t1');
      void Promise.resolve().then(() => log.push('then-after-t1'));
    }, 1);
    c.setTimeout(() => log.push('t2'), 1);
    await c.advance(1);
    expect(log).toEqual(['t1', 'then-after-t1', 't2']);
  });

  it('treats negative and NaN delays as zero; refuses to go backwards', async () => {
    const c = new FakeClock(0);
    let n = 0;
    c.setTimeout(() => n++, -5);
    c.setTimeout(() => n++, Number.NaN);
    await c.flush();
    expect(n).toBe(2);
    await expect(c.advance(-1)).rejects.toThrow(RangeError);
  });

  it('jump steps the wall clock but keeps the remaining delay of pending timers', async () => {
    const c = new FakeClock(10_000);
    let at = 0;
    c.setTimeout(() => (at = c.now()), 1000);
    c.jump(-5000);
    expect(c.now()).toBe(5000);
    await c.advance(999);
    expect(at).toBe(0);
    await c.advance(1);
    expect(at).toBe(6000);
  });

  it('stops a runaway loop of zero-delay timers', async () => {
    const c = new FakeClock(0);
    c.maxTimersPerAdvance = 100;
    const loop = () => c.setTimeout(loop, 0);
    loop();
    await expect(c.flush()).rejects.toThrow(/more than 100 timers/);
  });
});
