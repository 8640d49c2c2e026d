import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TCP_LIMITS, type TcpLimits } from './tcp-limits';
import { TcpService, type TcpRefusal } from './tcp-service';

// Real sockets on loopback: the service listens on 127.0.0.1 and clients come from other
// 127.0.0.x addresses, so "one address" and "another address" are real peers to the kernel.
const SERVER = '127.0.0.1';

let service: TcpService | undefined;
const clients: net.Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await service?.close();
  service = undefined;
});

async function start(limits: Partial<TcpLimits>): Promise<TcpRefusal[]> {
  const refused: TcpRefusal[] = [];
  service = new TcpService({ limits, onRefused: (_address, why) => refused.push(why) });
  await service.listen(SERVER, 0);
  return refused;
}

interface Client {
  socket: net.Socket;
  connectedAt: number;
  /** Resolves when the socket closes: how (reset or clean end) and when. */
  closed: Promise<{ at: number; reset: boolean; received: number }>;
}

/**
 * Resolves once the handshake is done, or once the socket is gone: on loopback the service's
 * reset of a refused connection can beat the client's own 'connect' event.
 */
function connect(from: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: SERVER, port: service?.port ?? 0, localAddress: from });
    clients.push(socket);
    const connectedAt = Date.now();
    let reset = false;
    let received = 0;
    socket.on('data', (d: Buffer) => (received += d.length));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') reset = true;
      else reject(e);
    });
    const closed = new Promise<{ at: number; reset: boolean; received: number }>((r) =>
      socket.once('close', () => r({ at: Date.now(), reset, received })),
    );
    const client = { socket, connectedAt, closed };
    socket.once('connect', () => resolve(client));
    void closed.then(() => resolve(client));
  });
}

