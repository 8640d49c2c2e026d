import { describe, expect, it } from 'vitest';
import { VERDICT_CODES, verdictText, verdictTexts } from './verdict-text';

const params = {
  address: '10.0.2.7',
  port: 2425,
  subnet: '10.0.2.0/24',
  error: 'ENETUNREACH',
  loss: 35,
  rtt: 0.4,
  iface: 'tun0',
  expected: 'eth0',
};

describe('verdict sentences', () => {
  it('every code has an English and a Chinese sentence with every placeholder filled', () => {
    expect(VERDICT_CODES.length).toBe(16);
    for (const code of VERDICT_CODES) {
      const t = verdictTexts(code, params);
      expect(t.en, code).not.toMatch(/\{\w+\}/);
      expect(t['zh-CN'], code).not.toMatch(/\{\w+\}/);
      expect(t['zh-CN'], code).toMatch(/[\u4e00-\u9fff]/);
      expect(t.en, code).toMatch(/^[{A-Z0-9]|^Port|^There|^Chat|^Packets/);
    }
  });

  it('names the subnet and the fix', () => {
    expect(verdictText('different-subnet', params, 'en')).toBe(
      '10.0.2.7 is on a different subnet (10.0.2.0/24), so broadcasts do not reach it, although it answers directly: add 10.0.2.0/24 to the unicast hosts?',
    );
    expect(verdictText('their-inbound-blocked', params, 'en')).toContain(
      'its firewall drops inbound UDP 2425',
    );
    expect(verdictText('port-in-use', params, 'en')).toContain(
      'Port 2425 is used by another program',
    );
    expect(verdictText('different-subnet', params, 'zh-CN')).toContain('10.0.2.0/24');
  });

  it('leaves a missing value visible', () => {
    expect(verdictText('silent', {}, 'en')).toContain('{address}');
  });
});
