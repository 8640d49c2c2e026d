import { Mode, parseDatagram, type WirePacket } from '../../../shared/protocol';
import type { Datagram, DatagramSocket } from '../io/udp-socket';
import { FakeClock } from './fake-clock';

/**
 * An in-memory LAN for engine tests: `DatagramSocket`s that deliver to each other by
 * address:port, on a FakeClock, with hooks to drop, duplicate, delay, reorder or corrupt
 * datagrams. Nothing touches a real socket, so hundreds of engines fit in one test and every
 * run is deterministic.
 *
 *   const clock = new FakeClock();
 *   const net = new FakeNetwork(clock);                  // 10.0.0.0/24 style subnets
 *   const a = new Engine(settings, { socket: net.socket('10.0.0.1'), clock, tcp: false });
 *   net.use(dropWhere((d) => d.to.address === '10.0.0.2'));   // the peer's inbound link is down
 *   net.use(randomDelay({ seed: 7, maxMs: 300 }));            // jitter => reordering
 *   await clock.advance(100);                                 // deliveries happen on the clock
 *
 * Semantics, chosen to match what the engine meets on a real LAN:
 *  - A datagram to `host:port` reaches the socket bound to that port on that host (bound to
 *    the host's address or to 0.0.0.0). Nothing bound there: it is silently lost, like UDP.
 *  - A datagram to 255.255.255.255 or to a subnet's directed broadcast (the host part all ones,
 *    `prefixLength` 24 by default) reaches every socket bound to that port in range,
 *    **the sender included** (real stacks loop broadcasts back; the engine must drop its own).
 *  - Delivery is never synchronous: each copy is scheduled on the clock after `latencyMs` plus
 *    whatever the hooks add, so `await clock.advance(...)` (or `clock.flush()`) moves packets.
 *    Copies due at the same time arrive in the order they were sent.
 *  - Bytes are copied when sent.
 *
 * Hooks (`use`) see each (datagram, receiver) pair and return its Fate: a list of deliveries,
 * each a delay in ms or `{ delayMs, bytes }` to alter the payload. `[]` drops it, `[0, 40]`
 * duplicates it 40 ms apart, `[250]` delays it. `undefined` defers to the next hook (the last
 * word is: deliver once, no extra delay). Hooks run in the order they were added; the remover
 * returned by `use` takes one out again.
 */

export interface Endpoint {
  address: string;
  port: number;
}

/** One datagram as it was sent (before any hook's fate). */
export interface SentDatagram {
  /** Order of sending across the whole network, from 1. */
  seq: number;
  bytes: Uint8Array;
  from: Endpoint;
  to: Endpoint;
  sentAt: number;
  broadcast: boolean;
}

/** Parsed view of a datagram, or undefined when it does not parse. */
export function packetOf(d: { bytes: Uint8Array }): WirePacket | undefined {
  const r = parseDatagram(d.bytes);
  return r.ok ? r.value : undefined;
}

export type Delivery = number | { delayMs: number; bytes?: Uint8Array };
export type Fate = readonly Delivery[];
export type NetworkHook = (d: SentDatagram, receiver: Endpoint) => Fate | undefined;

export interface FakeNetworkOptions {
  /** Added to every delivery; 0 means "on the next clock flush". */
  latencyMs?: number;
  /** Subnet size for directed broadcasts (24: 10.0.0.255 reaches 10.0.0.x). */
  prefixLength?: number;
  /** Make a send fail (as EPERM or ENETUNREACH would): return the error to reject with. */
  sendError?: (d: Omit<SentDatagram, 'seq'>) => Error | undefined;
}

export class FakeNetwork {
  /** Every datagram sent, in order (hooks do not change this log). */
  readonly log: SentDatagram[] = [];
  /** Counters: copies scheduled for a receiver, copies that arrived, copies dropped by hooks or
   *  lost for want of a receiver. */
  readonly stats = { scheduled: 0, delivered: 0, dropped: 0, unroutable: 0 };
  /** Set to false to stop recording `log` (floods of thousands of datagrams). */
  recording = true;

  private readonly hooks: NetworkHook[] = [];
  private readonly bound = new Map<string, FakeSocket>();
  private readonly latencyMs: number;
  private readonly prefixLength: number;
  private nextEphemeral = 40_000;
  private seq = 0;

  constructor(
    readonly clock: FakeClock,
    private readonly options: FakeNetworkOptions = {},
  ) {
    this.latencyMs = options.latencyMs ?? 0;
    this.prefixLength = options.prefixLength ?? 24;
  }

  /** A socket on a host with this IPv4 address (bind it to 0.0.0.0 or to the address). */
  socket(hostAddress: string): FakeSocket {
    if (ipv4(hostAddress) === undefined) throw new Error(`${hostAddress} is not an IPv4 address`);
    return new FakeSocket(this, hostAddress);
  }

