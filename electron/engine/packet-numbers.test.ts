import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_GAP,
  PACKET_NO_MAX,
  PacketNumbers,
  RESERVE_BLOCK,
  type CounterProblem,
  type CounterStore,
} from './packet-numbers';

const JAN_2026 = Date.UTC(2026, 0, 1);
/** Where a counter with nothing saved starts on 2026-01-01: 10^9 + the seconds since 2025. */
const SINCE_2025 = 1e9 + (Date.UTC(2026, 0, 1) - Date.UTC(2025, 0, 1)) / 1000;

/** A data directory's counter file, in memory; `saved` always holds what is on "disk". */
function memoryStore(highWater?: number) {
  const disk = { saved: highWater, saves: 0, failing: false };
  const store: CounterStore = {
    where: '/data/packet-counter.json',
    load: () => ({ highWater: disk.saved }),
    save: (n) => {
      if (disk.failing) throw new Error('EROFS: read-only file system');
      disk.saved = n;
      disk.saves++;
    },
  };
  return { store, disk };
}

function opened(store: CounterStore | undefined, now = () => JAN_2026) {
  const n = new PacketNumbers(now);
  const problems: CounterProblem[] = [];
  n.onProblem((p) => problems.push(p));
  n.open(store);
  return { n, problems };
}

