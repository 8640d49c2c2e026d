import { ipv4ToInt, maskOf, prefixLength, type Ipv4Interface } from '../../../shared/protocol';

/**
 * Where a reply to a packet may go. Every UDP source address can be forged, so a packet "from"
 * a broadcast, multicast or network address, from 0.0.0.0 or from our own socket is never a
 * host that asked us something: answering it would turn one forged datagram into a datagram to
 * a whole subnet, or into a loop with ourselves. Every path that answers a packet (presence's
 * answers, messaging's RECVMSG and ANSREADMSG, echo's reply and probe-back) asks here first,
 * through the engine context's `replies`.
 *
 * Lives in io/ beside the transport because it is a fact about sockets and interfaces that every
 * capability shares, not a presence rule.
 */

/** Why a reply may not go to an address (outcome codes). */
export type ReplyRefusal =
  | 'not-ipv4'
  | 'bad-port'
  /** 0.0.0.0/8: "this host on this network", never a destination. */
  | 'unspecified'
  | 'limited-broadcast'
  /** 224.0.0.0/4. */
  | 'multicast'
  /** 240.0.0.0/4 (class E) other than 255.255.255.255: no host has one. */
  | 'reserved'
  /** The network address of one of our subnets. */
  | 'network-address'
  /** The directed broadcast of one of our subnets. */
  | 'directed-broadcast'
  /**
   * x.x.x.0 or x.x.x.255 outside our subnets: the network or broadcast address of a subnet we
   * cannot see (almost every LAN is a /24). The rare host with such an address in a wider remote
   * subnet is refused too; in one of our own subnets (a /16, a /31 link) it is a host.
   */
  | 'edge-address'
  /** Our own socket: our bind address and port (every local address when bound to 0.0.0.0). */
  | 'own-socket'
  /**
   * One of this machine's own non-loopback addresses, on another port: no LAN host has it, so a
   * packet "from" it is forged (or a local program, which has loopback to talk to us).
   */
  | 'own-address';

export const REPLY_REFUSALS: readonly ReplyRefusal[] = [
  'not-ipv4',
  'bad-port',
  'unspecified',
  'limited-broadcast',
  'multicast',
  'reserved',
  'network-address',
  'directed-broadcast',
  'edge-address',
  'own-socket',
  'own-address',
];

/** What the guard knows of this machine. */
export interface ReplyView {
  /** Where our socket is bound; 0.0.0.0 receives on every local address. */
  bound: { address: string; port: number };
  /** Our interfaces' addresses (where a 0.0.0.0 bind hears). */
  localAddresses: readonly string[];
  /** Our interfaces, for their subnets' network and broadcast addresses. */
  subnets: readonly Pick<Ipv4Interface, 'address' | 'netmask'>[];
}

/** A ReplyView as numbers, so that the check on the hot path (acks) does no string work. */
export interface CompiledReplyView {
  readonly boundPort: number;
  /** Addresses that reach our socket on boundPort. */
  readonly own: ReadonlySet<number>;
  /** This machine's addresses outside 127/8, whatever the port. */
  readonly ownHosts: ReadonlySet<number>;
  /** Network and directed-broadcast addresses of our subnets. */
  readonly subnetEdges: ReadonlyMap<number, 'network-address' | 'directed-broadcast'>;
  /** Our subnets: inside one, an address that is not its edge is a host, x.x.x.0 or not. */
  readonly known: readonly { net: number; mask: number }[];
}

export function compileReplyView(view: ReplyView): CompiledReplyView {
  const own = new Set<number>();
  const bound = ipv4ToInt(view.bound.address);
  if (bound === 0) {
    for (const a of view.localAddresses) {
      const n = ipv4ToInt(a);
      if (n !== undefined) own.add(n);
    }
  } else if (bound !== undefined) {
    // Bound to one address (engines on 127.0.0.x): only that one is us; 127.0.0.2 is another
    // engine on the same machine and must still hear our answers.
    own.add(bound);
  }
  const ownHosts = new Set<number>();
  for (const a of [view.bound.address, ...view.localAddresses]) {
    const n = ipv4ToInt(a);
    // Loopback stays open: engines on 127.0.0.x (tests, a CLI beside the app) talk there.
    if (n !== undefined && n !== 0 && n >>> 24 !== 127) ownHosts.add(n);
  }
  const subnetEdges = new Map<number, 'network-address' | 'directed-broadcast'>();
  const known: { net: number; mask: number }[] = [];
  for (const s of view.subnets) {
    const a = ipv4ToInt(s.address);
    const prefix = prefixLength(s.netmask);
    if (a === undefined || prefix === 0) continue;
    const mask = maskOf(prefix);
    known.push({ net: (a & mask) >>> 0, mask });
    // /31 (RFC 3021) and /32 have no network or broadcast address: both ends are hosts.
    if (prefix > 30) continue;
    subnetEdges.set((a & mask) >>> 0, 'network-address');
    subnetEdges.set((a | ~mask) >>> 0, 'directed-broadcast');
  }
  return { boundPort: view.bound.port, own, ownHosts, subnetEdges, known };
}

