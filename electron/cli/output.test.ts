import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonLine } from './output';
import { rawControls, TERMINAL_ATTACKS } from './testing/terminal-attacks';

describe('jsonLine, the writer of every --json line', () => {
  it.each(TERMINAL_ATTACKS)('%s: escaped, and parses back to the same string', (_n, attack) => {
    const value = { type: 'message', text: attack, from: { nick: attack, group: attack } };
    const line = jsonLine(value);
    expect(line).not.toContain('\n');
    expect(rawControls(line)).toEqual([]);
    expect(JSON.parse(line)).toEqual(value);
  });

  it('escapes what JSON.stringify leaves raw', () => {
    expect(JSON.stringify('\u009b\u202e\u2028\u2029\u007f')).toBe(
      '"\u009b\u202e\u2028\u2029\u007f"',
    );
    expect(jsonLine('\u009b\u202e\u2028\u2029\u007f')).toBe(
      '"\\u009b\\u202e\\u2028\\u2029\\u007f"',
    );
    expect(jsonLine('a\u200bb\ufeff\u{e0041}')).toBe('"a\\u200bb\\ufeff\\udb40\\udc41"');
    expect(jsonLine({ '\u202ekey': 1 })).toBe('{"\\u202ekey":1}');
  });

  it('leaves the rest as JSON.stringify writes it', () => {
    const value = { text: '你好 👍 "quoted" \\ \x1b', n: 1, list: [true, null] };
    expect(jsonLine(value)).toBe(JSON.stringify(value));
    expect(jsonLine(undefined)).toBe('null');
  });

  it('round-trips any string and never writes a raw control', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const line = jsonLine({ s });
        expect(rawControls(line)).toEqual([]);
        expect(line).not.toMatch(/[\u2028\u2029]/);
        expect(JSON.parse(line)).toEqual({ s });
      }),
      { numRuns: 2000 },
    );
  });
});
