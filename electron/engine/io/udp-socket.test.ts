import { afterEach, describe, expect, it } from 'vitest';
import { literalLookup, UdpSocket, type Datagram } from './udp-socket';

const open: UdpSocket[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

async function bound(): Promise<UdpSocket> {
  const t = new UdpSocket();
  open.push(t);
  await t.bind('127.0.0.1', 0);
  return t;
}

describe('UdpSocket.post (loopback)', () => {
  it('delivers a datagram without a promise', async () => {
    const a = await bound();
    const b = await bound();
    const got = new Promise<Datagram>((resolve) => b.onDatagram(resolve));
    a.post(new TextEncoder().encode('hello'), '127.0.0.1', b.local().port);
    const d = await got;
    expect(new TextDecoder().decode(d.bytes)).toBe('hello');
    expect(d.port).toBe(a.local().port);
  });

  it('reports a failed send to the onPostError listener with where it was going', async () => {
    const a = await bound();
    const errors: { address: string; port: number; message: string }[] = [];
    const reported = new Promise<void>((resolve) =>
      a.onPostError((address, port, err) => {
        errors.push({ address, port, message: err.message });
        resolve();
      }),
    );
    // Larger than any UDP datagram: the kernel refuses it (EMSGSIZE) and nothing is sent.
    a.post(new Uint8Array(70_000), '127.0.0.1', 9);
    await reported;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ address: '127.0.0.1', port: 9 });
    expect(errors[0]?.message).toMatch(/EMSGSIZE/);
  });

  it('reports a post on a closed socket instead of throwing', async () => {
    const a = new UdpSocket();
    const errors: string[] = [];
    a.onPostError((address, port, err) => errors.push(`${address}:${port} ${err.message}`));
    a.post(new Uint8Array(1), '127.0.0.1', 9);
    expect(errors).toEqual(['127.0.0.1:9 socket is not bound']);
  });
});

describe('literalLookup (the socket resolver)', () => {
  it('answers an IPv4 literal before it returns, so the datagram leaves inside post()', () => {
    const answers: string[] = [];
    literalLookup('127.0.0.1', 4, (err, address, family) => {
      answers.push(`${String(err)} ${address} ${family}`);
    });
    expect(answers).toEqual(['null 127.0.0.1 4']);
  });

  it('leaves what is not a plain literal to dns.lookup, which answers later', async () => {
    const answers: string[] = [];
    // localhost resolves from /etc/hosts; "010.0.0.1" would be octal to getaddrinfo.
    const done = new Promise<void>((resolve) =>
      literalLookup('localhost', 4, (err, address) => {
        answers.push(err ? (err.code ?? 'error') : address);
        resolve();
      }),
    );
    expect(answers).toEqual([]);
    await done;
    expect(answers).toEqual(['127.0.0.1']);
  });
});
