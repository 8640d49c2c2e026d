import { UdpSocket, type Datagram, type DatagramSocket } from '../io/udp-socket';

/**
 * A plain UDP echo server (RFC 862): every datagram goes back, unchanged, to where it came from.
 * What `pigeon echo-server` runs, and the other end of the raw echo mode. Optionally rate-limited
 * per source address, so that it cannot be turned into a reflector against a third party.
 */
export interface EchoServerOptions {
  bind: string;
  port: number;
  /** Datagrams per second echoed to any one address (0 or absent: no limit). */
  maxPerSecondPerSource?: number;
  socket?: DatagramSocket;
  /** ms clock for the rate limit. */
  now?: () => number;
}

export interface EchoServerStats {
  received: number;
  echoed: number;
  /** Over the per-source rate limit. */
  limited: number;
  sendErrors: number;
  bytes: number;
}

export class UdpEchoServer {
  private readonly socket: DatagramSocket;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  readonly stats: EchoServerStats = { received: 0, echoed: 0, limited: 0, sendErrors: 0, bytes: 0 };

  constructor(private readonly o: EchoServerOptions) {
    this.socket = o.socket ?? new UdpSocket();
  }

  async start(): Promise<{ address: string; port: number }> {
    this.socket.onDatagram((d) => this.onDatagram(d));
    await this.socket.bind(this.o.bind, this.o.port);
    return this.socket.local();
  }

  stop(): Promise<void> {
    return this.socket.close();
  }

  local(): { address: string; port: number } {
    return this.socket.local();
  }

  private onDatagram(d: Datagram): void {
    this.stats.received++;
    this.stats.bytes += d.bytes.length;
    if (!this.allow(d.address)) {
      this.stats.limited++;
      return;
    }
    this.socket.send(d.bytes, d.address, d.port).then(
      () => this.stats.echoed++,
      () => this.stats.sendErrors++,
    );
  }

  private allow(address: string): boolean {
    const rate = this.o.maxPerSecondPerSource ?? 0;
    if (rate <= 0) return true;
    const now = (this.o.now ?? Date.now)();
    let b = this.buckets.get(address);
    if (!b) {
      if (this.buckets.size > 4096) this.buckets.clear();
      b = { tokens: rate, at: now };
      this.buckets.set(address, b);
    }
    b.tokens = Math.min(rate, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
