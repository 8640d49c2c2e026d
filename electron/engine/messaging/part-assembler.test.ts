import { describe, expect, it } from 'vitest';
import type { IncompleteText } from '../../../shared/model';
import { LIMITS } from '../../../shared/contract';
import { MAX_PARTS, type MessagePart } from '../../../shared/protocol';
import { ASSEMBLY_BUDGET } from './budgets';
import type { HeldPart } from '../history/part-store';
import { PartAssembler, type AssemblyLimits, type Keep, type PartLog } from './part-assembler';

/**
 * An assembler that records what it releases, over a log when given one; `add` answers the
 * whole text when the part completes its message (as the inbox stores it).
 */
function assembler(limits: Partial<AssemblyLimits> = {}, log?: PartLog) {
  const released: { peerId: string; text: string; incomplete: IncompleteText }[] = [];
  const inner = new PartAssembler(
    (peerId, text, incomplete, also) => {
      also?.();
      released.push({ peerId, text, incomplete });
      return true;
    },
    limits,
    log,
  );
  const a = {
    add(peerId: string, part: MessagePart, text: string, now: number): string | undefined {
      let whole: string | undefined;
      inner.add(peerId, part, text, now, (t, incomplete, also) => {
        also?.();
        if (incomplete) released.push({ peerId, text: t, incomplete });
        else whole = t;
        return true;
      });
      return whole;
    },
    expire: (now: number) => inner.expire(now),
    held: () => inner.held(),
  };
  return { a, released, inner };
}