  /** Add a hook; returns a function that removes it. */
  use(hook: NetworkHook): () => void {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  /** Remove every hook. */
  clearHooks(): void {
    this.hooks.length = 0;
  }

  /**
   * Put raw bytes on the wire as if `from` had sent them, no socket needed there: scripted
   * peers, forged senders, fuzzing. Delivery follows on the clock, through the hooks.
   */
  inject(bytes: Uint8Array, from: Endpoint, to: Endpoint): void {
    this.route(bytes, from, to);
  }

  /** Datagrams sent from an address (and port, if given), parsed where possible. */
  sentFrom(address: string, port?: number): SentDatagram[] {
    return this.log.filter(
      (d) => d.from.address === address && (port === undefined || d.from.port === port),
    );
  }

  /** Datagrams addressed to an address (unicast only), in the order sent. */
  sentTo(address: string, port?: number): SentDatagram[] {
    return this.log.filter(
      (d) => d.to.address === address && (port === undefined || d.to.port === port),
    );
  }

  isBroadcast(address: string): boolean {
    if (address === '255.255.255.255') return true;
    const a = ipv4(address);
    if (a === undefined) return false;
    const hostBits = 32 - this.prefixLength;
    const hostMask = hostBits >= 32 ? 0xffffffff : (2 ** hostBits - 1) >>> 0;
    return hostBits > 0 && (a & hostMask) >>> 0 === hostMask;
  }

  // ---- used by FakeSocket -----------------------------------------------------------------

  /** @internal */
  bindSocket(t: FakeSocket, address: string, port: number): Endpoint {
    if (address !== '0.0.0.0' && address !== t.hostAddress) {
      throw errno('EADDRNOTAVAIL', `bind EADDRNOTAVAIL ${address}:${port}`);
    }
    let p = port;
    if (p === 0) {
      while (this.bound.has(`${t.hostAddress}:${this.nextEphemeral}`)) this.nextEphemeral++;
      p = this.nextEphemeral++;
    }
    const key = `${t.hostAddress}:${p}`;
    if (this.bound.has(key)) throw errno('EADDRINUSE', `bind EADDRINUSE ${address}:${p}`);
    this.bound.set(key, t);
    return { address, port: p };
  }

  /** @internal */
  unbindSocket(t: FakeSocket, port: number): void {
    const key = `${t.hostAddress}:${port}`;
    if (this.bound.get(key) === t) this.bound.delete(key);
  }

  /** @internal */
  send(bytes: Uint8Array, from: Endpoint, to: Endpoint): Error | undefined {
    const error = this.options.sendError?.({
      bytes,
      from,
      to,
      sentAt: this.clock.now(),
      broadcast: this.isBroadcast(to.address),
    });
    if (error) return error;
    this.route(bytes, from, to);
    return undefined;
  }

  private route(bytes: Uint8Array, from: Endpoint, to: Endpoint): void {
    const d: SentDatagram = {
      seq: ++this.seq,
      bytes: new Uint8Array(bytes),
      from: { ...from },
      to: { ...to },
      sentAt: this.clock.now(),
      broadcast: this.isBroadcast(to.address),
    };
    if (this.recording) this.log.push(d);
    const receivers = this.receiversOf(to);
    if (receivers.length === 0) this.stats.unroutable++;
    for (const r of receivers) {
      const endpoint = { address: r.hostAddress, port: to.port };
      let fate: Fate | undefined;
      for (const h of this.hooks) {
        fate = h(d, endpoint);
        if (fate !== undefined) break;
      }
      fate ??= [0];
      if (fate.length === 0) this.stats.dropped++;
      for (const delivery of fate) {
        const delayMs = typeof delivery === 'number' ? delivery : delivery.delayMs;
        const payload = typeof delivery === 'number' ? d.bytes : (delivery.bytes ?? d.bytes);
        this.stats.scheduled++;
        this.clock.setTimeout(
          () => {
            this.stats.delivered++;
            // Deliver only if that socket is still bound (a closed socket hears nothing).
            r.deliver({ bytes: new Uint8Array(payload), address: from.address, port: from.port });
          },
          this.latencyMs + Math.max(0, delayMs),
        );
      }
    }
  }

  private receiversOf(to: Endpoint): FakeSocket[] {
    if (!this.isBroadcast(to.address)) {
      const t = this.bound.get(`${to.address}:${to.port}`);
      return t ? [t] : [];
    }
    const out: FakeSocket[] = [];
    const target = ipv4(to.address) ?? 0;
    const mask = this.prefixLength === 0 ? 0 : (0xffffffff << (32 - this.prefixLength)) >>> 0;
    for (const [key, t] of this.bound) {
      if (!key.endsWith(`:${to.port}`)) continue;
      const host = ipv4(t.hostAddress) ?? 0;
      if (to.address === '255.255.255.255' || (host & mask) >>> 0 === (target & mask) >>> 0) {
        out.push(t);
      }
    }
    return out;
  }
}

/** A DatagramSocket on a FakeNetwork host. */
export class FakeSocket implements DatagramSocket {
  private listener: ((d: Datagram) => void) | undefined;
  private endpoint: Endpoint | undefined;
  /** Datagrams this socket received, whoever listened (handy for scripted peers). */
  readonly received: Datagram[] = [];
  /** Set to false to stop keeping `received` (floods). */
  recording = true;

