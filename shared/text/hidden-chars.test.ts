import { describe, expect, it } from 'vitest';
import {
  MAX_MARKS,
  fallbackEmojiPattern,
  hiddenCharName,
  isHiddenChar,
  markText,
  peerLabel,
  revealHidden,
  revealPlain,
  withoutHidden,
} from './hidden-chars';

const hidden = (codePoint: number, count = 1) => ({ kind: 'hidden', codePoint, count });
const text = (t: string) => ({ kind: 'text', text: t });

describe('hidden characters in names', () => {
  it('marks a zero-width space, so bo\u200Bb never passes for bob', () => {
    expect(revealHidden('bo\u200bb', 'name')).toEqual([text('bo'), hidden(0x200b), text('b')]);
    expect(revealPlain('bo\u200bb', 'name')).toBe('bo⟨U+200B⟩b');
    expect(revealPlain('bo\u200bb', 'name')).not.toBe(revealPlain('bob', 'name'));
  });

  it('replaces bidi controls, so they no longer reorder anything', () => {
    const parts = revealHidden('\u202egnp.exe\u202c', 'name');
    expect(parts).toEqual([hidden(0x202e), text('gnp.exe'), hidden(0x202c)]);
    expect(revealPlain('\u202egnp.exe', 'name')).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    for (const c of '\u061c\u200e\u200f\u202a\u202b\u202d\u2066\u2067\u2068\u2069') {
      expect(isHiddenChar(c, 'name')).toBe(true);
    }
  });

  it('marks controls, format characters, tags, fillers and variation selectors', () => {
    const cases = [
      '\u0000', // NUL
      '\t',
      '\n',
      '\u001b', // ESC
      '\u007f', // DEL
      '\u0085', // NEL (C1)
      '\u00ad', // soft hyphen
      '\u034f', // combining grapheme joiner
      '\u115f', // Hangul choseong filler
      '\u180e', // Mongolian vowel separator
      '\u200c', // ZWNJ
      '\u200d', // ZWJ (outside an emoji)
      '\u2028', // line separator
      '\u2060', // word joiner
      '\u2062', // invisible times
      '\u3164', // Hangul filler: the classic "blank" nick
      '\ufe00', // VS1
      '\ufe0f', // VS16 (outside an emoji)
      '\ufeff', // BOM
      '\u{e0041}', // TAG LATIN CAPITAL LETTER A
      '\u{e0100}', // VS17
      '\u{1d173}', // musical symbol begin beam
    ];
    for (const c of cases) expect([c, isHiddenChar(c, 'name')]).toEqual([c, true]);
  });

  it('leaves letters, spaces, punctuation and visible format signs alone', () => {
    for (const c of ['a', ' ', '\u00a0', '\u3000', '陈', 'ب', 'א', 'é', '·', '\u0600', '\u06dd']) {
      expect([c, isHiddenChar(c, 'name')]).toEqual([c, false]);
    }
    const names = ['Bea', '阿明（新）', 'iptux用户', 'Zoë', 'مريم', 'Cecilia 陈', 'a\u0301'];
    for (const n of names) expect(revealHidden(n, 'name')).toEqual([text(n)]);
    expect(revealHidden('', 'name')).toEqual([]);
  });

  it('keeps whole emoji, ZWJ sequences, VS16 and tag flags included, and nothing else', () => {
    const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
    const heart = '\u2764\ufe0f';
    const scotland = '\u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}';
    const keycap = '1\ufe0f\u20e3';
    const thumb = '\u{1f44d}\u{1f3fd}';
    for (const e of [family, heart, scotland, keycap, thumb]) {
      expect(revealHidden(`x${e}y`, 'name')).toEqual([text(`x${e}y`)]);
    }
    // A joiner that joins nothing, after an emoji or before a letter, is marked.
    expect(revealHidden('\u{1f468}\u200db', 'name')).toEqual([
      text('\u{1f468}'),
      hidden(0x200d),
      text('b'),
    ]);
    // VS16 after a letter is not an emoji.
    expect(revealHidden('bob\ufe0f', 'name')).toEqual([text('bob'), hidden(0xfe0f)]);
    // Tag characters smuggled after an ordinary letter.
    expect(revealHidden('a\u{e0068}\u{e0069}', 'name')).toEqual([
      text('a'),
      hidden(0xe0068),
      hidden(0xe0069),
    ]);
  });

  it('counts repeats in one mark, and caps the marks of a hostile string', () => {
    expect(revealHidden('a\u200b\u200b\u200bb', 'name')).toEqual([
      text('a'),
      hidden(0x200b, 3),
      text('b'),
    ]);
    expect(markText({ codePoint: 0x200b, count: 3 })).toBe('U+200B ×3');
    expect(revealPlain('\u200b'.repeat(50_000), 'name')).toBe('⟨U+200B ×50000⟩');
    const many = 'x\u202e'.repeat(MAX_MARKS + 50);
    const parts = revealHidden(many, 'name');
    expect(parts.filter((p) => p.kind === 'hidden')).toHaveLength(MAX_MARKS);
    const rest = parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
    expect(rest).not.toContain('\u202e');
    expect(rest.match(/\ufffd/g)).toHaveLength(50);
  });

  it('names the usual suspects', () => {
    expect(hiddenCharName(0x202e)).toBe('RLO');
    expect(hiddenCharName(0x200b)).toBe('ZWSP');
    expect(hiddenCharName(0xfe0f)).toBe('VS16');
    expect(hiddenCharName(0xe0101)).toBe('VS18');
    expect(hiddenCharName(0xe0041)).toBe('TAG');
    expect(hiddenCharName(0x2062)).toBeUndefined();
  });

  it('gives labels for attributes that are isolated and carry no live control', () => {
    expect(peerLabel('\u202egnp.exe')).toBe('\u2068⟨U+202E⟩gnp.exe\u2069');
    expect(peerLabel('Bea')).toBe('\u2068Bea\u2069');
    expect(peerLabel('')).toBe('');
  });

  it('drops hidden characters for an initial, and keeps emoji whole', () => {
    expect(withoutHidden('\u200b\u202ebob')).toBe('bob');
    const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
    expect(withoutHidden(family)).toBe(family);
    // Not an RGI sequence (it draws as two pictures), so its joiner counts as hidden.
    expect(withoutHidden('\u{1f468}\u200d\u{1f469}')).toBe('\u{1f468}\u{1f469}');
  });
});

