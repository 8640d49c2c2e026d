/**
 * `pigeon serve --json` on a loopback address of its own (Linux: all of 127.0.0.0/8 is local),
 * announcing only to the addresses it is given: a person (with `--ui`, a browser host to open in
 * tabs) or a scripted peer whose requests go in on stdin. No namespaces, so these specs run
 * without root.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
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
  try {
    const proc = await PigeonProcess.adopt(child, o.data);
    if (!o.ui) return { proc, url: '' };
    const ui = (await proc.waitForCli('cli:ui', 5000)) as { url: string };
    return { proc, url: ui.url };
  } catch (error) {
    // Not ready (or no URL): nobody will stop it, so it goes now.
    child.kill('SIGKILL');
    throw error;
  }
}

/** A random IPMsg port for one test file (loopback addresses of their own keep files apart). */
export function testPort(): number {
  return 30_000 + Math.floor(Math.random() * 10_000);
}

/** A random port above testPort's range, for the history specs (they reuse its addresses). */
export function randomPort(): number {
  return 40_000 + Math.floor(Math.random() * 10_000);
}

/** A loopback Pigeon driven through its contract, with a data directory of its own. */
export interface LoopbackServe {
  /** "address:port": the id the other engine's conversation with this one has. */
  id: string;
  /** With `ui`: the page to open (http://127.0.0.1:PORT/?token=...). */
  url: string;
  /** Its events and the rest (PigeonProcess). */
  proc: PigeonProcess;
  /** A request on stdin; resolves with its answer's value, throws on an error answer. */
  request(ch: string, req: unknown): Promise<unknown>;
  /** Resolves with the first event on `channel` (past or future) that `match` accepts. */
  event(
    channel: string,
    match?: (payload: unknown) => boolean,
    timeoutMs?: number,
  ): Promise<unknown>;
  /** What it printed on stderr so far (the UI's URL, refusals). */
  stderr(): string;
  /** Stops it and removes its data directory. */
  stop(): Promise<void>;
}

/** startLoopbackPigeon on a fresh data directory, announcing only to `broadcast`. */
export async function startLoopbackServe(opts: {
  address: string;
  port: number;
  /** Where its presence goes: an address on which nobody listens. */
  broadcast: string;
  nick: string;
  ui?: boolean;
}): Promise<LoopbackServe> {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-loopback-'));
  const removeData = () => fs.rmSync(data, { recursive: true, force: true });
  let started: LoopbackPigeon;
  try {
    started = await startLoopbackPigeon({
      bind: opts.address,
      peers: [opts.broadcast],
      port: opts.port,
      nick: opts.nick,
      data,
      ui: opts.ui,
    });
  } catch (error) {
    removeData();
    throw error;
  }
  const { proc, url } = started;
  return {
    id: `${opts.address}:${opts.port}`,
    url,
    proc,
    async request(ch, req) {
      const result = await proc.request(ch, req);
      if (!result.ok) throw new Error(`${ch}: ${JSON.stringify(result)}`);
      return result.value;
    },
    async event(channel, match = () => true, timeoutMs = 10_000) {
      const hit = await proc.waitForEvent(
        (e) => e.channel === channel && match(e.payload),
        timeoutMs,
        `${channel} from ${opts.nick}`,
      );
      return hit.payload;
    },
    stderr: () => proc.stderr.join(''),
    async stop() {
      await proc.stop();
      removeData();
    },
  };
}

/**
 * A person's host (`--ui`) and a scripted peer, each on its loopback address and port, both
 * announcing only to `nowhere`: the peer is told to the host by the messages it sends. If the
 * peer cannot start, the host is stopped too.
 */
export async function startHostAndPeer(o: {
  host: { address: string; nick: string };
  peer: { address: string; nick: string };
  nowhere: string;
}): Promise<{ host: LoopbackServe; peer: LoopbackServe }> {
  const host = await startLoopbackServe({
    ...o.host,
    port: randomPort(),
    broadcast: o.nowhere,
    ui: true,
  });
  try {
    const peer = await startLoopbackServe({ ...o.peer, port: randomPort(), broadcast: o.nowhere });
    return { host, peer };
  } catch (error) {
    await host.stop();
    throw error;
  }
}

/** `from` writes `text` to `to`; resolves once `to`'s engine has it. */
export async function deliverMessage(
  from: LoopbackServe,
  to: LoopbackServe,
  text: string,
): Promise<void> {
  await from.request('chat:send', { to: [to.id], text });
  await to.event('chat:message', (p) => (p as { message: { text: string } }).message.text === text);
}
