import { describe, expect, it } from 'vitest';
import { Mode, Opt } from '../../shared/protocol';
import { FakeClock } from './testing/fake-clock';
import { FakeNetwork } from './testing/fake-network';
import { startEngine } from './testing/engine-harness';
import { bytes } from './testing/scripted-peer';

/**
 * A packet "from" an address no host has is forged: it must not make a peer or a conversation,
 * and nothing may answer it (an answer to a broadcast address goes to a whole subnet).
 */
const A = '10.0.0.1';
const PORT = 2425;
const at = (address: string) => ({ address, port: PORT });

async function engineOnA() {
  const net = new FakeNetwork(new FakeClock());
  const a = await startEngine(
    net,
    A,
    {},
    {
      diagnostics: {
        watchIntervalMs: 0,
        listInterfaces: () => [
          {
            name: 'eth0',
            address: A,
            netmask: '255.255.255.0',
            broadcast: '10.0.0.255',
            internal: false,
          },
          // A wide subnet: there x.x.x.0 and x.x.x.255 can be hosts.
          {
            name: 'eth1',
            address: '172.16.0.1',
            netmask: '255.255.0.0',
            broadcast: '172.16.255.255',
            internal: false,
          },
        ],
      },
    },
  );
  return { net, a };
}

const IMPOSSIBLE = [
  '10.0.0.255', // our subnet's broadcast
  '10.0.0.0', // our subnet's network address
  '192.168.7.255', // x.x.x.255 of a subnet we cannot see
  '192.168.7.0',
  '172.16.255.255', // the wide subnet's broadcast
  '0.0.0.0',
  '224.0.0.1',
  '239.255.255.250',
  '255.255.255.255',
  '240.1.2.3',
];

describe('packets from impossible sources', () => {
  it('make no peer, no conversation, and get no answer; each is counted', async () => {
    const { net, a } = await engineOnA();
    const before = a.engine.stats().impossible;
    const sentBefore = net.sentFrom(A).length;
    let n = 1000;
    for (const address of IMPOSSIBLE) {
      // An entry (asks for ANSENTRY), a message asking for an ack and a read notice, a GETINFO.
      net.inject(bytes(`1:${n++}:evil:h:${Mode.BR_ENTRY}:Evil\0\0`), at(address), at(A));
      net.inject(
        bytes(`1:${n++}:evil:h:${Mode.SENDMSG | Opt.SENDCHECKOPT | Opt.READCHECKOPT}:hello\0`),
        at(address),
        at(A),
      );
      net.inject(bytes(`1:${n++}:evil:h:${Mode.GETINFO}:\0`), at(address), at(A));
    }
    await net.clock.advance(10_000);
    expect(a.peers()).toEqual([]);
    expect(a.received()).toEqual([]);
    expect(a.of('chat:message')).toEqual([]);
    expect(net.sentFrom(A).slice(sentBefore)).toEqual([]);
    expect(a.engine.stats().impossible - before).toBe(3 * IMPOSSIBLE.length);
  });

  it('x.x.x.0 and x.x.x.255 inside our own wider subnet are hosts, and are answered', async () => {
    const { net, a } = await engineOnA();
    for (const address of ['172.16.3.255', '172.16.4.0']) {
      net.inject(bytes(`1:7:pal:h:${Mode.BR_ENTRY}:Pal\0\0`), at(address), at(A));
    }
    await net.clock.advance(5_000);
    expect(
      a
        .peers()
        .map((p) => p.address)
        .sort(),
    ).toEqual(['172.16.3.255', '172.16.4.0']);
    const answers = net
      .sentFrom(A)
      .filter((d) => d.to.address.startsWith('172.16.'))
      .map((d) => d.to.address);
    expect(new Set(answers)).toEqual(new Set(['172.16.3.255', '172.16.4.0']));
    expect(a.engine.stats().impossible).toBe(0);
  });

  it('an ordinary colleague is unaffected', async () => {
    const { net, a } = await engineOnA();
    net.inject(bytes(`1:9:bob:h:${Mode.BR_ENTRY}:Bob\0\0`), at('10.0.0.2'), at(A));
    net.inject(bytes(`1:10:bob:h:${Mode.SENDMSG | Opt.SENDCHECKOPT}:hi\0`), at('10.0.0.2'), at(A));
    await net.clock.advance(5_000);
    expect(a.peers().map((p) => p.address)).toEqual(['10.0.0.2']);
    expect(a.received().map((m) => m.text)).toEqual(['hi']);
  });
});