describe('PartAssembler', () => {
  it('joins parts in index order whatever order they arrive in', () => {
    const { a, released } = assembler();
    expect(a.add('p', { id: 'x', index: 2, count: 3 }, 'C', 0)).toBeUndefined();
    expect(a.add('p', { id: 'x', index: 0, count: 3 }, 'A', 0)).toBeUndefined();
    expect(a.add('p', { id: 'x', index: 1, count: 3 }, 'B', 0)).toBe('ABC');
    expect(released).toEqual([]);
    expect(a.held()).toEqual({ open: 0, bytes: 0 });
  });

  it('ignores a duplicated part', () => {
    const { a } = assembler();
    a.add('p', { id: 'x', index: 0, count: 2 }, 'A', 0);
    expect(a.add('p', { id: 'x', index: 0, count: 2 }, 'A-again', 0)).toBeUndefined();
    expect(a.add('p', { id: 'x', index: 1, count: 2 }, 'B', 0)).toBe('AB');
  });

  it('keeps messages from different peers and ids apart', () => {
    const { a } = assembler();
    a.add('p1', { id: 'x', index: 0, count: 2 }, 'p1-0 ', 0);
    a.add('p2', { id: 'x', index: 0, count: 2 }, 'p2-0 ', 0);
    a.add('p1', { id: 'y', index: 0, count: 2 }, 'y-0 ', 0);
    expect(a.add('p2', { id: 'x', index: 1, count: 2 }, 'p2-1', 0)).toBe('p2-0 p2-1');
    expect(a.add('p1', { id: 'x', index: 1, count: 2 }, 'p1-1', 0)).toBe('p1-0 p1-1');
  });

  it('a one-part message completes at once', () => {
    expect(assembler().a.add('p', { id: 'x', index: 0, count: 1 }, 'solo', 0)).toBe('solo');
  });

  it('releases an incomplete message after maxAge with what arrived, marked', () => {
    const { a, released } = assembler({ maxAgeMs: 60_000 });
    a.add('10.0.0.2:2425', { id: 'x', index: 0, count: 3 }, 'first ', 1000);
    a.add('10.0.0.2:2425', { id: 'x', index: 2, count: 3 }, 'third', 1000);
    a.expire(60_999);
    expect(released).toEqual([]);
    a.expire(61_000);
    expect(released).toEqual([
      { peerId: '10.0.0.2:2425', text: 'first third', incomplete: { received: 2, total: 3 } },
    ]);
    a.expire(1e9);
    expect(released).toHaveLength(1);
    expect(a.held()).toEqual({ open: 0, bytes: 0 });
  });

  it('holds at most `open` messages, releasing the oldest', () => {
    const { a, released } = assembler({ open: 2 });
    a.add('p', { id: 'a', index: 0, count: 2 }, 'a0', 0);
    a.add('q', { id: 'b', index: 0, count: 2 }, 'b0', 0);
    a.add('r', { id: 'c', index: 0, count: 2 }, 'c0', 0);
    expect(released).toEqual([{ peerId: 'p', text: 'a0', incomplete: { received: 1, total: 2 } }]);
    a.expire(1e9);
    expect(released.map((r) => r.text)).toEqual(['a0', 'b0', 'c0']);
  });

  it("holds at most perPeerOpen messages of one peer, releasing that peer's oldest", () => {
    const { a, released } = assembler({ perPeerOpen: 2 });
    a.add('p', { id: 'a', index: 0, count: 2 }, 'a0', 0);
    a.add('q', { id: 'a', index: 0, count: 2 }, 'q0', 0);
    a.add('p', { id: 'b', index: 0, count: 2 }, 'b0', 0);
    a.add('p', { id: 'c', index: 0, count: 2 }, 'c0', 0);
    expect(released).toEqual([{ peerId: 'p', text: 'a0', incomplete: { received: 1, total: 2 } }]);
    // q's message was not touched and still completes.
    expect(a.add('q', { id: 'a', index: 1, count: 2 }, 'q1', 0)).toBe('q0q1');
  });

  it('releases a message that would go past perMessageBytes, and starts afresh', () => {
    // Room for the record and two parts of 100 characters (2 x (40 + 200)).
    const perMessageBytes = 128 + 2 * (40 + 200);
    const { a, released } = assembler({ perMessageBytes });
    const part = (i: number) => `${i}`.padEnd(100, '.');
    a.add('p', { id: 'x', index: 0, count: 10 }, part(0), 0);
    a.add('p', { id: 'x', index: 1, count: 10 }, part(1), 0);
    expect(released).toEqual([]);
    a.add('p', { id: 'x', index: 2, count: 10 }, part(2), 0);
    expect(released).toEqual([
      { peerId: 'p', text: part(0) + part(1), incomplete: { received: 2, total: 10 } },
    ]);
    a.expire(1e9);
    expect(released.at(-1)).toEqual({
      peerId: 'p',
      text: part(2),
      incomplete: { received: 1, total: 10 },
    });
  });

  it('keeps every open message together within totalBytes, the oldest giving way', () => {
    const one = 128 + 40 + 2 * 1000;
    const { a, released } = assembler({ totalBytes: 3 * one });
    for (const id of ['a', 'b', 'c', 'd']) {
      a.add(`peer-${id}`, { id, index: 0, count: 2 }, id.repeat(1000), 0);
    }
    expect(released.map((r) => r.peerId)).toEqual(['peer-a']);
    expect(a.held()).toEqual({ open: 3, bytes: 3 * one });
  });

  it('a message sent again under the same id with another count shows the first as it was', () => {
    const { a, released } = assembler();
    a.add('p', { id: 'x', index: 0, count: 3 }, 'old', 0);
    a.add('p', { id: 'x', index: 0, count: 2 }, 'new0', 0);
    expect(released).toEqual([{ peerId: 'p', text: 'old', incomplete: { received: 1, total: 3 } }]);
    expect(a.add('p', { id: 'x', index: 1, count: 2 }, 'new1', 0)).toBe('new0new1');
  });

  it('a forger declaring 10,000 parts of 60 KB holds one budget, not 600 MB', () => {
    const { a, released } = assembler();
    const big = 'x'.repeat(60 * 1024);
    for (let i = 0; i < 200; i++) a.add('forger', { id: 'f', index: i, count: MAX_PARTS }, big, 0);
    expect(a.held().bytes).toBeLessThanOrEqual(ASSEMBLY_BUDGET.perMessageBytes);
    // Released in pieces of at most one budget each, every part accounted for.
    expect(released.length).toBeGreaterThan(5);
    const shown = released.reduce((n, r) => n + r.incomplete.received, 0);
    expect(shown + Math.round((a.held().bytes - 128) / (40 + 2 * big.length))).toBe(200);
  });

  it('the default budget holds the largest message Pigeon sends, in the most parts', () => {
    const worst = 128 + MAX_PARTS * 40 + 2 * LIMITS.textBytes;
    expect(ASSEMBLY_BUDGET.perMessageBytes).toBeGreaterThanOrEqual(worst);
    expect(ASSEMBLY_BUDGET.totalBytes).toBeGreaterThanOrEqual(4 * ASSEMBLY_BUDGET.perMessageBytes);
  });
});

