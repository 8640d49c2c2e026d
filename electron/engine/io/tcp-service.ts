import net from 'node:net';
import { explainBindError } from '../start-error';

/**
 * TCP 2425: the file service's port. Until file transfer lands, a request is read (so iptux's
 * pushed pictures, SENDSUBLAYER, are drained instead of erroring on its side) and the
 * connection is closed cleanly. Bounded in time and bytes per connection.
 */
export class TcpService {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly limits = { idleMs: 10_000, maxBytes: 16 * 1024 * 1024, maxConnections: 64 },
  ) {}

  listen(bind: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => this.accept(socket));
      server.maxConnections = this.limits.maxConnections;
      server.once('error', (err) => reject(explainBindError(err, 'TCP', bind, port)));
      server.listen({ host: bind, port, exclusive: true }, () => {
        server.removeAllListeners('error');
        server.on('error', () => undefined);
        this.server = server;
        resolve();
      });
    });
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    let received = 0;
    socket.setTimeout(this.limits.idleMs, () => socket.destroy());
    socket.on('data', (chunk) => {
      received += chunk.length;
      if (received > this.limits.maxBytes) socket.destroy();
    });
    // The peer finished its request: answer nothing and close our side.
    socket.on('end', () => socket.end());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    // A request for file data gets an immediate, clean close: no files are offered yet.
    socket.once('data', (chunk) => {
      const text = chunk.subarray(0, 128).toString('latin1');
      const command = Number(text.split(':')[4] ?? NaN);
      const mode = Number.isFinite(command) ? command & 0xff : -1;
      if (mode === 0x60 || mode === 0x62) socket.end();
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
