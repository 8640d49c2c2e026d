import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../token-bucket';
import { REPLY_BUDGET, ReplyBudget } from './reply-budget';

describe('TokenBucket', () => {
  it('gives a burst, then refills at its rate up to the burst', () => {
    const b = new TokenBucket(3, 2, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(499)).toBe(false);
    expect(b.take(500)).toBe(true); // 2 a second: one every 500 ms
    expect(b.available(100_000)).toBe(3);
  });

  it('a clock that steps back neither refills nor drains', () => {
    const b = new TokenBucket(2, 1, 10_000);
    b.take(10_000);
    b.take(10_000);
    expect(b.available(5_000)).toBe(0);
    expect(b.available(6_000)).toBe(1);
  });
});

describe('ReplyBudget', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('answers one source 8 times at once, then once a second', () => {
    const c = clock();
    const budget = new ReplyBudget(c.now);
    const answered = () =>
      Array.from({ length: 50 }, () => budget.take('10.0.0.66')).filter(Boolean);
    expect(answered()).toHaveLength(REPLY_BUDGET.perSource.burst);
    c.advance(1000);
    expect(answered()).toHaveLength(1);
    c.advance(60_000);
    expect(answered()).toHaveLength(8);
    expect(budget.refused.source).toBeGreaterThan(0);
    // Another source is not held up by this one.
    expect(budget.take('10.0.0.67')).toBe(true);
  });

  it('in all, 2,048 answers at once then 256 a second, however many sources', () => {
    const c = clock();
    const budget = new ReplyBudget(c.now);
    let answered = 0;
    for (let i = 0; i < 5000; i++) if (budget.take(`10.1.${i >> 8}.${i & 255}`)) answered++;
    expect(answered).toBe(2048);
    c.advance(1000);
    answered = 0;
    for (let i = 0; i < 5000; i++) if (budget.take(`10.2.${i >> 8}.${i & 255}`)) answered++;
    expect(answered).toBe(256);
    expect(budget.refused.total).toBeGreaterThan(0);
  });

  it('never bites 1,000 hosts that all start at once and repeat their entry 5 s later', () => {
    const c = clock();
    const budget = new ReplyBudget(c.now);
    const hosts = Array.from({ length: 1000 }, (_, i) => `10.3.${i >> 8}.${i & 255}`);
    expect(hosts.filter((h) => budget.take(h))).toHaveLength(1000);
    c.advance(5000);
    expect(hosts.filter((h) => budget.take(h))).toHaveLength(1000);
  });

  it('remembers a bounded number of sources', () => {
    const c = clock();
    const budget = new ReplyBudget(c.now, {
      perSource: { burst: 1, perSecond: 0 },
      total: { burst: 1e9, perSecond: 0 },
      sources: 3,
    });
    for (const s of ['a', 'b', 'c']) expect(budget.take(s)).toBe(true);
    expect(budget.take('a')).toBe(false);
    budget.take('d'); // forgets the least recently asked: b
    expect(budget.take('b')).toBe(true);
    expect(budget.take('a')).toBe(false);
  });
});
