/**
 * The child of heap-flood.test.ts: an engine on a fake LAN receiving 60 KB messages from forged
 * senders, run by the test in its own Node with `--max-old-space-size=256 --expose-gc`, so that
 * what the engine pins is the heap's own word and running out of it kills only this process.
 *
 * Two floods, 3,000 messages each:
 *  - paced: 300 forged peers announce themselves, then send at 20 messages a second (1.2 MB/s),
 *    within every rate limit, so that everything is admitted and only the byte budgets of the
 *    stored conversations stand between the flood and the heap;
 *  - burst: 3,000 hosts that never announced themselves, all at once (the rate limits' case).
 * Then a real peer's message must still arrive. Prints one JSON line with the figures.
 */
import { Mode, Opt, buildDatagram, latin1Bytes, makeCommand } from '../../../shared/protocol';
import { Engine } from '../engine';
import { FakeClock } from './fake-clock';
import { FakeNetwork, packetOf } from './fake-network';
import { testSettings } from './engine-harness';

const MB = 1024 * 1024;
const ALICE = '10.0.0.1';
const BOB = '10.0.0.2';
const PORT = 2425;
const MESSAGES = 3000;
const TEXT_BYTES = 60 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;
let peakHeap = 0;
function sampleHeap(): void {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}
function heldAfterGc(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** A datagram as a forger writes it: any header, the text, SENDCHECKOPT so it wants an ack. */
function forged(packetNo: number, command: number, extra: Uint8Array): Uint8Array {
  return buildDatagram({
    version: '1',
    packetNo,
    user: latin1Bytes('forged'),
    host: latin1Bytes('host'),
    command,
    extra,
  });
}

/** 60 KB of ASCII, different in every message (no string can be shared between two of them). */
function text(i: number): Uint8Array {
  const out = new Uint8Array(TEXT_BYTES + 1);
  const head = latin1Bytes(`message ${i} `);
  for (let k = 0; k < TEXT_BYTES; k++) out[k] = 0x61 + ((k * 7 + i) % 26);
  out.set(head);
  out[TEXT_BYTES] = 0;
  return out;
}

async function main(): Promise<void> {
  const clock = new FakeClock();
  let acks = 0;
  const net = new FakeNetwork(clock, {
    // Every datagram alice sends passes here: count her acks to the forgers.
    sendError: (d) => {
      if (d.from.address === ALICE && d.to.address !== BOB && d.bytes.length < 200) {
        const p = packetOf(d);
        if (p && (p.command & 0xff) === Mode.RECVMSG) acks++;
      }
      return undefined;
    },
  });
  net.recording = false;
  const make = (address: string, nick: string) => {
    const socket = net.socket(address);
    socket.recording = false;
    const engine = new Engine(testSettings(address, { nick }), {
      socket,
      clock,
      tcp: false,
      entryRepeatMs: 0,
    });
    return engine;
  };
  const alice = make(ALICE, 'alice');
  const bob = make(BOB, 'bob');
  // A window is open: every message is built into an event and told.
  let told = 0;
  alice.subscribe((e) => {
    if (e.channel === 'chat:message') told++;
  });
  let bobDelivered = 0;
  bob.subscribe((e) => {
    if (e.channel === 'chat:delivery' && e.payload.delivery.state === 'delivered') bobDelivered++;
  });
  await alice.start();
  await bob.start();
  await clock.flush();
  const started = heldAfterGc();
  const to = { address: ALICE, port: PORT };

  // ---- paced: announced forgers within the rate limits -------------------------------------
  const SENDERS = 300;
  // Host parts 1..250: every one a valid host address (1..256 would make x.x.x.256).
  const sender = (i: number) => ({
    address: `10.9.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    port: PORT,
  });
  for (let s = 0; s < SENDERS; s++) {
    net.inject(
      forged(1, makeCommand(Mode.BR_ENTRY), latin1Bytes(`forger${s}\0group\0`)),
      sender(s),
      to,
    );
  }
  await clock.flush();
  const pacedAt = Date.now();
  for (let i = 0; i < MESSAGES; i++) {
    net.inject(
      forged(10 + i, makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT), text(i)),
      sender(i % SENDERS),
      to,
    );
    await clock.advance(50);
    if (i % 50 === 0) sampleHeap();
  }
  const pacedMs = Date.now() - pacedAt;
  const pacedAcks = acks;
  const afterPaced = heldAfterGc();

  // ---- burst: hosts that never announced themselves, all at once ---------------------------
  acks = 0;
  for (let i = 0; i < MESSAGES; i++) {
    const from = { address: `10.10.${Math.floor(i / 250)}.${(i % 250) + 1}`, port: PORT };
    net.inject(
      forged(1, makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT), text(MESSAGES + i)),
      from,
      to,
    );
    if (i % 100 === 99) {
      await clock.flush();
      sampleHeap();
    }
  }
  await clock.flush();
  const burstAcks = acks;
  const afterBurst = heldAfterGc();

  // ---- a real peer is still heard ----------------------------------------------------------
  await clock.advance(3000);
  bob.handlers['chat:send']({ to: [`${ALICE}:${PORT}`], text: 'still there?' });
  await clock.advance(6000);

  console.log(
    JSON.stringify({
      pacedAcks,
      burstAcks,
      told,
      bobDelivered,
      pacedMs,
      startedMb: +(started / MB).toFixed(1),
      afterPacedMb: +(afterPaced / MB).toFixed(1),
      afterBurstMb: +(afterBurst / MB).toFixed(1),
      peakHeapMb: +(peakHeap / MB).toFixed(1),
      peakRssMb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
      historyMb: +(alice.history.usage().used / MB).toFixed(1),
      stats: alice.stats(),
    }),
  );
  await bob.stop();
  await alice.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
