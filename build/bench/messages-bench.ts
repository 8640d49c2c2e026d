import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../../electron/engine/engine';
import type { IntakeLimits } from '../../electron/engine/messaging/budgets';
import { defaultSettings } from '../../electron/engine/settings/settings';

const PORT = 42425;

/**
 * One sender keeps 10,000 to 30,000 messages a second going to one receiver: what the intake's
 * rate limits are there to slow down (messaging/budgets.ts), and the figure measured is what a
 * round trip costs, not the limit. So the receivers' limits are raised out of the way; the
 * checks themselves still run on every message.
 */
const OUT_OF_THE_WAY = 1024 * 1024 * 1024;
const BENCH_INTAKE: Partial<IntakeLimits> = {
  perSource: { burst: OUT_OF_THE_WAY, perSecond: OUT_OF_THE_WAY },
  all: { burst: OUT_OF_THE_WAY, perSecond: OUT_OF_THE_WAY, reserve: 0 },
};

export interface RatePair {
  acked_per_s: number;
  bare_per_s: number;
  ratio: number;
}

/** Acked round trips per second: one message in flight per receiver, as the engine allows. */
async function engineRoundTrips(
  sender: Engine,
  receivers: string[],
  total: number,
): Promise<number> {
  const perLane = Math.ceil(total / receivers.length);
  const waiters = new Map<string, (ok: boolean) => void>();
  const off = sender.subscribe((e) => {
    if (e.channel !== 'chat:delivery') return;
    const { delivery, messageId } = e.payload;
    if (delivery.state === 'delivered') waiters.get(messageId)?.(true);
    if (delivery.state === 'failed') {
      console.error(
        `benchmark message failed: ${delivery.code} ${JSON.stringify(delivery.params)}`,
      );
      waiters.get(messageId)?.(false);
    }
  });
  const send = sender.handlers['chat:send'];
  const started = performance.now();
  await Promise.all(
    receivers.map(async (address) => {
      for (let i = 0; i < perLane; i++) {
        const [id] = send({ to: [address], text: `benchmark message ${i} 你好` }).ids;
        if (!id) throw new Error('send returned nothing');
        const ok = await new Promise<boolean>((resolve) => waiters.set(id, resolve));
        waiters.delete(id);
        if (!ok) throw new Error('a benchmark message failed');
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  off();
  return (perLane * receivers.length) / seconds;
}

/** The baseline: bare node:dgram ping-pong, same payload size, same lane count. */
async function bareRoundTrips(
  client: dgram.Socket,
  servers: string[],
  total: number,
): Promise<number> {
  const perLane = Math.ceil(total / servers.length);
  const payload = Buffer.alloc(90, 0x61);
  const remaining = new Map(servers.map((a) => [a, perLane]));
  const started = performance.now();
  let lastReply = performance.now();
  await new Promise<void>((resolve) => {
    let lanesLeft = servers.length;
    // A datagram lost on loopback (rare, but the machine is shared) would stall a bare
    // ping-pong forever: resend on lanes that went quiet, as the engine's retry would.
    const watchdog = setInterval(() => {
      if (performance.now() - lastReply < 200) return;
      for (const [a, left] of remaining) if (left > 0) client.send(payload, PORT, a);
    }, 100);
    const onMessage = (_msg: Buffer, r: dgram.RemoteInfo) => {
      lastReply = performance.now();
      const left = (remaining.get(r.address) ?? 0) - 1;
      remaining.set(r.address, left);
      if (left > 0) client.send(payload, PORT, r.address);
      else if (left === 0 && --lanesLeft === 0) {
        clearInterval(watchdog);
        client.off('message', onMessage);
        resolve();
      }
    };
    client.on('message', onMessage);
    for (const a of servers) client.send(payload, PORT, a);
  });
  return (perLane * servers.length) / ((performance.now() - started) / 1000);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/**
 * Both engines and the bare pair run in this process. Across threads, this VM's wake-ups add
 * 40-90 us per hop and vary run to run, which swamps what is being compared; in one thread the
 * figures are the CPU cost of a round trip, engine versus socket, and they repeat.
 */
export async function benchMessages(
  roundTrips = 5000,
  repeats = 5,
  history: 'disk' | 'memory' = 'disk',
): Promise<{ sequential: RatePair; concurrent8: RatePair }> {
  // Each engine with its history on disk, as the app runs: every incoming message is committed
  // before its ack.
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-messages-bench-'));
  const senderAddr = '127.0.0.2';
  const one = ['127.0.0.3'];
  const eight = Array.from({ length: 8 }, (_, i) => `127.0.0.${4 + i}`);
  const bareOne = ['127.0.0.21'];
  const bareEight = Array.from({ length: 8 }, (_, i) => `127.0.0.${30 + i}`);

  const engineAt = async (address: string, nick: string, peers: string[]) => {
    const e = createEngine(
      defaultSettings({
        nick,
        bind: address,
        port: PORT,
        broadcast: peers,
        dataDir: path.join(dataRoot, nick),
        user: 'bench',
        host: nick,
      }),
      { tcp: false, entryRepeatMs: 0, intake: BENCH_INTAKE, history: { where: history } },
    );
    await e.start();
    return e;
  };
  const receivers = await Promise.all(
    [...one, ...eight].map((a, i) => engineAt(a, `far${i}`, [senderAddr])),
  );
  const sender = await engineAt(senderAddr, 'sender', [...one, ...eight]);
  const echoes = await Promise.all(
    [...bareOne, ...bareEight].map(
      (address) =>
        new Promise<dgram.Socket>((resolve) => {
          const s = dgram.createSocket('udp4');
          s.bind(PORT, address, () => {
            s.on('message', (msg, r) => s.send(msg, r.port, r.address));
            resolve(s);
          });
        }),
    ),
  );
  const client = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => client.bind(PORT, '127.0.0.20', () => resolve()));
  await new Promise((r) => setTimeout(r, 300));

  // Warm up both paths so JIT and socket buffers start in the same state.
  await engineRoundTrips(sender, one, 1000);
  await bareRoundTrips(client, bareOne, 1000);
  const seq = { engine: [] as number[], bare: [] as number[] };
  const con = { engine: [] as number[], bare: [] as number[] };
  for (let r = 0; r < repeats; r++) {
    // Interleaved, so machine noise hits both alike.
    seq.bare.push(await bareRoundTrips(client, bareOne, roundTrips));
    seq.engine.push(await engineRoundTrips(sender, one, roundTrips));
    con.bare.push(await bareRoundTrips(client, bareEight, roundTrips));
    con.engine.push(await engineRoundTrips(sender, eight, roundTrips));
  }
  const refused = receivers.reduce((n, e) => n + e.stats().refused, 0);
  if (refused > 0) throw new Error(`messages benchmark: ${refused} messages hit the rate limits`);
  client.close();
  for (const s of echoes) s.close();
  await sender.stop();
  await Promise.all(receivers.map((e) => e.stop()));
  for (const e of [sender, ...receivers]) e.history.close();
  fs.rmSync(dataRoot, { recursive: true, force: true });
  const pair = (p: { engine: number[]; bare: number[] }): RatePair => {
    const acked = median(p.engine);
    const bare = median(p.bare);
    return {
      acked_per_s: Math.round(acked),
      bare_per_s: Math.round(bare),
      ratio: Number((acked / bare).toFixed(3)),
    };
  };
  return { sequential: pair(seq), concurrent8: pair(con) };
}
