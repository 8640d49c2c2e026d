import dgram from 'node:dgram';
import { createEngine, type Engine } from '../../electron/engine/engine';
import { percentile } from '../../shared/diagnostics/echo-stats';
import { runEcho } from '../../electron/engine/run-echo';
import { defaultSettings } from '../../electron/engine/settings/settings';
import { startFarSide } from './bench-worker';

/**
 * echo.rtt_ratio: the median round trip Pigeon echo reports between two engines, against a bare
 * node:dgram ping-pong on the same loopback addresses, same payload size and same cadence, in
 * the same run (rounds interleaved, so machine noise hits both). The far side (an engine, or a
 * bare echo socket) runs in a worker thread, as it would on another machine. Plus the probe rate
 * the engine sustains without loss. Loopback only.
 */
const FROM = '127.0.0.2';
const TO = '127.0.0.3';
const PORT = 42_500;
const BARE_PORT = 42_501;
const SIZE = 64;

async function engineAt(address: string, peer: string): Promise<Engine> {
  // the near side only; the far side is the worker's
  const e = createEngine(
    defaultSettings({
      nick: address,
      bind: address,
      port: PORT,
      broadcast: [peer],
      dataDir: '/nonexistent',
      user: 'bench',
      host: address,
    }),
    { tcp: false, entryRepeatMs: 0, diagnostics: { watchIntervalMs: 0 } },
  );
  await e.start();
  return e;
}

function bound(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(port, address, () => resolve(s));
  });
}

/** `count` probes `intervalMs` apart, each timed from send to its echo; the RTTs in ms. */
async function barePingPong(count: number, intervalMs: number): Promise<number[]> {
  const client = await bound(FROM, 0);
  const sentAt = new Float64Array(count);
  const rtts: number[] = [];
  await new Promise<void>((resolve) => {
    client.on('message', (msg) => {
      const seq = msg.readUInt32BE(0);
      rtts.push(performance.now() - (sentAt[seq] ?? 0));
      if (rtts.length === count) resolve();
    });
    const payload = Buffer.alloc(SIZE, 0x61);
    const start = performance.now();
    let next = 0;
    const tick = () => {
      while (next < count && start + next * intervalMs <= performance.now()) {
        payload.writeUInt32BE(next, 0);
        sentAt[next] = performance.now();
        client.send(payload, BARE_PORT, TO);
        next++;
      }
      if (next < count)
        setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
    };
    tick();
    setTimeout(resolve, count * intervalMs + 2000);
  });
  client.close();
  return rtts;
}

export interface EchoBench {
  median_rtt_ms: number;
  bare_median_rtt_ms: number;
  /** Median over rounds of (Pigeon's median RTT / bare median RTT) in the same round. */
  rtt_ratio: number;
  target_ratio: number;
  max_rate_per_s: number;
  rates: { rate: number; sent: number; received: number; loss: number }[];
}

/** `entry`: the bench bundle, which runs the far side when started as a worker (bench.ts). */
export async function benchEcho(entry: URL): Promise<EchoBench> {
  const farEngine = await startFarSide(entry, {
    role: 'engines',
    addresses: [TO],
    port: PORT,
    announceTo: [FROM],
  });
  const farEcho = await startFarSide(entry, {
    role: 'echo',
    addresses: [TO],
    port: BARE_PORT,
    announceTo: [],
  });
  const a = await engineAt(FROM, TO);
  try {
    // Warm both paths up: the first thousands of round trips run unoptimised code (JIT).
    await runEcho(a, { to: TO, count: 5000, intervalMs: 0.2, size: SIZE });
    await barePingPong(5000, 0.2);
    // Rounds alternate, and each round's two medians are compared with each other: load from
    // elsewhere on the machine then shifts both sides of a ratio alike.
    const pigeon: number[] = [];
    const bare: number[] = [];
    const ratios: number[] = [];
    const med = (xs: number[]) =>
      percentile(
        [...xs].sort((x, y) => x - y),
        50,
      );
    for (let round = 0; round < 7; round++) {
      const r = await runEcho(a, {
        to: TO,
        count: 1000,
        intervalMs: 1,
        size: SIZE,
        timeoutMs: 1000,
      });
      const b = med(await barePingPong(1000, 1));
      if (!r.stats.rttMs) continue;
      pigeon.push(r.stats.rttMs.p50);
      bare.push(b);
      ratios.push(r.stats.rttMs.p50 / b);
    }
    const median_rtt_ms = round3(med(pigeon));
    const bare_median_rtt_ms = round3(med(bare));

    // the largest rate (probes per second, for one second) with no probe lost
    const rates: EchoBench['rates'] = [];
    let max_rate_per_s = 0;
    for (const rate of [1000, 2000, 5000, 10_000, 20_000, 40_000, 80_000]) {
      const r = await runEcho(a, {
        to: TO,
        count: rate,
        intervalMs: 1000 / rate,
        size: SIZE,
        timeoutMs: 1000,
      });
      rates.push({ rate, sent: r.stats.sent, received: r.stats.received, loss: r.stats.loss });
      if (r.stats.received !== rate) break;
      max_rate_per_s = rate;
    }
    return {
      median_rtt_ms,
      bare_median_rtt_ms,
      rtt_ratio: round3(med(ratios)),
      target_ratio: 1.3,
      max_rate_per_s,
      rates,
    };
  } finally {
    await a.stop();
    await farEngine.stop();
    await farEcho.stop();
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
