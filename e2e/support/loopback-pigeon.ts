import { spawn } from 'node:child_process';
import path from 'node:path';
import { NODE, PIGEON_CLI, PigeonProcess } from '../lab/pigeon-process';

/** Where the page of a `--ui` Pigeon is (its `cli:ui` line). */
export interface LoopbackPigeon {
  proc: PigeonProcess;
  /** http://127.0.0.1:PORT/?token=...; empty without `ui`. */
  url: string;
}

export interface LoopbackOptions {
  /** A 127.0.0.x of its own: nothing this Pigeon sends leaves loopback. */
  bind: string;
  /** Where it announces itself (the other Pigeons' 127.0.0.x), never a real broadcast. */
  peers: string[];
  /** The IPMsg port, the same for every Pigeon of one test. */
  port: number;
  nick: string;
  /** Its data directory: give the same one again to restart on the same record. */
  data: string;
  /** Serve the app to a browser too (`--ui` on 127.0.0.1, a free port). */
  ui?: boolean;
  /**
   * Test-only: run this many ms ahead of the real time (shifted-clock.cjs), so that a test can
   * see what a week of waiting does without waiting a week.
   */
  clockShiftMs?: number;
}

/** Preloaded by Node before the CLI when a test shifts the clock. */
const SHIFTED_CLOCK = path.join(__dirname, 'shifted-clock.cjs');

/**
 * `pigeon serve --json [--ui] --bind 127.0.0.x --broadcast <peers>` as a person would run it,
 * with no namespaces (so without root): events and requests through PigeonProcess.
 */
export async function startLoopbackPigeon(o: LoopbackOptions): Promise<LoopbackPigeon> {
  const shift = o.clockShiftMs ?? 0;
  const child = spawn(
    NODE,
    [
      ...(shift ? ['--require', SHIFTED_CLOCK] : []),
      PIGEON_CLI,
      'serve',
      '--json',
      ...(o.ui ? ['--ui'] : []),
      '--nick',
      o.nick,
      '--bind',
      o.bind,
      '--port',
      String(o.port),
      ...o.peers.flatMap((p) => ['--broadcast', p]),
      '--data',
      o.data,
    ],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NO_COLOR: '1',
        ...(shift ? { PIGEON_E2E_CLOCK_SHIFT_MS: String(shift) } : {}),
      },
    },
  );
  const proc = await PigeonProcess.adopt(child, o.data);
  if (!o.ui) return { proc, url: '' };
  const ui = (await proc.waitForCli('cli:ui', 5000)) as { url: string };
  return { proc, url: ui.url };
}

/** A random IPMsg port for one test file (loopback addresses of their own keep files apart). */
export function testPort(): number {
  return 30_000 + Math.floor(Math.random() * 10_000);
}
