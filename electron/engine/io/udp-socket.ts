import dgram from 'node:dgram';
import dns from 'node:dns';
import { isIpv4 } from '../../../shared/protocol';
import { listIpv4Interfaces } from './network-interfaces';

export interface Datagram {
  bytes: Uint8Array;
  address: string;
  port: number;
}

/**
 * The engine's view of UDP. The real one wraps node:dgram; tests wrap it to add delay and
 * reordering (a relay would change who a peer is), or replace it entirely.
 */
export interface DatagramSocket {
  bind(address: string, port: number): Promise<void>;
  send(bytes: Uint8Array, address: string, port: number): Promise<void>;
  onDatagram(listener: (d: Datagram) => void): void;
  close(): Promise<void>;
  /** The bound address and port (port 0 binds resolve to the real one). */
  local(): { address: string; port: number };
  /** Every address our own datagrams can come back from (to recognise our own broadcasts). */
  localAddresses(): string[];
  /**
   * Optional fast path for the hot loop (acks, messages): send without allocating a promise or
   * a closure; a failure goes to the listener given to onPostError. Sockets without it are
   * used through send().
   */
  post?(bytes: Uint8Array, address: string, port: number): void;
  onPostError?(listener: (address: string, port: number, err: Error) => void): void;
}

/**
 * node:dgram resolves every destination before it sends, and dns.lookup answers even an IP
 * literal on the next tick: the datagram waits until the current callback and everything
 * queued behind it have run. Pigeon sends only to IPv4 literals, so they are answered at
 * once and a reply, an ack or an echo probe leaves the moment it is written. Names (which
 * Pigeon never sends to) still go through dns.lookup.
 */
export function literalLookup(
  hostname: string,
  options: dns.LookupOptions | number,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  if (isIpv4(hostname)) {
    callback(null, hostname, 4);
    return;
  }
  const family = typeof options === 'number' ? options : options.family;
  dns.lookup(hostname, { family: family === 6 || family === 'IPv6' ? 6 : 4 }, callback);
}

export class UdpSocket implements DatagramSocket {
  private socket: dgram.Socket | undefined;
  private listener: ((d: Datagram) => void) | undefined;
  private postErrorListener: ((address: string, port: number, err: Error) => void) | undefined;
  /** One callback for every post: node:dgram's errors carry the address and port they were for. */
  private readonly afterPost = (err: Error | null) => {
    if (!err) return;
    // A socket error names the address; a failed name lookup names the host.
    const where = err as Error & { address?: unknown; hostname?: unknown; port?: unknown };
    this.postErrorListener?.(
      typeof where.address === 'string'
        ? where.address
        : typeof where.hostname === 'string'
          ? where.hostname
          : '',
      typeof where.port === 'number' ? where.port : 0,
      err,
    );
  };

  bind(address: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      // No SO_REUSEADDR: with it Linux lets a second client bind 2425 too and silently steals
      // its unicast traffic. A clear "port in use" error is better (see start-error.ts).
      const socket = dgram.createSocket({ type: 'udp4', reuseAddr: false, lookup: literalLookup });
      const onError = (err: Error) => {
        socket.close();
        reject(err);
      };
      socket.once('error', onError);
      socket.bind({ address, port, exclusive: true }, () => {
        socket.off('error', onError);
        socket.setBroadcast(true);
        // A busy LAN can burst hundreds of entries at once: give the kernel room to queue them.
        try {
          socket.setRecvBufferSize(4 * 1024 * 1024);
        } catch {
          /* the kernel may cap it; the default still works */
        }
        socket.on('message', (msg, rinfo) => {
          // A plain Uint8Array view, not the Buffer: the codec cuts every datagram into
          // subarrays (header fields, text, sections), and a Buffer's subarray builds each one
          // through Node's Buffer subclass, several times the cost of a plain one.
          const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
          this.listener?.({ bytes, address: rinfo.address, port: rinfo.port });
        });
        // After bind, socket errors (ICMP unreachable on some stacks) must not crash the engine.
        socket.on('error', () => undefined);
        this.socket = socket;
        resolve();
      });
    });
  }

  send(bytes: Uint8Array, address: string, port: number): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error('socket is not bound'));
    return new Promise((resolve, reject) => {
      socket.send(bytes, port, address, (err) => (err ? reject(err) : resolve()));
    });
  }

  post(bytes: Uint8Array, address: string, port: number): void {
    const socket = this.socket;
    if (!socket) {
      this.postErrorListener?.(address, port, new Error('socket is not bound'));
      return;
    }
    socket.send(bytes, port, address, this.afterPost);
  }

  onPostError(listener: (address: string, port: number, err: Error) => void): void {
    this.postErrorListener = listener;
  }

  onDatagram(listener: (d: Datagram) => void): void {
    this.listener = listener;
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }

  local(): { address: string; port: number } {
    const a = this.socket?.address();
    return a ? { address: a.address, port: a.port } : { address: '', port: 0 };
  }

  localAddresses(): string[] {
    const bound = this.local().address;
    // Bound to one address, our packets come back from it alone; on 0.0.0.0, from any interface.
    return bound && bound !== '0.0.0.0' ? [bound] : listIpv4Interfaces().map((i) => i.address);
  }
}
