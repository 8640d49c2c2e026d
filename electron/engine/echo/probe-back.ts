import type { Clock } from '../clock';
import type { DatagramSocket } from '../io/udp-socket';
import type { ProbeBackRequest, ProbeFields } from './echo-probe-format';
import { ProbeBackBudget, type Reservation } from './probe-back-budget';
import { ProbeBackCookies } from './probe-back-cookie';

/**
 * Answering "please probe me back": a Pigeon peer asks us to send it N probes, so that it can
 * tell "they can't reach me" from "I can't reach them". The probes leave from a fresh ephemeral
 * port, so they are new, unsolicited traffic to the requester's firewall (a reply from our 2425
 * would pass a stateful firewall as part of the exchange the requester started).
 *
 * One small request makes us send many datagrams, and its source address can be forged, so:
 * - nothing is sent back before the requester proved that it receives at its address and port:
 *   the first answer carries a cookie, and only a request that returns it is granted (a forged
 *   source never sees the cookie, so it gets that one answer, no bigger than its request);
 * - a granted session sends only to that address and port, at most `maxCount` probes,
 *   `minIntervalMs` apart, `maxSize` bytes each (one Ethernet frame), one session per address
 *   at a time, `perAddressPerMinute` probes per address per minute, `maxSessions` at once;
 * - all sessions together stay within `datagramsPerSecond` and `bytesPerSecond` (see
 *   ProbeBackBudget): a session that does not fit beside the running ones is refused.
 * A refused request is answered with a=0, so the requester knows not to wait.
 */
export interface ProbeBackLimits {
  readonly maxCount: number;
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly minSize: number;
  readonly maxSize: number;
  readonly perAddressPerMinute: number;
  readonly maxSessions: number;
  /** All sessions together, in any one second. */
  readonly datagramsPerSecond: number;
  readonly bytesPerSecond: number;
}

export const PROBE_BACK_LIMITS: ProbeBackLimits = {
  maxCount: 100,
  minIntervalMs: 10,
  maxIntervalMs: 1000,
  minSize: 64,
  maxSize: 1472,
  perAddressPerMinute: 200,
  maxSessions: 4,
  // Two sessions at the fastest pace and the largest size fit side by side (2 x 100 x 1472).
  datagramsPerSecond: 200,
  bytesPerSecond: 300_000,
};

/** What a probe-back request gets: a cookie to return first, or the number of probes granted. */
export type ProbeBackAnswer = { cookie: string } | { granted: number };

export interface ProbeBackDeps {
  clock: Clock;
  /** The whole datagram of one reverse probe (an IPMsg PIGEON_ECHO padded to `size`). */
  build: (fields: ProbeFields, size: number) => Uint8Array;
  openSocket: () => DatagramSocket;
  /** Address to send from (Pigeon's bind address). */
  bindAddress: () => string;
  limits?: Partial<ProbeBackLimits>;
  /** Told of each request refused (a=0), with its address (the diagnostics' count). */
  onRefused?: (address: string) => void;
  /** Cookies under a fixed secret (tests); a random secret per responder otherwise. */
  cookies?: ProbeBackCookies;
}

interface Session {
  runId: string;
  address: string;
  granted: number;
  reservation: Reservation;
  socket: DatagramSocket | undefined;
  timer: unknown;
  closed: boolean;
}

export class ProbeBackResponder {
  private readonly limits: ProbeBackLimits;
  private readonly sessions = new Map<string, Session>();
  /** Recent grants by "address:port runId": the repeated request of one run gets one session. */
  private readonly answered = new Map<string, { granted: number; at: number }>();
  /** Probes granted per address, with when: the per-minute budget. */
  private readonly perAddress = new Map<string, { at: number; n: number }[]>();
  /** What all sessions together may send per second. */
  private readonly total: ProbeBackBudget;
  private readonly cookies: ProbeBackCookies;

