import { ok } from '../../../shared/contract';
import { startStdioControl } from '../stdio-control';

/**
 * A child process for stdio-control.test.ts (run with --expose-gc): the real stdin control with a
 * stub dispatcher, so a test can flood its stdin and ask what memory that cost. `test:memory`
 * answers the peak resident set (getrusage's ru_maxrss) at start and now, and the JS memory
 * still held after a full collection (heap + buffers) at start and now, all in bytes. Any other
 * channel is echoed. argv[2]: the line cap in bytes (default: the production cap).
 */
const exposed = (globalThis as { gc?: () => void }).gc;
if (!exposed) throw new Error('run with --expose-gc');
const gc: () => void = exposed;

/** V8 frees buffers' memory after a collection, off the main thread: collect, wait, collect. */
async function held(): Promise<number> {
  gc();
  await new Promise((r) => setTimeout(r, 100));
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

const cap = process.argv[2] ? Number(process.argv[2]) : undefined;
const start = { peakRss: process.resourceUsage().maxRSS * 1024, held: await held() };

startStdioControl(
  async (ch, req) => {
    if (ch !== 'test:memory') return ok({ ch, req });
    const peakRss = process.resourceUsage().maxRSS * 1024;
    return ok({ start, now: { peakRss, held: await held() } });
  },
  cap === undefined ? {} : { maxLineBytes: cap },
);
process.stdout.write(`${JSON.stringify({ type: 'ready' })}\n`);
