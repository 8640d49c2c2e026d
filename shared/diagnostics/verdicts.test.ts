import { describe, expect, it } from 'vitest';
import type { EchoStats } from '../model';
import { decideVerdicts, type DoctorEvidence } from './verdicts';

const stats = (sent: number, received: number, p50 = 0.5): EchoStats => ({
  sent,
  received,
  lost: sent - received,
  loss: sent ? (sent - received) / sent : 0,
  duplicates: 0,
  reordered: 0,
  late: 0,
  errors: 0,
  altered: 0,
  rttMs: received ? { min: p50, avg: p50, p50, p95: p50, max: p50 } : null,
  jitterMs: null,
});

const healthy: DoctorEvidence = {
  address: '10.0.0.2',
  port: 2425,
  portConflict: undefined,
  route: { sourceAddress: '10.0.0.1', interface: 'eth0' },
  subnet: {
    same: true,
    matches: [{ interface: 'eth0', subnet: '10.0.0.0/24' }],
    guess: '10.0.0.0/24',
    inUnicastHosts: false,
  },
  theyReachUs: true,
  broadcast: { tried: true, mode: 'pigeon', reached: true },
  forward: { mode: 'pigeon', stats: stats(4, 4) },
  reverse: { requested: 4, granted: 4, received: 4, duplicates: 0, loss: 0 },
  tcp: 'open',
  linkLayer: 'present',
};

const codes = (e: Partial<DoctorEvidence>) =>
  decideVerdicts({ ...healthy, ...e }).map((v) => v.code);

