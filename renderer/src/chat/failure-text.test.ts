import { describe, expect, it } from 'vitest';
import { failureText } from './delivery-status';

describe('failure reasons in the UI language', () => {
  const encoding = {
    code: 'encoding',
    params: { peer: '飞秋用户 (198.18.0.12)', encoding: 'GBK', character: '"😀"', codepoint: 'U+1F600' },
  } as const;
  const noAck = {
    code: 'no-ack',
    params: { peer: 'Bea (198.18.0.11)', attempts: 5, seconds: 5, port: 2425 },
  } as const;

  it('names the missing character for an encoding failure, in both languages', () => {
    expect(failureText(encoding, 'en')).toBe(
      '飞秋用户 (198.18.0.12)\'s encoding (GBK) cannot carry "😀" (U+1F600)',
    );
    expect(failureText(encoding, 'zh-CN')).toBe(
      '飞秋用户 (198.18.0.12) 使用的编码（GBK）无法表示 "😀"（U+1F600）',
    );
  });

  it('never shows the English sentence in the Chinese UI', () => {
    expect(failureText(noAck, 'zh-CN')).toMatch(/尝试 5 次均无确认/);
    for (const code of [
      'no-ack',
      'encoding',
      'send-error',
      'stopped',
      'engine-not-running',
      'text-has-nul',
      'bad-recipient',
    ] as const) {
      const text = failureText({ code, params: { ...noAck.params, error: 'EPERM', to: '"x"' } }, 'zh-CN');
      expect(text).not.toMatch(/acknowledgement|cannot|refused/);
      expect(text).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(failureText({ code: 'send-error', params: { peer: 'Bea', error: 'EPERM' } }, 'en')).toBe(
      'the network refused to send it to Bea (EPERM)',
    );
  });

  it('follows the UI language, English for anything else', () => {
    expect(failureText({ code: 'stopped', params: {} }, 'fr')).toBe(
      'Pigeon stopped before it was acknowledged',
    );
  });
});
