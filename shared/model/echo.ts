import type { Outcome } from './outcome';
import type { ClientKind } from './peer';

/**
 * Echo tests and network diagnostics, as the engine reports them to the CLI and the UI.
 * Everything here is JSON-safe (numbers, strings, booleans, null, arrays, plain objects).
 */

/**
 * - pigeon: PIGEON_ECHO / PIGEON_ECHO_REPLY between Pigeon peers (padding to any size, probe back)
 * - ipmsg:  a unicast BR_ENTRY and the ANSENTRY every IPMsg client (iptux, FeiQ) answers
 * - raw:    printable ASCII to any UDP echo server (RFC 862 style), from a socket of its own
 */
export type EchoMode = 'pigeon' | 'ipmsg' | 'raw';

export interface EchoRequest {
  /** "host", "host:port" or a peer id. Without a port: 2425 (pigeon, ipmsg), 7 (raw). */
  to: string;
  /** Default 'pigeon'. */
  mode?: EchoMode;
  /** Probes to send (default 5, at most 100000). */
  count?: number;
  /** Between probes, ms (default 1000; fractions allowed; ipmsg mode at least 100). */
  intervalMs?: number;
  /** UDP payload bytes of each probe (default 64; ignored in ipmsg mode, whose size is fixed). */
  size?: number;
  /** A probe without an answer after this long counts as lost (default 2000 ms). */
  timeoutMs?: number;
  /** Pigeon mode: ask the peer to send this many probes back to us (0 = none, at most 100). */
  probeBack?: number;
}

/** Round-trip times in milliseconds. */
export interface RttSummary {
  min: number;
  avg: number;
  p50: number;
  p95: number;
  max: number;
}

export interface EchoStats {
  /** Probes handed to the socket (send errors included). */
  sent: number;
  /** Probes answered within the timeout. */
  received: number;
  /** Probes whose timeout passed without an answer (send errors included). */
  lost: number;
  /** lost / (received + lost), 0..1; 0 before anything was decided. */
  loss: number;
  /** Extra answers to a probe that was already answered. */
  duplicates: number;
  /** Answers that arrived after an answer to a later probe. */
  reordered: number;
  /** Answers that came after the probe had been counted lost. */
  late: number;
  /** Probes the socket refused to send (no route, EPERM from a local firewall...). */
  errors: number;
  /** Answers whose bytes differ from the probe (truncated or rewritten by the echo server). */
  altered: number;
  rttMs: RttSummary | null;
  /** Mean absolute difference of consecutive round-trip times (RFC 3550 style), ms. */
  jitterMs: number | null;
}

export type EchoProbeOutcome =
  | { seq: number; kind: 'reply'; rttMs: number; bytes: number; altered?: boolean }
  | { seq: number; kind: 'duplicate'; rttMs: number }
  | { seq: number; kind: 'late'; rttMs: number }
  | { seq: number; kind: 'lost' }
  | { seq: number; kind: 'error'; reason: string }
  /** A probe the peer sent to us because we asked it to probe back. */
  | { seq: number; kind: 'reverse'; bytes: number };

/** The other direction: probes a Pigeon peer sent to us on request, from a port of its own. */
export interface EchoReverse {
  requested: number;
  /** How many the peer agreed to send; null when it never answered the request. */
  granted: number | null;
  received: number;
  duplicates: number;
  /** Of the granted probes, the fraction that never arrived; null while unknown. */
  loss: number | null;
}

export interface EchoTarget {
  address: string;
  port: number;
  peerId?: string;
  nick?: string;
}

export interface EchoResult {
  runId: string;
  mode: EchoMode;
  target: EchoTarget;
  count: number;
  intervalMs: number;
  timeoutMs: number;
  /** UDP payload bytes actually sent per probe. */
  size: number;
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
  state: 'done' | 'cancelled' | 'failed';
  /** Why a run failed (bad request, engine not running, socket error), in English. */
  error?: string;
  /** A bad request or an engine not running, as an outcome (the UI shows it in its language). */
  problem?: Outcome;
  stats: EchoStats;
  reverse?: EchoReverse;
}

// ---- size sweep ---------------------------------------------------------------------------------

export interface SweepRequest {
  to: string;
  /** 'pigeon' (default) or 'raw'; ipmsg entries cannot be padded. */
  mode?: 'pigeon' | 'raw';
  /** Smallest and largest UDP payload to try (default 64 and 8192; at most 65507). */
  min?: number;
  max?: number;
  /** Probes per size before it counts as failing (default 2). */
  tries?: number;
  /** Per probe (default 800 ms). */
  timeoutMs?: number;
  /** Keep messages to this peer under what passed (default true; pigeon mode only). */
  apply?: boolean;
}

export interface SweepStep {
  size: number;
  passed: boolean;
  rttMs?: number;
}

export interface SweepResult {
  runId: string;
  mode: 'pigeon' | 'raw';
  target: EchoTarget;
  state: 'done' | 'cancelled' | 'failed';
  /** Why the sweep failed, in English; `problem` as an outcome when the request was the cause. */
  error?: string;
  problem?: Outcome;
  /** Largest UDP payload that got through (and back); null when even the smallest failed. */
  largestPassing: number | null;
  /** Smallest payload that failed; null when everything up to max passed. */
  smallestFailing: number | null;
  path: {
    /** The interface the kernel sends through to reach the target. */
    interface: string | null;
    sourceAddress: string | null;
    mtu: number | null;
    /** Largest UDP payload that fits that MTU without IP fragments (MTU - 28). */
    unfragmentedMax: number | null;
  };
  /** The largest passing size needed IP fragments (node:dgram cannot set don't-fragment). */
  fragmented: boolean | null;
  steps: SweepStep[];
  /** The per-peer datagram cap Pigeon now keeps to, when the sweep set one. */
  appliedLimit: number | null;
}

// ---- broadcast reach ----------------------------------------------------------------------------

export interface ReachRequest {
  /** 'pigeon' (default): a PIGEON_ECHO to each broadcast target; 'ipmsg': a BR_ENTRY (everyone answers). */
  mode?: 'pigeon' | 'ipmsg';
  /** How long to collect answers (default 1500 ms). */
  timeoutMs?: number;
}

export interface ReachResponder {
  address: string;
  port: number;
  rttMs: number;
  nick?: string;
  client?: ClientKind;
  /** Broadcast targets whose probe it answered (pigeon mode). */
  via: string[];
}

export interface ReachResult {
  runId: string;
  mode: 'pigeon' | 'ipmsg';
  startedAt: number;
  durationMs: number;
  state: 'done' | 'failed';
  /** Why it failed, in English; `problem` as an outcome. */
  error?: string;
  problem?: Outcome;
  targets: { target: string; interface: string | null; responders: string[] }[];
  /** Responders grouped by the interface whose subnet they are in. */
  interfaces: {
    name: string;
    address: string;
    subnet: string;
    broadcast: string;
    announced: boolean;
    responders: ReachResponder[];
  }[];
  /** Answered, but in none of our subnets. */
  elsewhere: ReachResponder[];
}
