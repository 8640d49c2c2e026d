import { describe, expect, it } from 'vitest';
import { replaceUnsafeCharacters, stripUnsafeCharacters } from './unsafe-characters';

const mark = (s: string) => replaceUnsafeCharacters(s, (cp) => `<${cp.toString(16)}>`);

describe('unsafe characters', () => {
  it.each([
    ['C0 and DEL', 'a\x00b\x1bc\x7fd\te\nf\rg', 'a<0>b<1b>c<7f>d<9>e<a>f<d>g'],
    ['C1', 'a\u0085b\u009bc', 'a<85>b<9b>c'],
    ['separators', 'a\u2028b\u2029c', 'a<2028>b<2029>c'],
    [
      'bidi controls',
      '\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069',
      '<61c><200e><200f><202a><202b><202c><202d><202e><2066><2067><2068><2069>',
    ],
    [
      'invisible formats',
      'a\u00adb\u200bc\u2060d\ufeffe\u3164f\u{e0001}',
      'a<ad>b<200b>c<2060>d<feff>e<3164>f<e0001>',
    ],
    ['a lone surrogate', 'a\ud800b', 'a<d800>b'],
  ])('%s are unsafe', (_name, text, marked) => {
    expect(mark(text)).toBe(marked);
  });

  it('what emoji are built with is not', () => {
    for (const emoji of ['👨‍👩‍👧', '❤️', '1️⃣', '👍🏽', '🏳️‍🌈', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '葛󠄀']) {
      expect(mark(emoji)).toBe(emoji);
    }
  });

  it('but a joiner or tags outside an emoji are', () => {
    expect(mark('a\u200db')).toBe('a<200d>b');
    expect(mark('👍\u200d')).toBe('👍<200d>');
    expect(mark('a\u{e0041}\u{e0042}')).toBe('a<e0041><e0042>');
    expect(mark('🏴\u{e0041} \u{e0042}')).toBe('🏴\u{e0041} <e0042>');
  });

  it('leaves text without them as the same string', () => {
    const text = '你好, world! こんにちは 👍';
    expect(replaceUnsafeCharacters(text, () => 'x')).toBe(text);
  });

  it('stripUnsafeCharacters removes them', () => {
    expect(stripUnsafeCharacters('mal\u202elory\x1b[2J\n')).toBe('mallory[2J');
    expect(stripUnsafeCharacters('小王 👨‍👩‍👧')).toBe('小王 👨‍👩‍👧');
  });
});
