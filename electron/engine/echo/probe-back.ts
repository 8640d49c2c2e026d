import type { Clock } from '../clock';
import type { DatagramSocket } from '../io/udp-socket';
import type { ProbeBackRequest, ProbeFields } from './echo-probe-format';

/**
 * Answering "please probe me back": a Pigeon peer asks us to send it N probes, so that it can
 * tell "they can't reach me" from "I can't reach them". The probes leave from a fresh ephemeral
 * port, so they are new, unsolicited traffic to the requester's firewall (a reply from our 2425
 * would pass a stateful firewall as part of the exchange the requester started).
 *
 * One small request makes us send many datagrams, so this is bounded against use as an
 * amplifier: probes only ever go to the address the request came from, at most `maxCount` per
 * request, `minIntervalMs` apart, `maxSize` bytes each (one Ethernet frame), one session per
 * address at a time, `perAddressPerMinute` probes per address per minute, `maxSessions` at once.
 * A refused request is answered with a=0, so the requester knows not to wait.
 */
export const PROBE_BACK_LIMITS = {
  maxCount: 100,
  minIntervalMs: 10,
  maxIntervalMs: 1000,
  minSize: 64,
  maxSize: 1472,
  perAddressPerMinute: 200,
  maxSessions: 4,
} as const;

export interface ProbeBackDeps {
  clock: Clock;
  /** The whole datagram of one reverse probe (an IPMsg PIGEON_ECHO padded to `size`). */
  build: (fields: ProbeFields, size: number) => Uint8Array;
  openSocket: () => DatagramSocket;
  /** Address to send from (Pigeon's bind address). */
  bindAddress: () => string;
  limits?: Partial<typeof PROBE_BACK_LIMITS>;
}

interface Session {
  runId: string;
  address: string;
  granted: number;
  socket: DatagramSocket | undefined;
  timer: unknown;
  closed: boolean;
}

export class ProbeBackResponder {
  private readonly limits: typeof PROBE_BACK_LIMITS;
  private readonly sessions = new Map<string, Session>();
  /** Recent answers by "address runId", so the repeated request of one run gets one session. */
  private readonly answered = new Map<string, { granted: number; at: number }>();
  /** Probes granted per address, with when: the per-minute budget. */
  private readonly budget = new Map<string, { at: number; n: number }[]>();

  constructor(private readonly deps: ProbeBackDeps) {
    this.limits = { ...PROBE_BACK_LIMITS, ...deps.limits };
  }

  /** How many probes we send back for this request (0 = refused); starts sending them. */
  handle(req: ProbeBackRequest, runId: string, to: { address: string; port: number }): number {
    const now = this.deps.clock.now();
    const key = `${to.address} ${runId}`;
    const before = this.answered.get(key);
    if (before && now - before.at < 60_000) return before.granted;
    const granted = this.decide(req, to.address, now);
    this.answered.set(key, { granted, at: now });
    if (this.answered.size > 1024) {
      const oldest = this.answered.keys().next().value;
      if (oldest !== undefined) this.answered.delete(oldest);
    }
    if (granted > 0) {
      const spent = this.budget.get(to.address) ?? [];
      spent.push({ at: now, n: granted });
      this.budget.set(to.address, spent);
      void this.run(runId, to, granted, req);
    }
    return granted;
  }

  /** Stop every session (engine stopping). */
  stop(): void {
    for (const s of this.sessions.values()) this.close(s);
    this.sessions.clear();
  }

  activeSessions(): number {
    return this.sessions.size;
  }

  private decide(req: ProbeBackRequest, address: string, now: number): number {
    if (this.sessions.size >= this.limits.maxSessions) return 0;
    if (this.sessions.has(address)) return 0;
    const recent = (this.budget.get(address) ?? []).filter((b) => now - b.at < 60_000);
    if (recent.length) this.budget.set(address, recent);
    else this.budget.delete(address);
    const used = recent.reduce((sum, b) => sum + b.n, 0);
    const left = this.limits.perAddressPerMinute - used;
    const want = Math.min(Math.max(0, Math.floor(req.count)), this.limits.maxCount);
    return Math.max(0, Math.min(want, left));
  }

  private async run(
    runId: string,
    to: { address: string; port: number },
    granted: number,
    req: ProbeBackRequest,
  ): Promise<void> {
    const interval = clamp(req.intervalMs, this.limits.minIntervalMs, this.limits.maxIntervalMs);
    const size = clamp(req.size, this.limits.minSize, this.limits.maxSize);
    const session: Session = {
      runId,
      address: to.address,
      granted,
      socket: undefined,
      timer: undefined,
      closed: false,
    };
    this.sessions.set(to.address, session);
    const socket = this.deps.openSocket();
    try {
      await socket.bind(this.deps.bindAddress(), 0);
    } catch {
      this.close(session);
      return;
    }
    if (session.closed) {
      void socket.close();
      return;
    }
    session.socket = socket;
    // Nothing we receive on this socket matters (a peer may answer our probes): ignore it.
    socket.onDatagram(() => undefined);
    let seq = 0;
    const sendNext = () => {
      session.timer = undefined;
      if (session.closed) return;
      const bytes = this.deps.build(
        { runId, seq, sentUs: this.deps.clock.now() * 1000, reverse: true, reverseOf: granted },
        size,
      );
      void socket.send(bytes, to.address, to.port).catch(() => undefined);
      seq++;
      if (seq >= granted) {
        // Let the last datagram leave before the socket closes.
        session.timer = this.deps.clock.setTimeout(() => this.close(session), 50);
        return;
      }
      session.timer = this.deps.clock.setTimeout(sendNext, interval);
    };
    sendNext();
  }

  private close(session: Session): void {
    if (session.closed) return;
    session.closed = true;
    if (session.timer !== undefined) this.deps.clock.clearTimeout(session.timer);
    void session.socket?.close();
    if (this.sessions.get(session.address) === session) this.sessions.delete(session.address);
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Number.isFinite(x) ? x : lo));
}
