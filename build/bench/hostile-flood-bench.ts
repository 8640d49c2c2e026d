import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createEngine, type Engine } from '../../electron/engine/engine';
import { UdpSocket, type Datagram, type DatagramSocket } from '../../electron/engine/io/udp-socket';
import { defaultSettings } from '../../electron/engine/settings/settings';
import { hostileDatagrams } from '../../electron/engine/testing/hostile-datagrams';

/**
 * flood.peak_rss_mb and flood.latency_ratio: alice, in a process of her own (so that its peak
 * RSS is hers), takes hostile datagrams as fast as she can read them for 16 s (malformed ones,
 * spoofed entries from thousands of fake peers some with 60 KB nicks, a retransmission storm,
 * 60 KB messages from fake peers and from hosts that never announced themselves, parts of long
 * messages that never end) while bob, in this process, keeps writing to her over loopback. The
 * ratio compares the median time from bob's send to alice's ack during the flood with the same
 * without one, measured in the same run. Bob is a colleague: alice wrote to him first, so his
 * ack vouched for his address (see electron/engine/messaging/intake.ts).
 *
 * The forged datagrams go straight into alice's socket listener, each in a buffer of its own as
 * a socket would hand it over (a forger has every source address; loopback sockets would give
 * us only the few we can bind). Everything alice sends back goes to loopback addresses
 * (127.64.0.0/16 and 127.99.0.0/16 for the forgers), where nobody listens.
 */
const ALICE = '127.0.0.2';
const BOB = '127.0.0.3';
const PORT = 42_600;
const CHILD_FLAG = '--pigeon-hostile-flood';
/**
 * How long the flood lasts: long enough for the intake to let the stored messages reach their
 * byte budget (8 MiB at once, then 4 MiB a second: 64 MiB after 14 s), the worst case for RSS.
 */
const FLOOD_MS = 16_000;
/** Forged datagrams handed over per turn of the event loop, as libuv reads a busy socket. */
const PER_TURN = 32;
const GAP_MS = 2;

export interface HostileFloodResult {
  datagrams: number;
  flood_s: number;
  /** Alice's process: resident set size as the flood began, its peak, heap held after. */
  rss_before_mb: number;
  peak_rss_mb: number;
  heap_mb: number;
  refused: number;
  /** Median ms from bob's send to alice's ack, during the flood and without one. */
  latency_ms: number;
  baseline_latency_ms: number;
  latency_ratio: number;
  /** Bob's messages measured during the flood, and those that failed. */
  samples: number;
  failed: number;
}

type ChildLine =
  | { t: 'ready' }
  | { t: 'vouched' }
  | { t: 'flooding' }
  | {
      t: 'done';
      datagrams: number;
      seconds: number;
      rssBeforeMb: number;
      peakRssMb: number;
      heapMb: number;
      refused: number;
    };

export function isHostileFloodChild(): boolean {
  return process.argv.includes(CHILD_FLAG);
}