  constructor(private readonly deps: ProbeBackDeps) {
    this.limits = { ...PROBE_BACK_LIMITS, ...deps.limits };
    this.total = new ProbeBackBudget(this.limits);
    this.cookies = deps.cookies ?? new ProbeBackCookies();
  }

  /**
   * A probe-back request from `to`. Without a valid `proof` (the cookie of an earlier answer)
   * the answer is a cookie and nothing starts; with one, the grant (0 = refused), and the
   * probes start. Repeats of a granted request in the same run get the same grant.
   */
  handle(
    req: ProbeBackRequest,
    runId: string,
    to: { address: string; port: number },
    proof: string | undefined,
  ): ProbeBackAnswer {
    const now = this.deps.clock.now();
    if (proof === undefined || !this.cookies.verify(proof, to.address, to.port, runId, now)) {
      return { cookie: this.cookies.issue(to.address, to.port, runId, now) };
    }
    const key = `${to.address}:${to.port} ${runId}`;
    const before = this.answered.get(key);
    if (before && now - before.at < 60_000) return { granted: before.granted };
    const { granted, reservation } = this.decide(req, to.address, now);
    if (granted === 0 && req.count > 0) this.deps.onRefused?.(to.address);
    this.answered.set(key, { granted, at: now });
    if (this.answered.size > 1024) {
      const oldest = this.answered.keys().next().value;
      if (oldest !== undefined) this.answered.delete(oldest);
    }
    if (granted > 0 && reservation) {
      const spent = this.perAddress.get(to.address) ?? [];
      spent.push({ at: now, n: granted });
      this.perAddress.set(to.address, spent);
      void this.run(runId, to, granted, req, reservation);
    }
    return { granted };
  }

  /** Stop every session (engine stopping). */
  stop(): void {
    for (const s of this.sessions.values()) this.close(s);
    this.sessions.clear();
  }

  activeSessions(): number {
    return this.sessions.size;
  }

  private decide(
    req: ProbeBackRequest,
    address: string,
    now: number,
  ): { granted: number; reservation?: Reservation } {
    if (this.sessions.size >= this.limits.maxSessions) return { granted: 0 };
    if (this.sessions.has(address)) return { granted: 0 };
    const recent = (this.perAddress.get(address) ?? []).filter((b) => now - b.at < 60_000);
    if (recent.length) this.perAddress.set(address, recent);
    else this.perAddress.delete(address);
    const used = recent.reduce((sum, b) => sum + b.n, 0);
    const left = this.limits.perAddressPerMinute - used;
    const want = Math.min(Math.max(0, Math.floor(req.count)), this.limits.maxCount);
    const granted = Math.max(0, Math.min(want, left));
    if (granted === 0) return { granted: 0 };
    const { interval, size } = this.pace(req);
    // A single probe has no rate to keep: it needs room for one datagram.
    const reservation = this.total.reserve(granted === 1 ? 1000 : interval, size);
    return reservation ? { granted, reservation } : { granted: 0 };
  }

  private pace(req: ProbeBackRequest): { interval: number; size: number } {
    return {
      interval: clamp(req.intervalMs, this.limits.minIntervalMs, this.limits.maxIntervalMs),
      size: clamp(req.size, this.limits.minSize, this.limits.maxSize),
    };
  }

  private async run(
    runId: string,
    to: { address: string; port: number },
    granted: number,
    req: ProbeBackRequest,
    reservation: Reservation,
  ): Promise<void> {
    const { interval, size } = this.pace(req);
    const session: Session = {
      runId,
      address: to.address,
      granted,
      reservation,
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
      const wait = this.total.take(bytes.length, this.deps.clock.now());
      if (wait === Infinity) {
        this.close(session);
        return;
      }
      if (wait > 0) {
        session.timer = this.deps.clock.setTimeout(sendNext, wait);
        return;
      }
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
    this.total.release(session.reservation);
    if (session.timer !== undefined) this.deps.clock.clearTimeout(session.timer);
    void session.socket?.close();
    if (this.sessions.get(session.address) === session) this.sessions.delete(session.address);
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Number.isFinite(x) ? x : lo));
}
