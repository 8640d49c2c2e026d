import net from 'node:net';
import type { WirePacket } from '../../../shared/protocol';
import { explainBindError } from '../start-error';
import { TCP_LIMITS, type TcpLimits } from './tcp-limits';
import { answerWithoutFiles } from './tcp-no-files';
import { scanRequest } from './tcp-request';
import { ConnectionSlots, type SlotRefusal } from './tcp-slots';

/** A connection whose request was read, handed to the data phase. */
export interface TcpConnection {
  /** Paused; the handler resumes it if it wants to read. Closing it frees the slot. */
  readonly socket: net.Socket;
  readonly address: string;
  /** Bytes that arrived after the request, before anything the socket reads next. */
  readonly rest: Buffer;
}

/**
 * The data phase: what happens once a request is complete. Today answerWithoutFiles; the files
 * feature plugs its server in here and brings its own pacing rule (minimum progress) for it.
 */
export type TcpRequestHandler = (request: WirePacket, connection: TcpConnection) => void;

/** Why the service turned a connection away. */
export type TcpRefusal = SlotRefusal | 'deadline' | 'too-long' | 'malformed';

export interface TcpServiceOptions {
  limits?: Partial<TcpLimits>;
  onRequest?: TcpRequestHandler;
  /** Told about every connection the service refused, for logs and tests. */
  onRefused?: (address: string, why: TcpRefusal) => void;
}

/**
 * TCP 2425: the file service's port. A connection first sends its request: one IPMsg header
 * (tcp-request.ts says where it ends). That request phase has a hard deadline from accept that
 * arriving bytes do not extend, and a byte cap; each address gets a share of the connection
 * slots. Refusals are resets (the peer learns at once, and no TIME_WAIT is left here). What
 * follows a complete request is the handler's business.
 */
export class TcpService {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly limits: TcpLimits;
  private readonly slots: ConnectionSlots;
  private readonly onRequest: TcpRequestHandler;

  constructor(private readonly options: TcpServiceOptions = {}) {
    this.limits = { ...TCP_LIMITS, ...options.limits };
    this.slots = new ConnectionSlots(this.limits);
    this.onRequest = options.onRequest ?? answerWithoutFiles(this.limits);
  }

  listen(bind: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      // Not half-open: when the peer closes its side, ours closes too, in either phase.
      const server = net.createServer((socket) => this.accept(socket));
      server.once('error', (err) => reject(explainBindError(err, 'TCP', bind, port)));
      server.listen({ host: bind, port, exclusive: true }, () => {
        server.removeAllListeners('error');
        server.on('error', () => undefined);
        this.server = server;
        resolve();
      });
    });
  }

  /** The port actually bound (useful after listening on port 0). */
  get port(): number | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }

  /** Connections holding a slot now. */
  get connections(): number {
    return this.slots.size;
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => socket.destroy());
    const address = peerAddress(socket);
    if (address === undefined) {
      socket.destroy(); // already gone
      return;
    }
    const full = this.slots.take(address);
    if (full !== undefined) {
      this.refuse(socket, address, full);
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.slots.release(address);
    });
    this.readRequest(socket, address);
  }

  private readRequest(socket: net.Socket, address: string): void {
    const { maxRequestBytes, requestDeadlineMs } = this.limits;
    let pending: Buffer = Buffer.alloc(0);
    const deadline = setTimeout(() => this.refuse(socket, address, 'deadline'), requestDeadlineMs);
    const stop = () => {
      clearTimeout(deadline);
      socket.off('data', onData);
    };
    const onData = (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const scan = scanRequest(pending, maxRequestBytes);
      if (scan.state === 'partial') return;
      stop();
      if (scan.state === 'refused') return this.refuse(socket, address, scan.code);
      socket.pause();
      this.onRequest(scan.request, { socket, address, rest: scan.rest });
    };
    socket.on('data', onData);
    // A peer that closes before its request is complete gets nothing; the close clears the timer.
    socket.once('close', stop);
  }

  private refuse(socket: net.Socket, address: string, why: TcpRefusal): void {
    this.options.onRefused?.(address, why);
    socket.resetAndDestroy();
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}

/** The peer's IPv4 address (an IPv4-mapped IPv6 address counts as its IPv4 address). */
function peerAddress(socket: net.Socket): string | undefined {
  const raw = socket.remoteAddress;
  if (!raw) return undefined;
  return raw.startsWith('::ffff:') ? raw.slice(7) : raw;
}
