import { describe, expect, it } from 'vitest';
import { encodeText } from './encoding';
import { canEncode } from './repertoire';

describe('canEncode', () => {
  it.each(['gbk', 'cp932'] as const)(
    'agrees with a strict %s round trip for every BMP code point',
    (codePage) => {
      const disagree: string[] = [];
      for (let cp = 0; cp <= 0xffff; cp++) {
        if (cp >= 0xd800 && cp <= 0xdfff) continue;
        if (canEncode(cp, codePage) !== encodeText(String.fromCharCode(cp), codePage).ok) {
          disagree.push(cp.toString(16));
        }
      }
      expect(disagree).toEqual([]);
    },
  );

  it('knows the characters the rule turns on', () => {
    const can = (c: string, page: 'gbk' | 'cp932') => canEncode(c.codePointAt(0) ?? 0, page);
    expect(can('谢', 'gbk') && can('л', 'gbk') && can('★', 'gbk')).toBe(true);
    expect(can('✓', 'gbk') || can('һ', 'gbk') || can('👍', 'gbk')).toBe(false);
    expect(can('会', 'cp932') && can('ｶ', 'cp932')).toBe(true);
    expect(can('✓', 'cp932') || can('谢', 'cp932')).toBe(false);
  });
});
