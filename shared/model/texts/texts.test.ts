import { describe, expect, it } from 'vitest';
import {
  OUTCOME_CODES,
  SHELL_TEXTS,
  TEXT_FAMILIES,
  outcomeText,
  outcomeTexts,
  shellText,
} from './index';

const params = {
  address: '10.0.2.7',
  port: 2425,
  subnet: '10.0.2.0/24',
  error: 'ENETUNREACH',
  loss: 35,
  rtt: 0.4,
  iface: 'tun0',
  expected: 'eth0',
  peer: '小王 (10.0.2.7)',
  attempts: 5,
  seconds: 5,
  encoding: 'GBK',
  character: '"✓"',
  codepoint: 'U+2713',
  to: '"nobody"',
  proto: 'UDP',
  bind: '10.9.9.9',
  problems: 'nick is empty',
  forged: 63,
  acks: 5,
  file: '/home/u/.pigeon/packet-counter.json',
  aside: '/home/u/.pigeon/transfers.json.broken-1',
  needed: 1048576,
  budget: 1024,
  reason: '".." would leave the folder',
  limit: 4096,
  program: 'iptux',
  pid: 4242,
  version: 3,
  ours: 1,
  keys: 'port, theme',
  days: 7,
  nick: '阿明',
  user: 'ming',
  host: 'ming-pc',
  count: 3,
  problem: 'nick-empty',
  max: 64,
  min: 1,
  value: '"x y"',
  bits: 40,
  mode: '"udp"',
};

describe('the outcome catalogue', () => {
  it('every code has an English and a Chinese sentence with every placeholder filled', () => {
    expect(OUTCOME_CODES.length).toBeGreaterThanOrEqual(16 + 7 + 2 + 3 + 4);
    for (const code of OUTCOME_CODES) {
      const t = outcomeTexts({ code, params });
      expect(t.en, code).not.toMatch(/\{\w+\}/);
      expect(t['zh-CN'], code).not.toMatch(/\{\w+\}/);
      expect(t['zh-CN'], code).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('no code is defined in two families (a spread would silently keep one)', () => {
    const seen = new Map<string, string>();
    for (const [family, texts] of Object.entries(TEXT_FAMILIES)) {
      for (const code of Object.keys(texts)) {
        expect(seen.get(code), `${code} in ${family}`).toBeUndefined();
        seen.set(code, family);
      }
    }
  });

  it('names the subnet and the fix', () => {
    expect(outcomeText({ code: 'different-subnet', params }, 'en')).toBe(
      '10.0.2.7 is on a different subnet (10.0.2.0/24), so broadcasts do not reach it, although it answers directly: add 10.0.2.0/24 to the unicast hosts?',
    );
    expect(outcomeText({ code: 'their-inbound-blocked', params }, 'en')).toContain(
      'its firewall drops inbound UDP 2425',
    );
    expect(outcomeText({ code: 'port-in-use', params }, 'en')).toContain(
      'Port 2425 is used by another program',
    );
    expect(outcomeText({ code: 'different-subnet', params }, 'zh-CN')).toContain('10.0.2.0/24');
  });

  it('says which character an encoding lacks, in both languages', () => {
    expect(outcomeText({ code: 'encoding', params }, 'en')).toBe(
      '小王 (10.0.2.7)\'s encoding (GBK) cannot carry "✓" (U+2713)',
    );
    expect(outcomeText({ code: 'encoding', params }, 'zh-CN')).toContain('U+2713');
  });

  it('says why a message waits in the outbox, and that a non-Pigeon may see it twice', () => {
    expect(outcomeText({ code: 'outbox-offline', params }, 'en')).toContain('up to 7 days');
    expect(outcomeText({ code: 'outbox-no-ack', params }, 'en')).toContain('see it once');
    expect(outcomeText({ code: 'outbox-no-ack-legacy', params }, 'en')).toContain('twice');
    expect(outcomeText({ code: 'outbox-no-ack-legacy', params }, 'zh-CN')).toContain('两次');
    expect(outcomeText({ code: 'expired', params }, 'zh-CN')).toContain('7 天');
  });

  it('says why an acknowledged message is only unconfirmed', () => {
    expect(outcomeText({ code: 'forged-acks', params }, 'en')).toContain(
      '63 acknowledgements for messages never sent to 小王 (10.0.2.7)',
    );
    expect(outcomeText({ code: 'no-proof', params }, 'zh-CN')).toContain('5 个确认');
  });

  it('says what is wrong with a request or a setting, and a start error names the first', () => {
    expect(outcomeText({ code: 'port-invalid', params: { value: 70000 } }, 'en')).toBe(
      'port 70000 is not between 1 and 65535',
    );
    expect(outcomeText({ code: 'port-invalid', params: { value: 70000 } }, 'zh-CN')).toBe(
      '端口 70000 不在 1 到 65535 之间',
    );
    const start = {
      code: 'invalid-settings',
      params: { problem: 'nick-too-long', max: 64, count: 2 },
    } as const;
    expect(outcomeText(start, 'en')).toBe(
      'The settings are not valid: nick is longer than 64 characters',
    );
    expect(outcomeText(start, 'zh-CN')).toBe('设置无效：昵称超过了 64 个字符');
    // A `problem` that is no code is shown as it is, never looked up as something else.
    expect(outcomeText({ code: 'invalid-settings', params: { problem: 'toString' } }, 'en')).toBe(
      'The settings are not valid: toString',
    );
  });

  it('leaves a missing value visible', () => {
    expect(outcomeText({ code: 'silent', params: {} }, 'en')).toContain('{address}');
  });
});

describe("the shell's texts", () => {
  it('have both languages with the same placeholders, and fill them', () => {
    const names = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, t] of Object.entries(SHELL_TEXTS)) {
      expect(names(t['zh-CN']), key).toEqual(names(t.en));
      // Two are words-free: the app's name, and a join with Chinese punctuation.
      if (key === 'tray.tooltip') continue;
      if (key === 'notify.files-and-text') expect(t['zh-CN']).toBe('{files}：{text}');
      else expect(t['zh-CN'], key).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(shellText('status.online', 'zh-CN', { nick: '小王', count: 3 })).toBe(
      '在线：小王 · 3 人在线',
    );
    expect(shellText('tray.open-unread', 'en', { count: 2 })).toBe('Open Pigeon (2)');
  });
});