/** `entry`: the bench bundle, which runs alice when started with CHILD_FLAG (bench.ts). */
export async function benchHostileFlood(entry: URL): Promise<HostileFloodResult> {
  const child = spawn(process.execPath, ['--expose-gc', fileURLToPath(entry), CHILD_FLAG], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = childLines(child);
  let bob: Engine | undefined;
  try {
    await lines.next('ready');
    bob = createEngine(
      defaultSettings({
        nick: 'bob',
        bind: BOB,
        port: PORT,
        broadcast: [ALICE],
        dataDir: '/nonexistent',
        user: 'bench',
        host: 'bob',
      }),
      { tcp: false, entryRepeatMs: 0 },
    );
    await bob.start();
    await new Promise((r) => setTimeout(r, 200));
    child.stdin.write('hello\n');
    await lines.next('vouched');
    const writer = latencyProbe(bob);
    // Warm up, then the baseline.
    await writer.measure(100);
    const baseline = await writer.measure(300);
    child.stdin.write('flood\n');
    await lines.next('flooding');
    const during: number[] = [];
    const done = lines.next('done');
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) during.push(...(await writer.measure(1)));
    const report = (await done) as Extract<ChildLine, { t: 'done' }>;
    child.stdin.write('bye\n');
    const latency = median(during.filter(Number.isFinite));
    const base = median(baseline.filter(Number.isFinite));
    return {
      datagrams: report.datagrams,
      flood_s: Number(report.seconds.toFixed(1)),
      rss_before_mb: Math.round(report.rssBeforeMb),
      peak_rss_mb: Math.round(report.peakRssMb),
      heap_mb: Math.round(report.heapMb),
      refused: report.refused,
      latency_ms: Number(latency.toFixed(3)),
      baseline_latency_ms: Number(base.toFixed(3)),
      latency_ratio: Number((latency / base).toFixed(2)),
      samples: during.length,
      failed: during.filter((x) => !Number.isFinite(x)).length,
    };
  } finally {
    await bob?.stop();
    child.kill();
  }
}

