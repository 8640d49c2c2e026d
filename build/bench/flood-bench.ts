import { createEngine } from '../../electron/engine/engine';
import { defaultSettings } from '../../electron/engine/settings/settings';
import type { Datagram, DatagramSocket } from '../../electron/engine/io/udp-socket';

/**
 * Forged senders: every datagram from a new address, each one a BR_ENTRY (a new peer to list
 * and answer) or a SENDMSG (a new conversation to keep). The engine's cost per datagram must
 * stay flat as its tables fill to their bounds and start evicting; the figure compared is the
 * cost with the peer table full (20,000) against the cost of the first few thousand.
 *
 * The datagrams go straight into the engine through its socket seam: thousands of source
 * addresses are what a forger has and what loopback sockets cannot give us.
 */
class InjectTransport implements DatagramSocket {
  private listener: ((d: Datagram) => void) | undefined;
  async bind(): Promise<void> {}
  async send(): Promise<void> {}
  post(): void {}
  onDatagram(listener: (d: Datagram) => void): void {
    this.listener = listener;
  }
  async close(): Promise<void> {}
  local() {
    return { address: '127.0.0.2', port: 2425 };
  }
  localAddresses() {
    return ['127.0.0.2'];
  }
  inject(d: Datagram): void {
    this.listener?.(d);
  }
}

export interface FloodResult {
  packets: number;
  /** Microseconds per forged datagram over the first 4,000 (tables filling). */
  us_first: number;
  /** Microseconds per forged datagram once the peer table is full and evicting. */
  us_full: number;
  ratio: number;
  peers: number;
}

export async function benchFlood(): Promise<FloodResult> {
  const socket = new InjectTransport();
  const engine = createEngine(
    defaultSettings({
      nick: 'bench',
      bind: '127.0.0.2',
      port: 2425,
      broadcast: ['127.0.0.255'],
      dataDir: '/nonexistent',
      user: 'bench',
      host: 'bench',
    }),
    { tcp: false, entryRepeatMs: 0, socket },
  );
  await engine.start();
  // A UI is listening in the app: events are built and delivered.
  let events = 0;
  const off = engine.subscribe(() => events++);
  let i = 0;
  const burst = async (n: number): Promise<number> => {
    const started = performance.now();
    for (let k = 0; k < n; k++, i++) {
      const address = `10.${100 + (i >> 16)}.${(i >> 8) & 0xff}.${i & 0xff}`;
      const text =
        i % 2 === 0
          ? `1:${i + 1}:forged:host:1:forged-${i}\0\0`
          : `1:${i + 1}:forged:host:${0x20 | 0x100}:forged ${i}\0`;
      socket.inject({ bytes: Buffer.from(text, 'latin1'), address, port: 2425 });
      // Let answers and deferred reads run, as the event loop would between datagrams.
      if ((k & 255) === 255) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setImmediate(r));
    return ((performance.now() - started) * 1000) / n;
  };
  const first = await burst(4000);
  await burst(18_000); // fill the peer table to its bound (20,000)
  const full = await burst(8000);
  const peers = engine.handlers['peers:list']().length;
  off();
  await engine.stop();
  if (events === 0) throw new Error('flood benchmark: the engine emitted no events');
  return {
    packets: i,
    us_first: Number(first.toFixed(1)),
    us_full: Number(full.toFixed(1)),
    ratio: Number((full / first).toFixed(2)),
    peers,
  };
}
