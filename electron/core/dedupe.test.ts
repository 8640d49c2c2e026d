import { describe, expect, it } from 'vitest';
import { Dedupe } from './dedupe';

describe('Dedupe', () => {
  it('says "first time" once per (peer, packetNo)', () => {
    const d = new Dedupe();
    expect(d.firstTime('a', 1)).toBe(true);
    expect(d.firstTime('a', 1)).toBe(false);
    expect(d.firstTime('b', 1)).toBe(true);
    expect(d.firstTime('a', 2)).toBe(true);
  });

  it('forgets a peer on reset (a restarted iptux counts from 1 again)', () => {
    const d = new Dedupe();
    d.firstTime('a', 1);
    d.firstTime('b', 1);
    d.reset('a');
    expect(d.firstTime('a', 1)).toBe(true);
    expect(d.firstTime('b', 1)).toBe(false);
  });

  it('remembers at most perPeer numbers per peer, forgetting the oldest', () => {
    const d = new Dedupe(3, 10);
    for (const n of [1, 2, 3, 4]) d.firstTime('a', n);
    expect(d.firstTime('a', 1)).toBe(true); // evicted
    expect(d.firstTime('a', 4)).toBe(false);
  });

  it('remembers at most maxPeers peers, forgetting the oldest', () => {
    const d = new Dedupe(4, 2);
    d.firstTime('a', 1);
    d.firstTime('b', 1);
    d.firstTime('c', 1);
    expect(d.firstTime('a', 1)).toBe(true);
    expect(d.firstTime('c', 1)).toBe(false);
  });
});
