import { describe, expect, it } from 'vitest';
import {
  compileReplyView,
  impossibleSource,
  replyRefusal,
  ReplyGuard,
  type ReplyView,
} from './reply-guard';

const lan: ReplyView = {
  bound: { address: '0.0.0.0', port: 2425 },
  localAddresses: ['127.0.0.1', '192.168.1.20', '10.8.0.6'],
  subnets: [
    { address: '127.0.0.1', netmask: '255.0.0.0' },
    { address: '192.168.1.20', netmask: '255.255.255.0' },
    { address: '10.8.0.6', netmask: '255.255.254.0' },
  ],
};

const why = (address: string, port = 2425, view: ReplyView = lan) =>
  replyRefusal(address, port, compileReplyView(view));

describe('replyRefusal', () => {
  it('allows ordinary hosts, on any port', () => {
    for (const a of ['192.168.1.21', '192.168.1.1', '10.8.1.254', '10.9.9.9', '8.8.8.8'])
      expect(why(a), a).toBeUndefined();
    expect(why('192.168.1.21', 40000)).toBeUndefined();
  });

  it('refuses every address no single host can have', () => {
    expect(why('255.255.255.255')).toBe('limited-broadcast');
    expect(why('0.0.0.0')).toBe('unspecified');
    expect(why('0.1.2.3')).toBe('unspecified');
    expect(why('224.0.0.1')).toBe('multicast');
    expect(why('226.81.9.8')).toBe('multicast'); // FeiQ's group address
    expect(why('239.255.255.250')).toBe('multicast');
    expect(why('240.0.0.1')).toBe('reserved');
  });

  it("refuses our subnets' network and directed-broadcast addresses", () => {
    expect(why('192.168.1.0')).toBe('network-address');
    expect(why('192.168.1.255')).toBe('directed-broadcast');
    // A /23: x.x.0.255 is a host, x.x.1.255 the broadcast.
    expect(why('10.8.0.255')).toBeUndefined();
    expect(why('10.8.1.255')).toBe('directed-broadcast');
    expect(why('10.8.0.0')).toBe('network-address');
    expect(why('127.255.255.255')).toBe('directed-broadcast');
  });

  it('refuses x.x.x.0 and x.x.x.255 outside our subnets, not inside our wider ones', () => {
    expect(why('192.168.7.255')).toBe('edge-address');
    expect(why('192.168.7.0')).toBe('edge-address');
    expect(why('8.8.8.0', 53)).toBe('edge-address');
    // Inside our /23 (10.8.0.0-10.8.1.255) and loopback's /8 they are hosts.
    expect(why('10.8.1.0')).toBeUndefined();
    expect(why('127.0.5.255', 9)).toBeUndefined();
    expect(why('192.168.7.254')).toBeUndefined();
  });

  it('impossibleSource: no host has the address, whatever the port', () => {
    const view = compileReplyView(lan);
    for (const [a, r] of [
      ['255.255.255.255', 'limited-broadcast'],
      ['0.0.0.0', 'unspecified'],
      ['224.0.0.251', 'multicast'],
      ['192.168.1.255', 'directed-broadcast'],
      ['192.168.1.0', 'network-address'],
      ['172.20.3.255', 'edge-address'],
      ['250.0.0.1', 'reserved'],
    ] as const)
      expect(impossibleSource(a, view), a).toBe(r);
    // Our own addresses are possible sources (our own packets, a CLI beside the app).
    for (const a of ['192.168.1.20', '127.0.0.1', '10.8.0.255', '192.168.1.21'])
      expect(impossibleSource(a, view), a).toBeUndefined();
  });

  it('has no network or broadcast address on /31 and /32 links (both ends are hosts)', () => {
    const p2p: ReplyView = {
      bound: { address: '0.0.0.0', port: 2425 },
      localAddresses: ['10.0.0.0'],
      subnets: [
        { address: '10.0.0.0', netmask: '255.255.255.254' },
        { address: '10.1.1.1', netmask: '255.255.255.255' },
      ],
    };
    expect(why('10.0.0.1', 2425, p2p)).toBeUndefined();
    expect(why('10.1.1.1', 9, p2p)).toBeUndefined();
    // The other end of a /31 whose addresses are x.x.x.254 and x.x.x.255 is a host.
    const edge: ReplyView = {
      ...p2p,
      subnets: [{ address: '10.2.2.254', netmask: '255.255.255.254' }],
    };
    expect(why('10.2.2.255', 2425, edge)).toBeUndefined();
  });

  it('refuses our own socket: every local address on our port when bound to 0.0.0.0', () => {
    expect(why('192.168.1.20')).toBe('own-socket');
    expect(why('127.0.0.1')).toBe('own-socket');
    expect(why('127.0.0.1', 2426)).toBeUndefined();
    // Our own LAN address on another port is no LAN host either: forged, or a local program
    // (which has loopback to talk to us). Loopback stays open for engines on 127.0.0.x.
    expect(why('192.168.1.20', 2426)).toBe('own-address');
  });

  it('bound to one loopback address, other 127.x engines still hear our answers', () => {
    const loopback: ReplyView = {
      bound: { address: '127.0.0.2', port: 2425 },
      localAddresses: ['127.0.0.2'],
      subnets: [{ address: '127.0.0.1', netmask: '255.0.0.0' }],
    };
    expect(why('127.0.0.2', 2425, loopback)).toBe('own-socket');
    expect(why('127.0.0.3', 2425, loopback)).toBeUndefined();
    expect(why('127.0.0.1', 2425, loopback)).toBeUndefined();
  });

  it('refuses what is not an address or a port', () => {
    expect(why('example.com')).toBe('not-ipv4');
    expect(why('010.0.0.1')).toBe('not-ipv4');
    expect(why('192.168.1.21', 0)).toBe('bad-port');
    expect(why('192.168.1.21', 65536)).toBe('bad-port');
  });
});

