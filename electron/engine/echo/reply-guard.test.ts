import { describe, expect, it } from 'vitest';
import { replyGuard } from './reply-guard';

const guard = replyGuard({
  interfaces: [
    { address: '192.168.1.20', prefix: 24 },
    { address: '10.9.0.5', prefix: 31 },
    { address: '127.0.0.1', prefix: 8 },
  ],
  bound: '0.0.0.0',
});

describe('reply guard', () => {
  it('refuses every address no real peer can have', () => {
    expect(
      Object.fromEntries(
        [
          '0.0.0.0',
          '0.1.2.3',
          '255.255.255.255',
          '192.168.1.255',
          '224.0.0.251',
          '239.255.255.250',
          '192.168.1.0',
          '192.168.1.20',
          '10.9.0.5',
          '127.0.0.0',
          '127.255.255.255',
          'nonsense',
        ].map((a) => [a, guard(a)]),
      ),
    ).toEqual({
      '0.0.0.0': 'unspecified',
      '0.1.2.3': 'unspecified',
      '255.255.255.255': 'broadcast',
      '192.168.1.255': 'broadcast',
      '224.0.0.251': 'multicast',
      '239.255.255.250': 'multicast',
      '192.168.1.0': 'network',
      '192.168.1.20': 'own-address',
      '10.9.0.5': 'own-address',
      '127.0.0.0': 'network',
      '127.255.255.255': 'broadcast',
      nonsense: 'unspecified',
    });
  });

  it('lets peers, a /31 neighbour and programs on this machine (loopback) be answered', () => {
    for (const a of [
      '192.168.1.21',
      '192.168.1.254',
      '10.9.0.4',
      '127.0.0.1',
      '127.0.0.2',
      '8.8.8.8',
    ]) {
      expect(guard(a), a).toBeUndefined();
    }
  });

  it('counts the bound address as ours', () => {
    const bound = replyGuard({ interfaces: [], bound: '10.1.1.1' });
    expect(bound('10.1.1.1')).toBe('own-address');
    expect(bound('10.1.1.2')).toBeUndefined();
  });
});