/** Resolves true if the promise settles within `ms`, false otherwise. */
function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([p.then(() => true), sleep(ms).then(() => false)]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('TcpService request phase', () => {
  it('closes a client that trickles a byte every 200 ms at the deadline, not later', async () => {
    // The production deadline, and a real request: byte by byte it would take 5.8 s.
    const refused = await start({});
    const request = '1:100:taro:TARO-PC:96:64:1:0:';
    expect(request.length * 200).toBeGreaterThan(TCP_LIMITS.requestDeadlineMs);
    const c = await connect('127.0.0.2');
    let sent = 0;
    const trickle = setInterval(() => {
      if (c.socket.writable) c.socket.write(request.charAt(sent++));
    }, 200);
    try {
      const end = await c.closed;
      const lasted = end.at - c.connectedAt;
      expect(lasted).toBeGreaterThanOrEqual(TCP_LIMITS.requestDeadlineMs - 50);
      expect(lasted).toBeLessThan(TCP_LIMITS.requestDeadlineMs + 400);
      expect(sent).toBeGreaterThanOrEqual(20);
      expect(end.reset).toBe(true);
      expect(refused).toEqual(['deadline']);
    } finally {
      clearInterval(trickle);
    }
  });

  it('refuses the N+1th connection from one address while another address still gets in', async () => {
    const perAddress = TCP_LIMITS.maxPerAddress;
    const refused = await start({});
    const held: Client[] = [];
    for (let i = 0; i < perAddress; i++) held.push(await connect('127.0.0.2'));
    await until(() => service?.connections === perAddress);

    const extra = await connect('127.0.0.2');
    expect(await settlesWithin(extra.closed, 1000)).toBe(true);
    expect((await extra.closed).reset).toBe(true);
    expect(refused).toEqual(['address-full']);

    const other = await connect('127.0.0.3');
    expect(await settlesWithin(other.closed, 300)).toBe(false);
    expect(service?.connections).toBe(perAddress + 1);
    for (const h of held) expect(await settlesWithin(h.closed, 0)).toBe(false);

    // A slot given back is a slot for the next connection from that address.
    held[0]?.socket.destroy();
    await until(() => service?.connections === perAddress);
    const again = await connect('127.0.0.2');
    expect(await settlesWithin(again.closed, 300)).toBe(false);
    expect(refused).toEqual(['address-full']);
  });

  it('keeps a total cap across addresses', async () => {
    const refused = await start({ maxConnections: 2, maxPerAddress: 2 });
    await connect('127.0.0.2');
    await connect('127.0.0.3');
    await until(() => service?.connections === 2);
    const third = await connect('127.0.0.4');
    expect(await settlesWithin(third.closed, 1000)).toBe(true);
    expect(refused).toEqual(['service-full']);
  });

  it('refuses an oversized request line at once, before the deadline', async () => {
    const refused = await start({ requestDeadlineMs: 5000 });
    const c = await connect('127.0.0.2');
    c.socket.write(`1:100:taro:TARO-PC:96:${'0'.repeat(TCP_LIMITS.maxRequestBytes)}`);
    expect(await settlesWithin(c.closed, 1000)).toBe(true);
    expect((await c.closed).reset).toBe(true);
    expect(refused).toEqual(['too-long']);
  });

  it('refuses a request that is not IPMsg as soon as its header shows it', async () => {
    const refused = await start({ requestDeadlineMs: 5000 });
    const c = await connect('127.0.0.2');
    c.socket.write(
      'GET / HTTP/1.1\r\nHost: 127.0.0.1:2425\r\nAccept: */*\r\nX-A: 1\r\nX-B: 2\r\n\r\n',
    );
    expect(await settlesWithin(c.closed, 1000)).toBe(true);
    expect(refused).toEqual(['malformed']);
  });
});

describe('TcpService without files', () => {
  it('answers a file request, even one split across writes, with a clean close', async () => {
    const refused = await start({});
    const c = await connect('127.0.0.2');
    c.socket.write('1:100:taro:TARO-PC:96:');
    await sleep(50);
    c.socket.write('64:1:0:');
    expect(await settlesWithin(c.closed, 1000)).toBe(true);
    expect(await c.closed).toMatchObject({ reset: false, received: 0 });
    expect(refused).toEqual([]);
  });

  it("drains iptux's pushed picture and closes when iptux does", async () => {
    const refused = await start({});
    const c = await connect('127.0.0.2');
    c.socket.write(
      Buffer.concat([Buffer.from('1_iptux 0.8.3:9:u:h:765:\0'), Buffer.alloc(300_000)]),
    );
    await sleep(50);
    expect(await settlesWithin(c.closed, 0)).toBe(false);
    c.socket.end(Buffer.alloc(100_000));
    expect(await settlesWithin(c.closed, 1000)).toBe(true);
    expect((await c.closed).reset).toBe(false);
    expect(refused).toEqual([]);
    await until(() => service?.connections === 0);
  });

  it('resets a picture that passes the drain cap', async () => {
    await start({ drainMaxBytes: 100_000 });
    const c = await connect('127.0.0.2');
    c.socket.write(
      Buffer.concat([Buffer.from('1_iptux 0.8.3:9:u:h:765:\0'), Buffer.alloc(50_000)]),
    );
    await sleep(50);
    expect(await settlesWithin(c.closed, 0)).toBe(false);
    c.socket.write(Buffer.alloc(60_000));
    expect(await settlesWithin(c.closed, 1000)).toBe(true);
    expect((await c.closed).reset).toBe(true);
  });

  it('resets a picture still arriving at the drain deadline', async () => {
    await start({ drainDeadlineMs: 500 });
    const c = await connect('127.0.0.2');
    c.socket.write('1_iptux 0.8.3:9:u:h:765:\0');
    const trickle = setInterval(() => c.socket.writable && c.socket.write('x'), 100);
    try {
      const end = await c.closed;
      expect(end.at - c.connectedAt).toBeGreaterThanOrEqual(450);
      expect(end.at - c.connectedAt).toBeLessThan(1000);
      expect(end.reset).toBe(true);
    } finally {
      clearInterval(trickle);
    }
  });
});