describe('ReplyGuard', () => {
  function source(view: ReplyView) {
    let now = 0;
    let reads = 0;
    const s = {
      view,
      advance: (ms: number) => (now += ms),
      reads: () => reads,
      now: () => now,
      local: () => s.view.bound,
      localAddresses: () => [...s.view.localAddresses],
      interfaces: () => {
        reads++;
        return s.view.subnets.map((i) => ({
          name: 'eth0',
          address: i.address,
          netmask: i.netmask,
          broadcast: '',
          internal: false,
        }));
      },
    };
    return s;
  }

  it('counts refusals by reason', () => {
    const guard = new ReplyGuard(source(lan));
    expect(guard.allows('192.168.1.21', 2425)).toBe(true);
    expect(guard.allows('192.168.1.255', 2425)).toBe(false);
    expect(guard.allows('224.0.0.251', 5353)).toBe(false);
    expect(guard.allows('224.0.0.251', 2425)).toBe(false);
    expect(guard.refused).toMatchObject({ 'directed-broadcast': 1, multicast: 2, 'own-socket': 0 });
  });

  it('reads the interfaces again every 5 s (a new Wi-Fi or VPN subnet), not per reply', () => {
    const s = source(lan);
    const guard = new ReplyGuard(s);
    // 172.16.0.127: a host, until a /25 that has it as its broadcast address appears.
    for (let i = 0; i < 100; i++) guard.allows('172.16.0.127', 2425);
    expect(s.reads()).toBe(1);
    expect(guard.check('172.16.0.127', 2425)).toBeUndefined();
    s.view = {
      ...lan,
      subnets: [...lan.subnets, { address: '172.16.0.9', netmask: '255.255.255.128' }],
    };
    s.advance(ReplyGuard.REFRESH_MS);
    expect(guard.check('172.16.0.127', 2425)).toBe('directed-broadcast');
    expect(s.reads()).toBe(2);
  });

  it('a view read before the socket was bound is read again once it is', () => {
    const s = source({ ...lan, bound: { address: '', port: 0 } });
    const guard = new ReplyGuard(s);
    // Before the bind it knows our addresses but not our port.
    expect(guard.check('192.168.1.20', 2425)).toBe('own-address');
    s.view = lan;
    expect(guard.check('192.168.1.20', 2425)).toBe('own-socket');
  });
});
