import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { rawEcho } from './raw-echo-socket';
import { UdpEchoServer } from './echo-server';

const servers: UdpEchoServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

describe('UdpEchoServer (loopback)', () => {
  it('sends every datagram back unchanged', async () => {
    const server = new UdpEchoServer({ bind: '127.0.0.1', port: 0 });
    servers.push(server);
    const { port } = await server.start();
    const client = dgram.createSocket('udp4');
    const got = await new Promise<Buffer>((resolve) => {
      client.on('message', (m) => resolve(m));
      client.send(Buffer.from('hello \u00ff\u0000 world'), port, '127.0.0.1');
    });
    client.close();
    expect(got.toString()).toBe('hello \u00ff\u0000 world');
    expect(server.stats).toMatchObject({ received: 1, echoed: 1 });
  });

  it('is what the raw echo mode measures', async () => {
    const server = new UdpEchoServer({ bind: '127.0.0.1', port: 0 });
    servers.push(server);
    const { port } = await server.start();
    const r = rawEcho({ to: `127.0.0.1:${port}`, count: 20, intervalMs: 2, size: 512 });
    if (!r.ok) throw new Error(r.error);
    const result = await r.handle.done;
    expect(result).toMatchObject({ state: 'done', mode: 'raw', size: 512 });
    expect(result.stats).toMatchObject({ sent: 20, received: 20, loss: 0, altered: 0 });
    expect(result.stats.rttMs?.max).toBeLessThan(100);
  });

  it('rate-limits per source address when asked', async () => {
    let now = 0;
    const server = new UdpEchoServer({
      bind: '127.0.0.1',
      port: 0,
      maxPerSecondPerSource: 5,
      now: () => now,
    });
    servers.push(server);
    const { port } = await server.start();
    const client = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
    let echoed = 0;
    client.on('message', () => echoed++);
    for (let i = 0; i < 20; i++) client.send('x', port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 200));
    now += 1000;
    client.send('y', port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 100));
    client.close();
    expect(echoed).toBe(6);
    expect(server.stats.limited).toBe(15);
  });
});