/** Bob writes to alice one message at a time; each measure(n) returns n send-to-ack times. */
function latencyProbe(bob: Engine) {
  const waiters = new Map<string, (ms: number) => void>();
  const sentAt = new Map<string, number>();
  bob.subscribe((e) => {
    if (e.channel !== 'chat:delivery') return;
    const { messageId, delivery } = e.payload;
    const done = waiters.get(messageId);
    if (!done) return;
    if (delivery.state === 'delivered') done(performance.now() - (sentAt.get(messageId) ?? 0));
    if (delivery.state === 'failed') done(Infinity);
  });
  const send = bob.handlers['chat:send'];
  return {
    async measure(n: number): Promise<number[]> {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        const [id] = send({ to: [`${ALICE}:${PORT}`], text: `are you there? ${i}` }).ids;
        if (!id) throw new Error('send returned nothing');
        sentAt.set(id, started);
        out.push(await new Promise<number>((resolve) => waiters.set(id, resolve)));
        waiters.delete(id);
        sentAt.delete(id);
        await new Promise((r) => setTimeout(r, GAP_MS));
      }
      return out;
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function childLines(child: ChildProcess) {
  const queue: ChildLine[] = [];
  let wake: (() => void) | undefined;
  let exited = false;
  if (!child.stdout) throw new Error('no stdout');
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    queue.push(JSON.parse(line) as ChildLine);
    wake?.();
  });
  child.on('exit', () => {
    exited = true;
    wake?.();
  });
  return {
    async next(t: ChildLine['t']): Promise<ChildLine> {
      for (;;) {
        const i = queue.findIndex((l) => l.t === t);
        if (i >= 0) return queue.splice(i, 1)[0] as ChildLine;
        if (exited) throw new Error(`hostile flood: alice's process ended before '${t}'`);
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

// ---- alice's process ---------------------------------------------------------------------

/** Alice's socket, with a way in for datagrams from addresses no socket here could have. */
class TapSocket implements DatagramSocket {
  private listener: ((d: Datagram) => void) | undefined;
  constructor(private readonly inner: UdpSocket) {}
  bind(address: string, port: number): Promise<void> {
    return this.inner.bind(address, port);
  }
  send(bytes: Uint8Array, address: string, port: number): Promise<void> {
    return this.inner.send(bytes, address, port);
  }
  post(bytes: Uint8Array, address: string, port: number): void {
    this.inner.post(bytes, address, port);
  }
  onPostError(listener: (address: string, port: number, err: Error) => void): void {
    this.inner.onPostError(listener);
  }
  onDatagram(listener: (d: Datagram) => void): void {
    this.listener = listener;
    this.inner.onDatagram(listener);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  local() {
    return this.inner.local();
  }
  localAddresses(): string[] {
    return this.inner.localAddresses();
  }
  inject(d: Datagram): void {
    this.listener?.(d);
  }
}

/** The flood: the same mix as electron/engine/hostile-load.test.ts, datagrams built once. */
function hostileMix(): (i: number) => Datagram {
  let seed = 7;
  const int = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const pick = <T>(xs: T[]): T => xs[int(xs.length)] as T;
  const { junk, entries, hugeNicks, storm, bigs, parts } = hostileDatagrams(int);
  // 20,000 fake peers in 127.64.0.0/16 and 65,536 strangers in 127.99.0.0/16.
  const fake = (k: number) => `127.64.${k >> 8}.${k & 0xff}`;
  const stranger = (k: number) => `127.99.${(k >> 8) & 0xff}.${k & 0xff}`;
  // A copy each time, as a socket hands over every datagram in a buffer of its own.
  const d = (bytes: Uint8Array, address: string): Datagram => ({
    bytes: new Uint8Array(bytes),
    address,
    port: PORT,
  });
  return (i) => {
    const k = int(20_000);
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
        return d(pick(junk), stranger(k));
      case 3:
        return d(i % 200 === 3 ? pick(hugeNicks) : pick(entries), fake(k));
      case 4:
      case 5:
      case 6:
        return d(storm, fake(k & 63));
      case 7:
        return d(pick(bigs), i % 20 === 7 ? fake(k) : stranger(k));
      default:
        return d(pick(parts), fake(k));
    }
  };
}

export async function runHostileFloodChild(): Promise<void> {
  const say = (line: ChildLine) => process.stdout.write(`${JSON.stringify(line)}\n`);
  const tap = new TapSocket(new UdpSocket());
  // Her history on disk, as the app keeps it: every message she takes is committed before its
  // ack, and the WAL, the batches and the checkpoints count in her RSS and bob's latency.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-flood-bench-'));
  const alice = createEngine(
    defaultSettings({
      nick: 'alice',
      bind: ALICE,
      port: PORT,
      broadcast: [BOB],
      dataDir,
      user: 'bench',
      host: 'alice',
    }),
    {
      tcp: false,
      entryRepeatMs: 0,
      socket: tap,
      diagnostics: { watchIntervalMs: 0 },
      history: { where: 'disk' },
    },
  );
  // A window is open: every message is built into an event and told.
  let told = 0;
  alice.subscribe((e) => {
    if (e.channel === 'chat:message') told++;
  });
  await alice.start();
  const next = hostileMix();
  say({ t: 'ready' });
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line === 'hello') {
      const [id] = alice.handlers['chat:send']({ to: [`${BOB}:${PORT}`], text: 'hi bob' }).ids;
      await new Promise<void>((resolve) => {
        const off = alice.subscribe((e) => {
          if (e.channel === 'chat:delivery' && e.payload.messageId === id) {
            if (e.payload.delivery.state === 'delivered') {
              off();
              resolve();
            }
          }
        });
      });
      say({ t: 'vouched' });
    } else if (line === 'flood') {
      say({ t: 'flooding' });
      const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
      const started = performance.now();
      let sent = 0;
      while (performance.now() - started < FLOOD_MS) {
        for (let k = 0; k < PER_TURN; k++) tap.inject(next(sent++));
        // Between two reads of a busy socket, the event loop runs everything else: bob's
        // datagrams are read from the real socket there.
        await new Promise((r) => setImmediate(r));
      }
      const seconds = (performance.now() - started) / 1000;
      if (told === 0) throw new Error('hostile flood: alice told nothing');
      (globalThis as { gc?: () => void }).gc?.();
      say({
        t: 'done',
        datagrams: sent,
        seconds,
        rssBeforeMb,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        heapMb: process.memoryUsage().heapUsed / 2 ** 20,
        refused: alice.stats().refused,
      });
    } else if (line === 'bye') {
      await alice.stop();
      alice.history.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  }
}