const LIMITED_BROADCAST = 0xffffffff;

/** The refusals that say no host has the address at all: a packet "from" it is forged. */
export type ImpossibleSource = Extract<
  ReplyRefusal,
  | 'unspecified'
  | 'limited-broadcast'
  | 'multicast'
  | 'reserved'
  | 'network-address'
  | 'directed-broadcast'
  | 'edge-address'
>;

function notAHost(a: number, view: CompiledReplyView): ImpossibleSource | undefined {
  const first = a >>> 24;
  if (first === 0) return 'unspecified';
  if (a === LIMITED_BROADCAST) return 'limited-broadcast';
  if (first >= 224 && first <= 239) return 'multicast';
  if (first >= 240) return 'reserved';
  const edge = view.subnetEdges.get(a);
  if (edge) return edge;
  const low = a & 0xff;
  if ((low === 0 || low === 0xff) && !view.known.some((k) => (a & k.mask) >>> 0 === k.net))
    return 'edge-address';
  return undefined;
}

/**
 * Why no host can have `address` (a packet from it is forged: never a peer, never answered), or
 * undefined when one can. Pure.
 */
export function impossibleSource(
  address: string,
  view: CompiledReplyView,
): ImpossibleSource | undefined {
  const a = ipv4ToInt(address);
  return a === undefined ? 'unspecified' : notAHost(a, view);
}

/** Why a reply to address:port must not be sent, or undefined when it may. Pure. */
export function replyRefusal(
  address: string,
  port: number,
  view: CompiledReplyView,
): ReplyRefusal | undefined {
  const a = ipv4ToInt(address);
  if (a === undefined) return 'not-ipv4';
  if (!Number.isInteger(port) || port < 1 || port > 65535) return 'bad-port';
  const impossible = notAHost(a, view);
  if (impossible) return impossible;
  if (port === view.boundPort && view.own.has(a)) return 'own-socket';
  if (view.ownHosts.has(a)) return 'own-address';
  return undefined;
}

export interface ReplyGuardSource {
  /** Monotonic milliseconds (the view is re-read when it is older than REFRESH_MS). */
  now(): number;
  /** Where the socket is bound (port 0 before it is). */
  local(): { address: string; port: number };
  localAddresses(): string[];
  interfaces(): Ipv4Interface[];
}

/**
 * replyRefusal over a view of this machine that it keeps fresh: interfaces come and go (Wi-Fi,
 * VPN), so the view is read again every REFRESH_MS, the network watch's own poll period, and
 * whenever the engine (re)binds.
 */
export class ReplyGuard {
  static readonly REFRESH_MS = 5000;
  /** Replies refused, by reason: for diagnostics and tests. */
  readonly refused: Record<ReplyRefusal, number> = Object.fromEntries(
    REPLY_REFUSALS.map((r) => [r, 0]),
  ) as Record<ReplyRefusal, number>;
  private view: CompiledReplyView | undefined;
  private readAt = 0;
  private lastPossible: string | undefined;
  private lastView: CompiledReplyView | undefined;

  constructor(
    private readonly source: ReplyGuardSource,
    /** Told of each refused reply, for the count per address (diagnostics). */
    private readonly onRefused?: (address: string, why: ReplyRefusal) => void,
  ) {}

  /** True when a reply may go to address:port; a refusal is counted. */
  allows(address: string, port: number): boolean {
    const why = this.check(address, port);
    if (why === undefined) return true;
    this.refused[why]++;
    this.onRefused?.(address, why);
    return false;
  }

  check(address: string, port: number): ReplyRefusal | undefined {
    return replyRefusal(address, port, this.current());
  }

  /**
   * Why a packet "from" address cannot have come from a host, or undefined. Asked for every
   * datagram, so the last address found possible is remembered (a conversation brings the same
   * one again and again) until the view is read again.
   */
  sourceRefusal(address: string): ImpossibleSource | undefined {
    const view = this.current();
    if (address === this.lastPossible && view === this.lastView) return undefined;
    const why = impossibleSource(address, view);
    if (why === undefined) {
      this.lastPossible = address;
      this.lastView = view;
    }
    return why;
  }

  /** Read the view again on the next check (the socket was just bound). */
  invalidate(): void {
    this.view = undefined;
  }

  private current(): CompiledReplyView {
    const now = this.source.now();
    // A view read before the socket was bound (port 0) knows nothing of our own socket.
    if (
      this.view === undefined ||
      this.view.boundPort === 0 ||
      now - this.readAt >= ReplyGuard.REFRESH_MS ||
      now < this.readAt
    ) {
      this.view = compileReplyView({
        bound: this.source.local(),
        localAddresses: this.source.localAddresses(),
        subnets: this.source.interfaces(),
      });
      this.readAt = now;
    }
    return this.view;
  }
}
