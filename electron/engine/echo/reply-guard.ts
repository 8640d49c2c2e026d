import { ipv4ToInt, maskOf } from '../../../shared/protocol';

/**
 * Where an answer must never go. A UDP source address is whatever the sender wrote, so an
 * answer "to the source" goes wherever a forger likes: to the subnet's broadcast address (every
 * host gets it, the smurf attack), to a multicast group, to 0.0.0.0 or a network address, or
 * back to this machine (its other services then get our bytes from a local address). No real
 * peer has such an address, so a datagram that claims one is forged and gets no answer.
 *
 * This mirrors the rule the presence capability applies to its own answers (entries, info); it
 * lives here, pure, because echo answers the most and must decide per datagram.
 *
 * Loopback is not "our own address" here: the kernel drops 127/8 sources that arrive on a
 * network interface (RFC 1122 3.2.1.3), so a loopback source is a program on this machine,
 * which could reach any local service itself; `pigeon echo --to 127.0.0.1` and tests need it.
 */
export type ReplyRefusal = 'unspecified' | 'broadcast' | 'multicast' | 'network' | 'own-address';

export interface ReplyGuardFacts {
  /**
   * This machine's IPv4 interfaces (address and prefix length): their subnets' broadcast and
   * network addresses are refused. (Configured broadcast targets are not: settings accept any
   * address there, and people list unicast peers across a router that way.)
   */
  interfaces: readonly { address: string; prefix: number }[];
  /** Where our socket is bound ('0.0.0.0' or '' when on every interface). */
  bound?: string;
}

export type ReplyGuard = (address: string) => ReplyRefusal | undefined;

const LOOPBACK = 127;

/** Compile the facts once; the check then costs a parse and a few set lookups per datagram. */
export function replyGuard(facts: ReplyGuardFacts): ReplyGuard {
  const broadcast = new Set<number>();
  const network = new Set<number>();
  const own = new Set<number>();
  for (const i of facts.interfaces) {
    const a = ipv4ToInt(i.address);
    if (a === undefined) continue;
    if (a >>> 24 !== LOOPBACK) own.add(a);
    // /31 and /32 have no network or broadcast address (RFC 3021).
    if (i.prefix >= 1 && i.prefix <= 30) {
      const mask = maskOf(i.prefix);
      network.add((a & mask) >>> 0);
      broadcast.add((a | ~mask) >>> 0);
    }
  }
  const bound = facts.bound ? ipv4ToInt(facts.bound) : undefined;
  if (bound !== undefined && bound !== 0 && bound >>> 24 !== LOOPBACK) own.add(bound);

  return (address) => {
    const a = ipv4ToInt(address);
    if (a === undefined || a >>> 24 === 0) return 'unspecified';
    if (a === 0xffffffff || broadcast.has(a)) return 'broadcast';
    if (a >>> 28 === 0xe) return 'multicast';
    if (network.has(a)) return 'network';
    if (own.has(a)) return 'own-address';
    return undefined;
  };
}
