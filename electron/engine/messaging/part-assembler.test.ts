import { describe, expect, it } from 'vitest';
import { PartAssembler } from './part-assembler';

describe('PartAssembler', () => {
  it('joins parts in index order whatever order they arrive in', () => {
    const a = new PartAssembler();
    expect(a.add('p', { id: 'x', index: 2, count: 3 }, 'C', 0)).toBeUndefined();
    expect(a.add('p', { id: 'x', index: 0, count: 3 }, 'A', 0)).toBeUndefined();
    expect(a.add('p', { id: 'x', index: 1, count: 3 }, 'B', 0)).toBe('ABC');
  });

  it('ignores a duplicated part', () => {
    const a = new PartAssembler();
    a.add('p', { id: 'x', index: 0, count: 2 }, 'A', 0);
    expect(a.add('p', { id: 'x', index: 0, count: 2 }, 'A-again', 0)).toBeUndefined();
    expect(a.add('p', { id: 'x', index: 1, count: 2 }, 'B', 0)).toBe('AB');
  });

  it('keeps messages from different peers and ids apart', () => {
    const a = new PartAssembler();
    a.add('p1', { id: 'x', index: 0, count: 2 }, 'p1-0 ', 0);
    a.add('p2', { id: 'x', index: 0, count: 2 }, 'p2-0 ', 0);
    a.add('p1', { id: 'y', index: 0, count: 2 }, 'y-0 ', 0);
    expect(a.add('p2', { id: 'x', index: 1, count: 2 }, 'p2-1', 0)).toBe('p2-0 p2-1');
    expect(a.add('p1', { id: 'x', index: 1, count: 2 }, 'p1-1', 0)).toBe('p1-0 p1-1');
  });

  it('a one-part message completes at once', () => {
    expect(new PartAssembler().add('p', { id: 'x', index: 0, count: 1 }, 'solo', 0)).toBe('solo');
  });

  it('releases an incomplete message after maxAge, marked, with the peer id', () => {
    const a = new PartAssembler(64, 60_000);
    a.add('10.0.0.2:2425', { id: 'x', index: 0, count: 3 }, 'first ', 1000);
    a.add('10.0.0.2:2425', { id: 'x', index: 2, count: 3 }, 'third', 1000);
    expect(a.expire(60_999)).toEqual([]);
    const out = a.expire(61_000);
    expect(out).toEqual([
      { peerId: '10.0.0.2:2425', text: 'first third\n[incomplete: 2 of 3 parts arrived]' },
    ]);
    expect(a.expire(1e9)).toEqual([]);
  });

  it('holds at most maxOpen assemblies', () => {
    const a = new PartAssembler(2, 60_000);
    a.add('p', { id: 'a', index: 0, count: 2 }, 'a0', 0);
    a.add('p', { id: 'b', index: 0, count: 2 }, 'b0', 0);
    a.add('p', { id: 'c', index: 0, count: 2 }, 'c0', 0);
    expect(a.expire(1e9).map((x) => x.text.split('\n')[0])).toEqual(['b0', 'c0']);
  });
});