describe('decideVerdicts', () => {
  it('all is well', () => {
    const [v] = decideVerdicts(healthy);
    expect(v).toMatchObject({ code: 'ok', severity: 'ok', params: { rtt: 0.5 } });
    expect(v?.text.en).toBe(
      '10.0.0.2 answers: Pigeon can reach it and hear from it (round trip 0.5 ms).',
    );
  });

  it("says what our own guards turned away from the address, beside the network's verdict", () => {
    const refused = (counts: Record<string, number>) => ({
      address: '10.0.0.2',
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      counts,
      firstAt: 0,
      lastAt: 0,
    });
    // Dropped messages are why a colleague's messages do not show: a warning, no 'ok'.
    const dropped = decideVerdicts({
      ...healthy,
      refused: refused({ 'intake-rate': 300, 'intake-unannounced': 40, 'answer-budget': 2 }),
    });
    expect(dropped.map((v) => [v.code, v.severity])).toEqual([
      ['we-dropped-messages', 'warning'],
      ['we-withheld-answers', 'info'],
    ]);
    expect(dropped[0]?.text.en).toContain('turned away 340 messages from 10.0.0.2');
    expect(dropped[1]?.params.count).toBe(2);
    // Answers withheld alone are told under the 'ok'.
    expect(codes({ refused: refused({ 'probe-back': 3 }) })).toEqual(['ok', 'we-withheld-answers']);
    // And beside a silent host's verdict too.
    expect(
      codes({
        forward: { mode: 'pigeon', stats: stats(4, 0) },
        reverse: null,
        refused: refused({ 'intake-rate': 5 }),
      }),
    ).toEqual(['their-inbound-blocked', 'we-dropped-messages']);
    expect(codes({ refused: null })).toEqual(['ok']);
  });

  it('their firewall: we hear them, they do not hear us', () => {
    expect(codes({ forward: { mode: 'pigeon', stats: stats(4, 0) }, reverse: null })).toEqual([
      'their-inbound-blocked',
    ]);
  });

  it('our firewall: answers get in, their own packets do not', () => {
    expect(
      codes({ reverse: { requested: 4, granted: 4, received: 0, duplicates: 0, loss: 1 } }),
    ).toEqual(['our-inbound-blocked']);
  });

  it('a probe-back refused or unanswered proves nothing', () => {
    expect(
      codes({ reverse: { requested: 4, granted: 0, received: 0, duplicates: 0, loss: null } }),
    ).toEqual(['ok']);
    expect(
      codes({ reverse: { requested: 4, granted: null, received: 0, duplicates: 0, loss: null } }),
    ).toEqual(['ok']);
  });

  it('a different subnet, reachable by unicast: suggest the unicast hosts', () => {
    const v = decideVerdicts({
      ...healthy,
      address: '10.0.2.7',
      subnet: { same: false, matches: [], guess: '10.0.2.0/24', inUnicastHosts: false },
      broadcast: { tried: true, mode: 'pigeon', reached: false },
    });
    expect(v.map((x) => x.code)).toEqual(['different-subnet']);
    expect(v[0]?.text.en).toContain('different subnet (10.0.2.0/24)');
    expect(v[0]?.text.en).toContain('add 10.0.2.0/24 to the unicast hosts?');
  });

  it('a different subnet already in the unicast hosts is fine', () => {
    expect(
      codes({
        subnet: { same: false, matches: [], guess: '10.0.2.0/24', inUnicastHosts: true },
        broadcast: { tried: true, mode: 'pigeon', reached: false },
      }),
    ).toEqual(['ok']);
  });

  it('a different subnet that does not answer', () => {
    expect(
      codes({
        subnet: { same: false, matches: [], guess: '10.0.2.0/24', inUnicastHosts: false },
        forward: { mode: 'ipmsg', stats: stats(4, 0) },
        theyReachUs: false,
        tcp: 'timeout',
      }),
    ).toEqual(['different-subnet-silent']);
  });

  it('broadcasts dropped on the same subnet (client isolation)', () => {
    expect(codes({ broadcast: { tried: true, mode: 'pigeon', reached: false } })).toEqual([
      'broadcast-blocked',
    ]);
  });

  it('TCP blocked or refused while chat works', () => {
    expect(codes({ tcp: 'timeout' })).toEqual(['tcp-blocked']);
    expect(codes({ tcp: 'refused' })).toEqual(['ok', 'tcp-refused']);
  });

  it('lossy', () => {
    const v = decideVerdicts({ ...healthy, forward: { mode: 'pigeon', stats: stats(10, 6) } });
    expect(v.map((x) => x.code)).toEqual(['lossy']);
    expect(v[0]?.params.loss).toBe(40);
  });

  it('silence, told apart by TCP and ARP', () => {
    const silent = {
      forward: { mode: 'pigeon' as const, stats: stats(4, 0) },
      reverse: null,
      theyReachUs: false,
    };
    expect(codes({ ...silent, tcp: 'open' })).toEqual(['udp-blocked']);
    expect(codes({ ...silent, tcp: 'refused' })).toEqual(['not-running']);
    expect(codes({ ...silent, tcp: 'timeout', linkLayer: 'present' })).toEqual([
      'firewall-somewhere',
    ]);
    expect(codes({ ...silent, tcp: 'timeout', linkLayer: 'absent' })).toEqual(['silent']);
  });

  it('a client that quit without a goodbye is not-running, even though we heard it recently', () => {
    // Heard 10 s before the check, silent during it, and its host refuses TCP 2425: the program
    // is gone. A firewall that drops our UDP would not make the host refuse TCP.
    const gone = {
      forward: { mode: 'pigeon' as const, stats: stats(4, 0) },
      reverse: null,
      theyReachUs: true,
    };
    expect(codes({ ...gone, tcp: 'refused' })).toEqual(['not-running']);
    expect(codes({ ...gone, tcp: 'open' })).toEqual(['their-inbound-blocked']);
    expect(codes({ ...gone, tcp: 'timeout' })).toEqual(['their-inbound-blocked']);
  });

  it('the port conflict comes first; no route ends the story', () => {
    expect(codes({ portConflict: 2425, forward: { mode: 'pigeon', stats: stats(4, 0) } })).toEqual([
      'port-in-use',
      'their-inbound-blocked',
    ]);
    expect(
      codes({ route: { sourceAddress: null, interface: null, error: 'ENETUNREACH' } }),
    ).toEqual(['no-route']);
  });

  it('packets that leave through another adapter (a VPN)', () => {
    expect(codes({ route: { sourceAddress: '10.8.0.2', interface: 'tun0' } })).toEqual([
      'other-interface',
    ]);
  });
});