/** A log in memory: what PartStore does, without the database. */
function memoryLog(rows: HeldPart[] = []) {
  const log: PartLog & { rows: HeldPart[]; writes: number } = {
    rows,
    writes: 0,
    hold(peerId, part, text, startedAt) {
      log.writes++;
      rows.push({ peerId, partId: part.id, index: part.index, count: part.count, text, startedAt });
    },
    finish(peerId, partId) {
      for (let i = rows.length - 1; i >= 0; i--)
        if (rows[i]?.peerId === peerId && rows[i]?.partId === partId) rows.splice(i, 1);
    },
    all: () => [...rows],
  };
  return log;
}

describe('PartAssembler with a log', () => {
  it('logs each part before it is held, once, and drops them with their message', () => {
    const log = memoryLog();
    const { a } = assembler({}, log);
    a.add('p', { id: 'x', index: 0, count: 3 }, 'A', 0);
    a.add('p', { id: 'x', index: 2, count: 3 }, 'C', 0);
    a.add('p', { id: 'x', index: 2, count: 3 }, 'C', 0);
    expect(log.rows.map((r) => r.index)).toEqual([0, 2]);
    expect(log.writes).toBe(2);
    expect(a.add('p', { id: 'x', index: 1, count: 3 }, 'B', 0)).toBe('ABC');
    expect(log.rows).toEqual([]);
  });

  it("restores a previous run's parts, whose timeout starts at the restore", () => {
    const log = memoryLog([
      { peerId: 'p', partId: 'x', index: 0, count: 3, text: 'A', startedAt: 5 },
      { peerId: 'p', partId: 'x', index: 1, count: 3, text: 'B', startedAt: 5 },
      // Not of this message's shape: skipped.
      { peerId: 'p', partId: 'x', index: 1, count: 4, text: '?', startedAt: 5 },
      { peerId: 'q', partId: 'y', index: 3, count: 2, text: '?', startedAt: 5 },
    ]);
    const { a, inner, released } = assembler({ maxAgeMs: 60_000 }, log);
    expect(inner.restore(100_000)).toBe(2);
    expect(a.held().open).toBe(1);
    a.expire(159_999);
    expect(released).toEqual([]);
    expect(a.add('p', { id: 'x', index: 2, count: 3 }, 'C', 100_000)).toBe('ABC');
    expect(a.held()).toEqual({ open: 0, bytes: 0 });
  });

  it('refuses a part, holding and logging nothing, when the message it would push out cannot be stored', () => {
    const log = memoryLog();
    let storable = false;
    const released: string[] = [];
    const a = new PartAssembler(
      (_peerId, text, _incomplete, also) => {
        if (!storable) return false;
        also?.();
        released.push(text);
        return true;
      },
      { perPeerOpen: 1 },
      log,
    );
    const keep = () => true;
    expect(a.add('p', { id: 'x', index: 0, count: 2 }, 'x0', 0, keep)).toBe('held');
    expect(a.add('p', { id: 'y', index: 0, count: 2 }, 'y0', 0, keep)).toBe('refused');
    expect(log.rows.map((r) => r.partId)).toEqual(['x']);
    expect(a.held().open).toBe(1);
    // Nor does it expire while it cannot be stored: it stays, and goes at a later sweep.
    a.expire(1e9);
    expect(a.held().open).toBe(1);
    storable = true;
    expect(a.add('p', { id: 'y', index: 0, count: 2 }, 'y0', 0, keep)).toBe('held');
    expect(released).toEqual(['x0']);
    expect(log.rows.map((r) => r.partId)).toEqual(['y']);
  });

  it('refuses the last part when its message cannot be stored, keeping the others', () => {
    const log = memoryLog();
    const a = new PartAssembler(() => true, {}, log);
    a.add('p', { id: 'x', index: 0, count: 2 }, 'A', 0, () => true);
    expect(a.add('p', { id: 'x', index: 1, count: 2 }, 'B', 0, () => false)).toBe('refused');
    expect(log.rows.map((r) => r.index)).toEqual([0]);
    let whole = '';
    const keep: Keep = (text, _incomplete, also) => {
      also?.();
      whole = text;
      return true;
    };
    expect(a.add('p', { id: 'x', index: 1, count: 2 }, 'B', 0, keep)).toBe('stored');
    expect(whole).toBe('AB');
    expect(log.rows).toEqual([]);
  });
});
