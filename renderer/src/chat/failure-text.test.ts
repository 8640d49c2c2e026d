import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { failureText } from './delivery-status';

/** A tiny `t` over one resource tree, with {{name}} interpolation, as i18next does it. */
function tFor(resources: unknown) {
  return (key: string, options: Record<string, string> = {}) => {
    const value = key
      .split('.')
      .reduce<unknown>(
        (node, part) => (node as Record<string, unknown> | undefined)?.[part],
        resources,
      );
    if (typeof value !== 'string') throw new Error(`missing ${key}`);
    return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => options[name] ?? '');
  };
}

describe('failure reasons in the UI language', () => {
  const noAck =
    'no acknowledgement from Bea (198.18.0.11) after 5 attempts in 5 s: they may be offline, or a firewall drops UDP 2425';
  const encoding = 'cannot write to 飞秋用户 in GBK: GBK cannot represent "😀" (U+1F600)';

  it('names the missing character for an encoding failure, in both languages', () => {
    expect(failureText(tFor(en), 'encoding', encoding)).toBe(
      'their encoding (GBK) cannot carry "😀" (U+1F600)',
    );
    expect(failureText(tFor(zhCN), 'encoding', encoding)).toBe(
      '对方的编码（GBK）无法表示 "😀" (U+1F600)',
    );
  });

  it('has a sentence for every failure code, never the English reason in the Chinese UI', () => {
    const zh = tFor(zhCN);
    expect(failureText(zh, 'no-ack', noAck)).toMatch(/^尝试 5 次均未收到确认/);
    for (const code of [
      'no-ack',
      'encoding',
      'send-error',
      'stopped',
      'unknown-peer',
      'invalid',
    ] as const) {
      expect(failureText(zh, code, 'x: detail')).not.toMatch(/acknowledgement|cannot/);
      expect(failureText(tFor(en), code, 'x: detail').length).toBeGreaterThan(5);
    }
    expect(failureText(zh, 'send-error', 'could not send to Bea: EPERM')).toBe(
      '网络拒绝发送（EPERM）',
    );
  });
});
