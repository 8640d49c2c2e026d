import { describe, expect, it } from 'vitest';
import { diagnosticsBundle, redactText, type BundleInput } from './bundle';

const input: BundleInput = {
  version: '0.1.0',
  platform: 'linux x64',
  node: 'v24.0.0',
  at: Date.UTC(2025, 0, 2, 3, 4, 5),
  settings: {
    nick: 'alice',
    group: 'R&D',
    user: 'alice01',
    host: 'alice-pc',
    bind: '0.0.0.0',
    port: 2425,
    broadcast: ['192.168.1.255'],
    unicastHosts: ['10.0.2.0/24'],
    legacyEncoding: 'gb18030',
    dataDir: '/tmp/x',
    answerEcho: true,
    downloadDir: '/home/me/Downloads',
    away: false,
    awayMessage: '',
  },
  interfaces: {
    at: 0,
    bind: '0.0.0.0',
    port: 2425,
    broadcastTargets: ['192.168.1.255'],
    unicastHosts: ['10.0.2.0/24'],
    interfaces: [
      {
        name: 'eth0',
        address: '192.168.1.23',
        netmask: '255.255.255.0',
        prefix: 24,
        broadcast: '192.168.1.255',
        subnet: '192.168.1.0/24',
        internal: false,
        mtu: 1500,
        announced: true,
        listening: true,
      },
    ],
  },
  stats: { received: 10, malformed: 0 },
  peers: [
    {
      id: '192.168.1.40:2425',
      address: '192.168.1.40',
      port: 2425,
      nick: 'bob',
      group: 'R&D',
      user: 'bob',
      host: 'bob-laptop',
      client: 'iptux',
      version: '1_iptux 0.8.3',
      encoding: 'utf-8',
      capabilities: { utf8: true, files: false, echo: false, proof: false, dialup: false },
      away: false,
      online: true,
      announced: true,
      lastSeen: Date.UTC(2025, 0, 2, 3, 4, 0),
    },
  ],
  traffic: [{ at: 0, address: '192.168.1.40', port: 2425, mode: 'ANSENTRY', bytes: 120 }],
  echoRuns: [],
  doctor: [],
};

describe('diagnostics bundle', () => {
  it('holds versions, settings, interfaces, peers and recent packets', () => {
    const text = diagnosticsBundle(input);
    expect(text).toContain('version 0.1.0, node v24.0.0, linux x64');
    expect(text).toContain(
      'eth0       192.168.1.23/24  mask 255.255.255.0  brd 192.168.1.255  mtu 1500  announced  listening',
    );
    expect(text).toContain('192.168.1.40:2425  iptux  "1_iptux 0.8.3"  bob [R&D]  bob@bob-laptop');
    expect(text).toContain('last seen 5 s ago');
    expect(text).toContain('ANSENTRY  120 B');
  });

  it('redacts addresses and names, keeping masks and subnet structure', () => {
    const text = diagnosticsBundle(input, { redact: true });
    expect(text).not.toMatch(/192\.168|10\.0\.2|alice|bob/);
    expect(text).toContain('255.255.255.0');
    expect(text).toMatch(/net1\.23\/24/);
    expect(text).toMatch(/net1\.40:2425/);
    expect(text).toMatch(/net2\.0\/24/);
  });

  it('redactText keeps loopback, any and broadcast addresses', () => {
    expect(redactText('127.0.0.1 0.0.0.0 255.255.255.255 8.8.8.8', [])).toBe(
      '127.0.0.1 0.0.0.0 255.255.255.255 net1.8',
    );
    expect(redactText('user bob bobby bob-pc', ['bob'])).toBe('user name-1 bobby bob-pc');
  });
});
