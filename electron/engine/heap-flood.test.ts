import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_BUDGET } from './messaging/budgets';
import { bundleChild } from './testing/child-bundle';

/**
 * The reproduction, in a process of its own with a 256 MB heap: 3,000 messages of
 * 60 KB from forged senders pinned about 200 MB and the process died ("heap out of memory"),
 * which in the app is Electron's main process. testing/heap-flood-child.ts runs the floods and
 * reports the heap (used, after a full collection) before and after, and its peak.
 */
describe('heap under a flood of 60 KB messages', () => {
  const MiB = 1024 * 1024;
  let child: Awaited<ReturnType<typeof bundleChild>>;
  let entry: string;

  beforeAll(async () => {
    child = await bundleChild(
      path.join(import.meta.dirname, 'testing', 'heap-flood-child.ts'),
      'pigeon-heap-flood-',
    );
    entry = child.entry;
  });
  afterAll(() => child.remove());

  it(
    '3,000 messages of 60 KB from forged senders, in a 256 MB heap: alive and bounded',
    { timeout: 60_000 },
    async () => {
      const child = spawn(process.execPath, ['--max-old-space-size=256', '--expose-gc', entry], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(stderr).not.toMatch(/heap out of memory/);
      expect(code, stderr).toBe(0);
      const r = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
        pacedAcks: number;
        burstAcks: number;
        bobDelivered: number;
        startedMb: number;
        afterPacedMb: number;
        afterBurstMb: number;
        peakHeapMb: number;
        peakRssMb: number;
        historyMb: number;
      };
      console.log(`heap flood: ${JSON.stringify(r)}`);
      // Paced within the rate limits, all 3,000 were taken in (acked): the history (in memory
      // here, outside the V8 heap) held them at its budget, giving up the oldest, and the
      // conversations' cache in the heap stayed below the same budget.
      expect(r.pacedAcks).toBe(3000);
      const budgetMb = STORE_BUDGET.totalBytes / MiB;
      expect(r.historyMb).toBeLessThanOrEqual(budgetMb);
      expect(r.historyMb).toBeGreaterThan(budgetMb * 0.9);
      expect(r.afterPacedMb - r.startedMb).toBeLessThan(budgetMb);
      // All at once from hosts that never announced themselves: the rate limits took a few.
      expect(r.burstAcks).toBeLessThan(100);
      expect(r.afterBurstMb - r.startedMb).toBeLessThan(budgetMb);
      expect(r.peakHeapMb).toBeLessThan(r.startedMb + budgetMb + 32);
      // And a real peer is still heard.
      expect(r.bobDelivered).toBe(1);
    },
  );
});
