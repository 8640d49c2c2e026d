/**
 * IPv4 addresses, "host[:port]" targets and subnets: the one implementation the engine, the
 * contract's validators, the CLI and the UI's forms all use. Pure, so it runs anywhere.
 */

/** One IPv4 address of this machine, as node:os lists it (with its directed broadcast). */
export interface Ipv4Interface {
  name: string;
  address: string;
  netmask: string;
  broadcast: string;
  internal: boolean;
}

/** An address as a 32-bit number, or undefined when it is not a dotted quad. */
export function ipv4ToInt(ip: string): number | undefined {
  // Hand-parsed: this runs for every message sent to an address (no regex, no arrays).
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || ++dots > 3) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      // No leading zeros: inet_pton refuses them and getaddrinfo would read "010" as octal.
      if (digits > 0 && part === 0) return undefined;
      if (++digits > 3) return undefined;
      part = part * 10 + (c - 0x30);
      if (part > 255) return undefined;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + part;
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

/** Dotted-quad IPv4, four decimal octets without leading zeros ("010.0.0.1" is ambiguous). */
export function isIpv4(value: unknown): value is string {
  return typeof value === 'string' && ipv4ToInt(value) !== undefined;
}

export function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

export type HostPort =
  { ok: true; address: string; port: number } | { ok: false; problem: 'not-ipv4' | 'bad-port' };

/**
 * "a.b.c.d" or "a.b.c.d:port" (a peer id has this shape), spaces around allowed. Without a port,
 * `defaultPort` (Pigeon's own, 2425 unless configured).
 */
export function parseHostPort(text: string, defaultPort: number): HostPort {
  const t = text.trim();
  const colon = t.indexOf(':');
  const host = colon < 0 ? t : t.slice(0, colon);
  if (!isIpv4(host)) return { ok: false, problem: 'not-ipv4' };
  if (colon < 0) return { ok: true, address: host, port: defaultPort };
  const digits = t.slice(colon + 1);
  if (!/^\d{1,5}$/.test(digits)) return { ok: false, problem: 'bad-port' };
  const port = Number(digits);
  if (!isPort(port)) return { ok: false, problem: 'bad-port' };
  return { ok: true, address: host, port };
}

export function prefixLength(netmask: string): number {
  const m = ipv4ToInt(netmask);
  if (m === undefined) return 0;
  let n = 0;
  for (let bit = 31; bit >= 0 && (m >>> bit) & 1; bit--) n++;
  return n;
}

export function maskOf(prefix: number): number {
  return prefix <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefix, 32))) >>> 0;
}

/** "192.168.1.0/24" for an address and a prefix length. */
export function cidr(address: string, prefix: number): string {
  const a = ipv4ToInt(address) ?? 0;
  return `${intToIpv4((a & maskOf(prefix)) >>> 0)}/${prefix}`;
}

export function inSubnet(address: string, network: string, prefix: number): boolean {
  const a = ipv4ToInt(address);
  const n = ipv4ToInt(network);
  if (a === undefined || n === undefined) return false;
  const mask = maskOf(prefix);
  return (a & mask) >>> 0 === (n & mask) >>> 0;
}

/** "a.b.c.d" or "a.b.c.d/nn"; undefined when it is neither. */
export function parseSubnet(spec: string): { base: number; prefix: number } | undefined {
  const t = spec.trim();
  const slash = t.indexOf('/');
  const base = ipv4ToInt(slash < 0 ? t : t.slice(0, slash));
  if (base === undefined) return undefined;
  if (slash < 0) return { base, prefix: 32 };
  const digits = t.slice(slash + 1);
  if (!/^\d{1,2}$/.test(digits)) return undefined;
  return { base, prefix: Number(digits) };
}

/** Does an "a.b.c.d" or "a.b.c.d/nn" unicast-hosts entry cover this address? */
export function coveredBy(address: string, spec: string): boolean {
  const s = parseSubnet(spec);
  const a = ipv4ToInt(address);
  if (!s || a === undefined || s.prefix > 32) return false;
  const mask = maskOf(s.prefix);
  return (a & mask) >>> 0 === (s.base & mask) >>> 0;
}

export function directedBroadcast(address: string, netmask: string): string | undefined {
  const a = ipv4ToInt(address);
  const m = ipv4ToInt(netmask);
  if (a === undefined || m === undefined) return undefined;
  return intToIpv4((a | ~m) >>> 0);
}

/**
 * Expand "host" or "a.b.c.d/nn" into addresses. Subnets up to /22 (1022 hosts): a bigger sweep
 * would flood the network with unicast entries, so it is refused with a reason.
 */
export function expandHosts(
  spec: string,
):
  | { ok: true; addresses: string[] }
  | { ok: false; reason: string; problem: 'not-an-address' | 'prefix-too-long' | 'too-large' } {
  const s = parseSubnet(spec);
  if (!s)
    return {
      ok: false,
      problem: 'not-an-address',
      reason: `${JSON.stringify(spec)} is not an IPv4 address or subnet`,
    };
  const { base, prefix: bits } = s;
  if (spec.indexOf('/') < 0) return { ok: true, addresses: [intToIpv4(base)] };
  if (bits > 32)
    return {
      ok: false,
      problem: 'prefix-too-long',
      reason: `${spec}: prefix /${bits} is above /32`,
    };
  if (bits < 22)
    return {
      ok: false,
      problem: 'too-large',
      reason: `${spec}: subnets larger than /22 are not swept (too many hosts)`,
    };
  if (bits >= 31) return { ok: true, addresses: [intToIpv4(base)] };
  const mask = maskOf(bits);
  const net = (base & mask) >>> 0;
  const size = 2 ** (32 - bits);
  const addresses: string[] = [];
  for (let i = 1; i < size - 1; i++) addresses.push(intToIpv4(net + i));
  return { ok: true, addresses };
}
