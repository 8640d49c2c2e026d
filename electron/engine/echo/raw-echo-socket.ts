import type { EchoRequest } from '../../../shared/model';
import { systemClock, type Clock } from '../clock';
import { UdpSocket, type Datagram, type DatagramSocket } from '../io/udp-socket';
import { decodeProbe, encodeProbe, newRunId, probeHeader } from './echo-probe-format';
import { planEcho, type EchoPlan } from './echo-request';
import { startEchoRun, type EchoChannel, type EchoRunHandle, type StartRunArgs } from './echo-run';
import type { EchoRunner } from './echo-runner';

/**
 * The raw mode: printable probes from a socket of its own (an ephemeral port, never Pigeon's
 * 2425) to any host:port that sends back what it receives. Answers are matched by the run id in
 * the payload, so anything else arriving on the socket is ignored.
 */
export class RawEchoChannel implements EchoChannel {
  private socket: DatagramSocket | undefined;
  private runner: EchoRunner | undefined;

  constructor(
    private readonly o: {
      runId: string;
      address: string;
      port: number;
      size: number;
      bind: string;
      openSocket: () => DatagramSocket;
    },
  ) {}

  probeSize(): number {
    return Math.max(this.o.size, probeHeader({ runId: this.o.runId, seq: 0, sentUs: 0 }).length);
  }

  async open(): Promise<string | undefined> {
    const socket = this.o.openSocket();
    try {
      await socket.bind(this.o.bind, 0);
    } catch (err) {
      return `cannot open a UDP socket on ${this.o.bind}: ${err instanceof Error ? err.message : String(err)}`;
    }
    socket.onDatagram((d) => this.onDatagram(d));
    this.socket = socket;
    return undefined;
  }

  attach(runner: EchoRunner): void {
    this.runner = runner;
  }

  send(seq: number, sentAt: number): Promise<string | undefined> {
    const socket = this.socket;
    if (!socket) return Promise.resolve('socket is closed');
    const bytes = encodeProbe({ runId: this.o.runId, seq, sentUs: sentAt * 1000 }, this.o.size);
    return socket.send(bytes, this.o.address, this.o.port).then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
  }

  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    void socket?.close();
  }

  private onDatagram(d: Datagram): void {
    if (d.address !== this.o.address) return;
    const p = decodeProbe(d.bytes);
    if (!p || p.runId !== this.o.runId) return;
    const expected = Math.max(this.o.size, p.headerLength);
    this.runner?.answer(p.seq, {
      bytes: d.bytes.length,
      altered: !p.intact || d.bytes.length !== expected,
    });
  }
}

/** Where a raw socket binds: Pigeon's own address when it is bound to one, else any. */
export function rawBindAddress(engineBind: string): string {
  return engineBind && engineBind !== '0.0.0.0' ? engineBind : '0.0.0.0';
}

export interface RawEchoOptions {
  clock?: Clock;
  now?: () => number;
  /** Address to send from (default 0.0.0.0). */
  bind?: string;
  openSocket?: () => DatagramSocket;
  onProgress?: StartRunArgs['onProgress'];
  onDone?: StartRunArgs['onDone'];
  progressEveryMs?: number;
}

/** A raw echo run with no engine at all (the CLI's `pigeon echo --mode raw`). */
export function rawEcho(
  request: EchoRequest,
  options: RawEchoOptions = {},
): { ok: true; handle: EchoRunHandle; plan: EchoPlan } | { ok: false; error: string } {
  const planned = planEcho({ ...request, mode: 'raw' }, 0);
  if (!planned.ok) return planned;
  const plan = planned.value;
  const runId = newRunId();
  const channel = new RawEchoChannel({
    runId,
    address: plan.address,
    port: plan.port,
    size: plan.size,
    bind: options.bind ?? '0.0.0.0',
    openSocket: options.openSocket ?? (() => new UdpSocket()),
  });
  const handle = startEchoRun({
    runId,
    plan,
    target: { address: plan.address, port: plan.port },
    channel,
    clock: options.clock ?? systemClock,
    now: options.now ?? (() => performance.now()),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onDone ? { onDone: options.onDone } : {}),
    ...(options.progressEveryMs !== undefined ? { progressEveryMs: options.progressEveryMs } : {}),
  });
  return { ok: true, handle, plan };
}