describe('hidden characters in message text', () => {
  it('keeps emoji ZWJ sequences, zero-width spaces, joiners and LRM/RLM working', () => {
    const samples = [
      'family \u{1f468}\u200d\u{1f469}\u200d\u{1f467} and \u{1f3f3}\ufe0f\u200d\u{1f308}',
      'ภาษา\u200bไทย', // Thai: a zero-width space is a line-break opportunity
      'می\u200cخواهم', // Persian: ZWNJ keeps a word's letters apart
      'क्\u200dष', // Devanagari half form
      'abc \u200fאבג\u200e 123',
      '葛\u{e0100}', // an ideographic variation sequence
      'line one\nline two\tand a tab\r\n',
      'soft\u00adhyphen',
    ];
    for (const s of samples) expect(revealHidden(s, 'text')).toEqual([text(s)]);
  });

  it('replaces explicit bidi embeddings, overrides and isolates', () => {
    expect(revealPlain('invoice\u202efdp.exe', 'text')).toBe('invoice⟨U+202E⟩fdp.exe');
    for (const c of '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069') {
      expect(isHiddenChar(c, 'text')).toBe(true);
    }
  });

  it('replaces controls other than tab and line breaks, and smuggled tag characters', () => {
    expect(revealPlain('a\u0007b\u001bc\u0085d', 'text')).toBe('a⟨U+0007⟩b⟨U+001B⟩c⟨U+0085⟩d');
    expect(revealPlain('hi\u{e0069}\u{e0067}', 'text')).toBe('hi⟨U+E0069⟩⟨U+E0067⟩');
    const scotland = '\u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}';
    expect(revealHidden(scotland, 'text')).toEqual([text(scotland)]);
  });

  it('answers a large ordinary message in one piece', () => {
    const big = '你好，world! '.repeat(50_000);
    expect(revealHidden(big, 'text')).toEqual([text(big)]);
  });
});

describe('the emoji shape for engines without RGI_Emoji', () => {
  it('finds the same sequences in the cases above', () => {
    const samples = [
      '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}',
      '\u2764\ufe0f',
      '\u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}',
      '1\ufe0f\u20e3',
      '\u{1f44d}\u{1f3fd}',
    ];
    for (const s of samples) {
      expect([...`x${s}y`.matchAll(fallbackEmojiPattern())].map((m) => m[0])).toEqual([s]);
    }
    expect([...'\u{1f468}\u200db'.matchAll(fallbackEmojiPattern())].map((m) => m[0])).toEqual([
      '\u{1f468}',
    ]);
  });
});
