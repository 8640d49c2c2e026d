import { describe, expect, it } from 'vitest';
import { UnreadCounter } from './unread';

const counter = () => {
  const told: { peerId: string; unread: number; total: number }[] = [];
  const unread = new UnreadCounter(
    (_channel, payload) => told.push(payload as (typeof told)[number]),
    () => true,
  );
  return { unread, told };
};

describe('UnreadCounter', () => {
  it('counts per conversation and in all, and tells each change', () => {
    const { unread, told } = counter();
    unread.arrived('a');
    unread.arrived('a');
    unread.arrived('b');
    expect([unread.of('a'), unread.of('b'), unread.total]).toEqual([2, 1, 3]);
    expect(told.at(-1)).toEqual({ peerId: 'b', unread: 1, total: 3 });
    unread.markRead('a');
    expect([unread.of('a'), unread.total]).toEqual([0, 1]);
    unread.forget('b', 1);
    expect(unread.total).toBe(0);
  });

  it('past 10,000 conversations forgets the one that got a message longest ago', () => {
    const { unread } = counter();
    for (let i = 0; i < 10_000; i++) unread.arrived(`p${i}`);
    // p0 is the most recent now, twice over; p1 is the stalest.
    unread.arrived('p0');
    unread.arrived('p0');
    unread.arrived('new');
    expect(unread.of('p0')).toBe(3);
    expect(unread.of('p1')).toBe(0);
    expect(unread.total).toBe(10_000 - 1 + 3);
    // Read and back again: p0 is new once more, and p2 is now the stalest.
    unread.markRead('p0');
    unread.arrived('p0');
    unread.arrived('newer');
    expect(unread.of('p0')).toBe(1);
    expect(unread.of('p2')).toBe(0);
  });
});
