import { describe, expect, it } from 'vitest';
import { latin1Bytes, parseDatagram } from '../../shared/protocol';
import { PacketNumbers } from './packet-numbers';
import { FakeClock } from './testing/fake-clock';
import { FakeNetwork } from './testing/fake-network';
import { Wire } from './wire';

async function setup(sendError?: Error) {
  const clock = new FakeClock();
  const net = new FakeNetwork(clock, { sendError: sendError ? () => sendError : undefined });
  const socket = net.socket('10.0.0.1');
  await socket.bind('0.0.0.0', 2425);
  const wire = new Wire(socket, new PacketNumbers(() => clock.now()), {
    version: '1_pigeon 0.1.0',
    user: 'me',
    host: 'box',
  });
  return { clock, net, wire };
}

describe('Wire', () => {
  it('builds datagrams with our identity and fresh, increasing packet numbers', async () => {
    const { wire } = await setup();
    const a = wire.build(32, latin1Bytes('x\0'));
    const b = wire.build(32, latin1Bytes('x\0'));
    expect(b.packetNo).toBeGreaterThan(a.packetNo);
    const p = parseDatagram(a.bytes);
    expect(p.ok && p.value).toMatchObject({
      version: '1_pigeon 0.1.0',
      packetNo: a.packetNo,
      command: 32,
    });
    expect(new TextDecoder().decode(a.bytes)).toBe(`1_pigeon 0.1.0:${a.packetNo}:me:box:32:x\0`);
  });

  it('recognises its own datagrams by number AND bytes', async () => {
    const { wire } = await setup();
    const { packetNo, bytes } = wire.build(1, latin1Bytes('nick\0'));
    expect(wire.isOwn(packetNo, bytes)).toBe(true);
    expect(wire.isOwn(packetNo, new Uint8Array(bytes))).toBe(true);
    // Same number, other bytes: another instance with the same clock.
    const other = new TextEncoder().encode(new TextDecoder().decode(bytes).replace('nick', 'nicK'));
    expect(wire.isOwn(packetNo, other)).toBe(false);
    expect(wire.isOwn(packetNo + 1, bytes)).toBe(false);
    expect(wire.isOwn(packetNo, bytes.subarray(0, bytes.length - 1))).toBe(false);
  });

  it('remembers a bounded number of its datagrams', async () => {
    const { wire } = await setup();
    const first = wire.build(1, latin1Bytes('first\0'));
    for (let i = 0; i < 600; i++) wire.build(1, latin1Bytes(`${i}\0`));
    expect(wire.isOwn(first.packetNo, first.bytes)).toBe(false);
    const last = wire.build(1, latin1Bytes('last\0'));
    expect(wire.isOwn(last.packetNo, last.bytes)).toBe(true);
  });

  it('sends and counts; a socket error is a value, not an exception', async () => {
    const ok = await setup();
    const no = await ok.wire.send(32, latin1Bytes('hi\0'), '10.0.0.2', 2425);
    expect(ok.net.log).toHaveLength(1);
    expect(ok.net.log[0]?.to).toEqual({ address: '10.0.0.2', port: 2425 });
    expect(parseDatagram(ok.net.log[0]?.bytes ?? new Uint8Array()).ok).toBe(true);
    expect(no).toBeGreaterThan(0);
    expect(ok.wire.stats).toEqual({ sent: 1, sendErrors: 0 });

    const bad = await setup(new Error('send EPERM'));
    await expect(bad.wire.sendBytes(latin1Bytes('x'), '10.0.0.2', 2425)).resolves.toBe(
      'send EPERM',
    );
    expect(bad.wire.stats).toEqual({ sent: 0, sendErrors: 1 });
  });
});