describe('PacketNumbers', () => {
  it('without a data directory starts at 10^9 + the seconds since 2025 and counts up by one', () => {
    const { n } = opened(undefined);
    expect(n.next()).toBe(SINCE_2025 + 1);
    expect(n.next()).toBe(SINCE_2025 + 2);
  });

  it('never goes down when the wall clock steps back', () => {
    let now = JAN_2026;
    const { n } = opened(undefined, () => now);
    let last = 0;
    for (let i = 0; i < 1000; i++) {
      if (i === 500) now -= 86_400_000;
      const x = i % 3 ? n.next() : n.nextWithGap();
      expect(x).toBeGreaterThan(last);
      last = x;
    }
  });

  it('leaves gaps of 1..64 before message numbers, uniformly (a forger must guess)', () => {
    const { n } = opened(undefined);
    const counts = new Array<number>(MAX_GAP + 1).fill(0);
    let last = n.next();
    let sum = 0;
    const N = 20_000;
    for (let i = 0; i < N; i++) {
      const x = n.nextWithGap();
      const gap = x - last;
      expect(gap).toBeGreaterThanOrEqual(1);
      expect(gap).toBeLessThanOrEqual(MAX_GAP);
      counts[gap] = (counts[gap] ?? 0) + 1;
      sum += gap;
      last = x;
    }
    // Every gap occurs (about 312 times each); the mean is (1 + 64) / 2.
    expect(Math.min(...counts.slice(1))).toBeGreaterThan(200);
    expect(sum / N).toBeGreaterThan(31.5);
    expect(sum / N).toBeLessThan(33.5);
  });

  it('is strictly increasing and below 2^31 for any mix of steps, until the space runs out', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: PACKET_NO_MAX }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 400 }),
        (start, gaps) => {
          const { store } = memoryStore(start);
          const { n } = opened(store);
          let last = -1;
          let restarts = 0;
          for (const gap of gaps) {
            const x = gap ? n.nextWithGap() : n.next();
            expect(x).toBeGreaterThan(0);
            expect(x).toBeLessThan(2 ** 31);
            if (x <= last) restarts++;
            last = x;
          }
          // Only a counter that reached the very top starts again from the bottom, once.
          expect(restarts).toBeLessThanOrEqual(start > PACKET_NO_MAX - 400 * MAX_GAP ? 1 : 0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('starts again from the bottom only at 2^31 − 1, and saves that so a restart follows', () => {
    const { store, disk } = memoryStore(PACKET_NO_MAX - 3);
    const { n } = opened(store);
    const seen = [n.next(), n.next(), n.next(), n.next(), n.next()];
    expect(seen.slice(0, 3)).toEqual([PACKET_NO_MAX - 2, PACKET_NO_MAX - 1, PACKET_NO_MAX]);
    expect(seen.slice(3)).toEqual([1, 2]);
    expect(disk.saved).toBeLessThan(RESERVE_BLOCK + 1);
    const again = opened(store).n;
    expect(again.next()).toBeGreaterThan(2);
  });

  it("runFloor: every number above it may be this run's; an earlier run's are at or below it", () => {
    const { store } = memoryStore(5000);
    const { n } = opened(store);
    // Before any number is used: where this run counts up from, above the saved mark.
    const floor = n.runFloor();
    expect(floor).toBeGreaterThanOrEqual(5000);
    const first = n.nextWithGap();
    expect(first).toBeGreaterThan(floor);
    for (let i = 0; i < 100; i++) n.nextWithGap();
    expect(n.runFloor()).toBe(floor);
    // Opened again in the same process (an engine restarted): its first numbers stay its own.
    n.close();
    n.open(store);
    n.next();
    expect(n.runFloor()).toBe(floor);
    // Once the counter starts again from the bottom, every number is this run's.
    const top = opened(memoryStore(PACKET_NO_MAX - 1).store).n;
    expect(top.runFloor()).toBe(PACKET_NO_MAX - 1);
    top.next();
    expect(top.next()).toBe(1);
    expect(top.runFloor()).toBe(0);
  });

  it('a clean stop saves the exact last number: the next run continues right above it', () => {
    const { store, disk } = memoryStore();
    const first = opened(store).n;
    let last = 0;
    for (let i = 0; i < 1000; i++) last = i % 2 ? first.next() : first.nextWithGap();
    first.close();
    expect(disk.saved).toBe(last);
    const second = opened(store).n;
    expect(second.next()).toBe(last + 1);
  });

  it('saves a high-water mark ahead of every number it hands out, so a crash never reuses one', () => {
    const { store, disk } = memoryStore();
    const crashed = opened(store).n;
    let max = 0;
    // Across several reserved blocks (about 32 numbers per gapped step).
    for (let i = 0; i < 10_000; i++) {
      max = i % 2 ? crashed.next() : crashed.nextWithGap();
      expect(disk.saved).toBeGreaterThanOrEqual(max);
    }
    expect(max).toBeGreaterThan(SINCE_2025 + 2 * RESERVE_BLOCK);
    // Few writes: one per block.
    expect(disk.saves).toBeLessThanOrEqual(Math.ceil((max - SINCE_2025) / RESERVE_BLOCK) + 1);
    // No close(): the process died. The next run starts above everything the dead one used,
    // wasting at most one block.
    const next = opened(store).n.next();
    expect(next).toBeGreaterThan(max);
    expect(next - max).toBeLessThanOrEqual(RESERVE_BLOCK);
  });

  it('runs on one data directory at once never hand out the same number', () => {
    const { store } = memoryStore();
    const a = opened(store).n;
    const b = opened(store).n;
    const used = new Set<number>();
    const take = (who: PacketNumbers, i: number) => {
      const x = i % 5 ? who.next() : who.nextWithGap();
      expect(used.has(x)).toBe(false);
      used.add(x);
    };
    for (let i = 0; i < 20_000; i++) take(i % 3 ? a : b, i);
    // One stops cleanly while the other runs on, and a third starts: still no number twice.
    a.close();
    const c = opened(store).n;
    for (let i = 0; i < 20_000; i++) take(i % 2 ? b : c, i);
  });

  it('keeps counting in memory when the data directory cannot be written, and says so once', () => {
    const { store, disk } = memoryStore();
    disk.failing = true;
    const { n, problems } = opened(store);
    let last = 0;
    for (let i = 0; i < 5000; i++) {
      const x = n.nextWithGap();
      expect(x).toBeGreaterThan(last);
      last = x;
    }
    expect(problems).toEqual([
      { file: '/data/packet-counter.json', error: 'EROFS: read-only file system' },
    ]);
  });

  it('reports a damaged counter file and starts from the clock, keeping the new mark', () => {
    const disk: { saved?: number } = {};
    const store: CounterStore = {
      where: '/data/packet-counter.json',
      load: () => ({ highWater: undefined, damaged: '/data/packet-counter.json.broken-1' }),
      save: (n) => {
        disk.saved = n;
      },
    };
    const { n, problems } = opened(store);
    expect(n.next()).toBe(SINCE_2025 + 1);
    expect(problems).toEqual([
      {
        file: '/data/packet-counter.json',
        error: 'damaged, moved to /data/packet-counter.json.broken-1',
      },
    ]);
    expect(disk.saved).toBeGreaterThan(SINCE_2025);
  });
});
