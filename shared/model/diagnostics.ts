import type { Outcome } from './outcome';
import type { ClientKind } from './peer';
import type { EchoMode, EchoReverse, EchoStats } from './echo';

/** Network diagnostics as the engine reports them: interfaces, the doctor's report. JSON-safe. */

export interface InterfaceInfo {
  name: string;
  address: string;
  netmask: string;
  /** Prefix length of the netmask (24 for 255.255.255.0). */
  prefix: number;
  /** Directed broadcast address of the subnet. */
  broadcast: string;
  /** The subnet in CIDR notation, e.g. "192.168.1.0/24". */
  subnet: string;
  internal: boolean;
  /** Link MTU when the platform tells it (Linux /sys), else null. */
  mtu: number | null;
  /** One of Pigeon's broadcast targets reaches this subnet. */
  announced: boolean;
  /** Pigeon's socket receives on this address (bound to it or to 0.0.0.0). */
  listening: boolean;
}

export interface InterfacesReport {
  /** Epoch ms. */
  at: number;
  bind: string;
  port: number;
  broadcastTargets: string[];
  unicastHosts: string[];
  interfaces: InterfaceInfo[];
}

export type VerdictCode =
  | 'ok'
  | 'port-in-use'
  | 'no-route'
  | 'their-inbound-blocked'
  | 'our-inbound-blocked'
  | 'different-subnet'
  | 'different-subnet-silent'
  | 'broadcast-blocked'
  | 'broadcast-not-checked'
  | 'we-dropped-messages'
  | 'we-withheld-answers'
  | 'tcp-blocked'
  | 'tcp-refused'
  | 'not-running'
  | 'udp-blocked'
  | 'lossy'
  | 'firewall-somewhere'
  | 'silent'
  | 'other-interface';

export type VerdictSeverity = 'ok' | 'info' | 'warning' | 'problem';

export interface Verdict {
  code: VerdictCode;
  severity: VerdictSeverity;
  /** Values the sentence names (addresses, subnets, percentages), for a UI that words it itself. */
  params: Record<string, string | number>;
  /** The plain sentence with the fix, in both languages Pigeon ships. */
  text: { en: string; 'zh-CN': string };
}

export type TcpState = 'open' | 'refused' | 'timeout' | 'unreachable' | 'error';

export interface DoctorRequest {
  /** "host", "host:port" or a peer id. */
  to: string;
  /** Echo probes per step (default 4). */
  count?: number;
  /** Per probe (default 1000 ms). */
  timeoutMs?: number;
  /**
   * Skip the broadcast step: it announces us to everyone on the LAN (ipmsg mode) or asks every
   * Pigeon there to answer. The app does it (it is on the LAN already); `pigeon doctor` skips it
   * unless `--broadcast-check`.
   */
  skipBroadcast?: boolean;
}

export interface DoctorReport {
  target: { address: string; port: number; peerId?: string; nick?: string; client?: ClientKind };
  /** Epoch ms. */
  at: number;
  durationMs: number;
  local: {
    bind: string;
    port: number;
    /** Pigeon could not bind its port: another program holds it. */
    portInUse: boolean;
    /** Where the kernel sends packets for the target from. */
    route: { sourceAddress: string | null; interface: string | null; error?: string };
    interfaces: InterfaceInfo[];
  };
  subnet: {
    /** The target is inside the subnet of one of our interfaces. */
    same: boolean;
    /** Our interfaces whose subnet holds the target. */
    matches: { interface: string; subnet: string }[];
    /** The target's subnet as we guess it (our mask, else /24), for "add it to the unicast hosts". */
    guess: string;
    /** The target is covered by the unicast hosts setting. */
    inUnicastHosts: boolean;
  };
  /** The last datagram we saw from that address before the doctor started probing. */
  lastSeen: { at: number | null; agoMs: number | null; packets: number; mode: string | null };
  /** Packets from the target while the doctor ran (answers excluded). */
  heardDuring: number;
  /**
   * Whether a broadcast reached the target. `skipped`: the request asked not to broadcast (the
   * CLI's default: a one-shot doctor tells only its target of itself; `--broadcast-check`).
   */
  broadcast: {
    tried: boolean;
    mode: 'pigeon' | 'ipmsg' | null;
    reached: boolean | null;
    skipped?: true;
  };
  forward: { mode: EchoMode; stats: EchoStats } | null;
  /** Pigeon peers only: probes it sent back to us on request (tests unsolicited inbound). */
  reverse: EchoReverse | null;
  tcp: { port: number; state: TcpState; ms: number; error?: string };
  /** What this engine turned away from the target (rate limits, budgets), or null: nothing. */
  refused?: SourceRefusals | null;
  /** The target's machine answered at the link level (ARP), Linux only. */
  linkLayer: 'present' | 'absent' | 'unknown';
  /** The first one is the answer; the rest are further findings. Empty when `error` is set. */
  verdicts: Verdict[];
  /** Why the checks could not run (a malformed address, Pigeon not running), in English. */
  error?: string;
  /** The same as an outcome, for the UI's language. */
  problem?: Outcome;
}

/**
 * What this engine turned away, and why: the guards every forged-source flood meets. Each is
 * counted per source address, so "why can't I see my colleague?" can be answered with "your
 * client dropped 340 messages from 10.0.0.5 over its rate limit".
 */
export type RefusalKind =
  /** A packet from an address no host has (a broadcast, network or multicast address): dropped. */
  | 'impossible-source'
  /** A message over its source's rate limit: neither acked nor stored (a real sender resends). */
  | 'intake-rate'
  /** A message over what everyone together may send (its source not vouched for). */
  | 'intake-total'
  /** A message from a host that never announced itself, over those hosts' shared budget. */
  | 'intake-unannounced'
  /** An answer presence owed (ANSENTRY, GETINFO...), over the per-source or total budget. */
  | 'answer-budget'
  /** A reply that would have gone to an address no single host has, or to ourselves. */
  | 'reply-guard'
  /** A probe-back request refused (no room in the budget, or its address had its share). */
  | 'probe-back';

export const REFUSAL_KINDS: readonly RefusalKind[] = [
  'impossible-source',
  'intake-rate',
  'intake-total',
  'intake-unannounced',
  'answer-budget',
  'reply-guard',
  'probe-back',
];

/** What was turned away from one source address. */
export interface SourceRefusals {
  address: string;
  total: number;
  counts: Partial<Record<RefusalKind, number>>;
  /** Epoch ms of the first and the last refusal counted. */
  firstAt: number;
  lastAt: number;
}

/** Every refusal since the engine started, and the sources with the most. */
export interface RefusalReport {
  totals: Record<RefusalKind, number>;
  /** The sources with the most refusals, most first (the log remembers a bounded number). */
  sources: SourceRefusals[];
}
