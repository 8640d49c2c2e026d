import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_MARKS,
  fallbackEmojiPattern,
  forEachHidden,
  hiddenCharName,
  isHiddenChar,
  markText,
  peerLabel,
  replaceHidden,
  revealHidden,
  revealPlain,
  withoutHidden,
  type HiddenMode,
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

  it('takes tags after a black flag only when they spell a subdivision', () => {
    const tags = (ascii: string) =>
      [...ascii].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
    const found = (s: string) => [...s.matchAll(fallbackEmojiPattern())].map((m) => m[0]);
    expect(found(`\u{1f3f4}${tags('usca')}\u{e007f}`)).toEqual([
      `\u{1f3f4}${tags('usca')}\u{e007f}`,
    ]);
    // A smuggled sentence after a black flag is not a flag.
    expect(found(`\u{1f3f4}${tags('ignore all that')}\u{e007f}`)).toEqual(['\u{1f3f4}']);
    expect(found(`\u{1f3f4}${tags('A')}`)).toEqual(['\u{1f3f4}']);
  });
});

// What the CLI and the engine decided by (shared/model/unsafe-characters.ts before the two rules
// became this one): its tests, in the mode that now serves them.
describe('hidden characters on a terminal', () => {
  const mark = (s: string) => replaceHidden(s, 'terminal', (cp) => `<${cp.toString(16)}>`);

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
    // Kept in names, where shaping draws their sign; a terminal draws them in zero columns.
    ['prepended concatenation marks', '\u0600\u06dd1', '<600><6dd>1'],
  ])('%s are hidden', (_name, text, marked) => {
    expect(mark(text)).toBe(marked);
  });

  it('what emoji are built with is not', () => {
    for (const emoji of ['👨‍👩‍👧', '❤️', '1️⃣', '👍🏽', '🏳️‍🌈', '🏴󠁧󠁢󠁳󠁣󠁴󠁿']) {
      expect(mark(emoji)).toBe(emoji);
    }
  });

  it('but a joiner, tags or a variation selector outside an emoji are', () => {
    expect(mark('a\u200db')).toBe('a<200d>b');
    expect(mark('👍\u200d')).toBe('👍<200d>');
    expect(mark('a\u{e0041}\u{e0042}')).toBe('a<e0041><e0042>');
    // Changed: the tags after a black flag were kept when they spelled no flag.
    expect(mark('🏴\u{e0041} \u{e0042}')).toBe('🏴<e0041> <e0042>');
    // Changed: an ideographic variation sequence was kept; it is kept in message text only.
    expect(mark('葛\u{e0100}')).toBe('葛<e0100>');
    expect(revealHidden('葛\u{e0100}', 'text')).toEqual([text('葛\u{e0100}')]);
  });

  it('leaves text without them as the same string', () => {
    const plain = '你好, world! こんにちは 👍';
    expect(replaceHidden(plain, 'terminal', () => 'x')).toBe(plain);
  });
});

describe('names stripped on arrival', () => {
  it('lose what would act or hide, and keep emoji whole', () => {
    expect(withoutHidden('mal\u202elory\x1b[2J\n')).toBe('mallory[2J');
    expect(withoutHidden('小王 👨‍👩‍👧')).toBe('小王 👨‍👩‍👧');
    expect(withoutHidden('a\ud800b')).toBe('ab');
  });

  it('lose a variation selector that makes a second name look like the first', () => {
    expect(withoutHidden('bob\ufe0f')).toBe('bob');
    expect(withoutHidden('bob\u2764\ufe0f')).toBe('bob\u2764\ufe0f');
  });

  it('are the same string when there is nothing to strip', () => {
    const name = 'Cecilia 陈 \u0600';
    expect(withoutHidden(name)).toBe(name);
  });

  it('are stripped without a cap, unlike the marks', () => {
    const many = 'x\u202e'.repeat(MAX_MARKS + 50);
    expect(withoutHidden(many)).toBe('x'.repeat(MAX_MARKS + 50));
  });
});

const MODES: HiddenMode[] = ['text', 'name', 'terminal'];

function hiddenAt(s: string, mode: HiddenMode): number[] {
  const at: number[] = [];
  forEachHidden(s, mode, (i) => at.push(i));
  return at;
}

const FAMILY = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
const SCOTLAND = '\u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}';
const WHOLE_EMOJI = [FAMILY, SCOTLAND, '\u2764\ufe0f', '1\ufe0f\u20e3', '\u{1f44d}\u{1f3fd}'];
/** Single characters near the edges of the rule, and whole emoji as units. */
const tricky = fc.constantFrom(
  ...['a', ' ', '陈', 'ب', '1', '\t', '\n', '\r', '\v', '\x00', '\x1b', '\x7f', '\u0085'],
  ...['\u009b', '\u00ad', '\u0600', '\u061c', '\u200b', '\u200c', '\u200d', '\u200e'],
  ...['\u2028', '\u2029', '\u202e', '\u2066', '\u2069', '\u3164', '\ufe0e', '\ufe0f'],
  ...['\ufeff', '\ud800', '\udc00', '\u20e3', '\u2764', '\u{1f468}', '\u{1f3fd}', '\u{1f3f4}'],
  ...['\u{e0041}', '\u{e0067}', '\u{e0062}', '\u{e007f}', '\u{e0100}'],
  ...WHOLE_EMOJI,
);
const peerStrings = fc.oneof(
  fc.string({ unit: tricky, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

describe('the three modes agree', () => {
  it('each flags everything the one before it flags, for any string', () => {
    fc.assert(
      fc.property(peerStrings, (s) => {
        const [inText, inName, onTerminal] = MODES.map((m) => new Set(hiddenAt(s, m)));
        for (const i of inText ?? []) expect(inName?.has(i)).toBe(true);
        for (const i of inName ?? []) expect(onTerminal?.has(i)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('a terminal gets no raw control, line break, separator or lone surrogate', () => {
    // eslint-disable-next-line no-control-regex -- the controls are what this looks for
    const mustGo = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\p{Cs}/u;
    fc.assert(
      fc.property(peerStrings, (s) => {
        const at = new Set(hiddenAt(s, 'terminal'));
        let i = 0;
        for (const ch of s) {
          if (mustGo.test(ch)) expect([ch, at.has(i)]).toEqual([ch, true]);
          i += ch.length;
        }
        expect(replaceHidden(s, 'terminal', () => '')).not.toMatch(mustGo);
      }),
      { numRuns: 3000 },
    );
  });

  it('never flag a part of a whole emoji, in any mode', () => {
    const around = fc.string({ unit: tricky, maxLength: 6 });
    fc.assert(
      fc.property(around, fc.constantFrom(...WHOLE_EMOJI), around, (before, emoji, after) => {
        // A joiner or a tag next to an emoji could make a longer one; a space keeps it apart.
        const s = `${before} ${emoji} ${after}`;
        const start = before.length + 1;
        for (const mode of MODES) {
          for (const i of hiddenAt(s, mode)) {
            expect([mode, i >= start && i < start + emoji.length]).toEqual([mode, false]);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('agree for every single code point, and tab and line breaks are text', () => {
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const ch = String.fromCodePoint(cp);
      const [inText, inName, onTerminal] = MODES.map((m) => isHiddenChar(ch, m));
      if ((inText && !inName) || (inName && !onTerminal)) {
        expect.fail(`U+${cp.toString(16)}: text ${inText}, name ${inName}, terminal ${onTerminal}`);
      }
    }
    for (const ch of '\t\n\r') {
      expect(MODES.map((m) => isHiddenChar(ch, m))).toEqual([false, true, true]);
    }
  });
});