  constructor(
    private readonly network: FakeNetwork,
    readonly hostAddress: string,
  ) {}

  bind(address: string, port: number): Promise<void> {
    if (this.endpoint) return Promise.reject(new Error('already bound'));
    try {
      this.endpoint = this.network.bindSocket(this, address, port);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  send(bytes: Uint8Array, address: string, port: number): Promise<void> {
    if (!this.endpoint) return Promise.reject(new Error('socket is not bound'));
    const error = this.network.send(
      bytes,
      { address: this.hostAddress, port: this.endpoint.port },
      { address, port },
    );
    return error ? Promise.reject(error) : Promise.resolve();
  }

  onDatagram(listener: (d: Datagram) => void): void {
    this.listener = listener;
  }

  close(): Promise<void> {
    if (this.endpoint) this.network.unbindSocket(this, this.endpoint.port);
    this.endpoint = undefined;
    return Promise.resolve();
  }

  local(): { address: string; port: number } {
    return this.endpoint ? { ...this.endpoint } : { address: '', port: 0 };
  }

  localAddresses(): string[] {
    return [this.hostAddress];
  }

  /** @internal Called by the network when a copy arrives. */
  deliver(d: Datagram): void {
    if (!this.endpoint) return;
    if (this.recording) this.received.push(d);
    this.listener?.(d);
  }
}

// ---- ready-made hooks ----------------------------------------------------------------------

type Predicate = (d: SentDatagram, receiver: Endpoint) => boolean;

/** Drop every copy matching `pred`. */
export function dropWhere(pred: Predicate): NetworkHook {
  return (d, r) => (pred(d, r) ? [] : undefined);
}

/** Drop the first `n` copies matching `pred`, then let them through. */
export function dropFirst(n: number, pred: Predicate): NetworkHook {
  let left = n;
  return (d, r) => {
    if (left > 0 && pred(d, r)) {
      left--;
      return [];
    }
    return undefined;
  };
}

/** Deliver matching copies `copies` times, `gapMs` apart. */
export function duplicateWhere(pred: Predicate, copies = 2, gapMs = 0): NetworkHook {
  return (d, r) => (pred(d, r) ? Array.from({ length: copies }, (_, i) => i * gapMs) : undefined);
}

/** Delay matching copies by `ms`. */
export function delayWhere(pred: Predicate, ms: number): NetworkHook {
  return (d, r) => (pred(d, r) ? [ms] : undefined);
}

/**
 * Independent random delays in [minMs, maxMs] (a seeded generator, so failures reproduce):
 * datagrams overtake each other. With `duplicateRate`, some copies arrive twice.
 */
export function randomDelay(opts: {
  seed: number;
  minMs?: number;
  maxMs: number;
  duplicateRate?: number;
  dropRate?: number;
  where?: Predicate;
}): NetworkHook {
  const rand = mulberry32(opts.seed);
  const min = opts.minMs ?? 0;
  return (d, r) => {
    if (opts.where && !opts.where(d, r)) return undefined;
    if (opts.dropRate && rand() < opts.dropRate) return [];
    const delay = () => min + Math.floor(rand() * (opts.maxMs - min + 1));
    if (opts.duplicateRate && rand() < opts.duplicateRate) return [delay(), delay()];
    return [delay()];
  };
}

/** Predicate: the datagram's mode (command & 0xff) is one of `modes`. */
export function modeIs(...modes: number[]): Predicate {
  return (d) => {
    const p = packetOf(d);
    return p !== undefined && modes.includes(p.command & 0xff);
  };
}

/** Predicate: the datagram goes to (or is received at) this address. */
export function toAddress(address: string): Predicate {
  return (_d, r) => r.address === address;
}

/** Predicate: the datagram was sent from this address. */
export function fromAddress(address: string): Predicate {
  return (d) => d.from.address === address;
}

/** Small, fast, seeded PRNG for reproducible chaos. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ipv4(address: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((x) => x > 255)) return undefined;
  const [a = 0, b = 0, c = 0, d = 0] = parts;
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function errno(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A fresh FakeClock and an empty FakeNetwork on it: the start of most engine tests. */
export function fakeLan(): { clock: FakeClock; net: FakeNetwork } {
  const clock = new FakeClock();
  return { clock, net: new FakeNetwork(clock) };
}

/** The SENDMSG packets sent to an address, in order (what a peer there was sent to read). */
export function sendmsgsTo(net: FakeNetwork, address: string): WirePacket[] {
  return net
    .sentTo(address)
    .map((d) => packetOf(d))
    .filter((p): p is WirePacket => p !== undefined && (p.command & 0xff) === Mode.SENDMSG);
}
