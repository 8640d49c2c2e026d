import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseLineBreaks, utf8Bytes } from './bytes';
import { decodeText, encodeText } from './encoding';
import { parseEntryExtra } from './entry';
import { cleanFeiqText } from './feiq';
import { parseAck } from './ack';
import { parseMessageBody, splitForWire } from './message-body';
import { buildDatagram, MAX_HEADER_FIELD, parseDatagram, type WirePacket } from './packet';

/** Property-based tests: malformed input is a value, never an exception; the codec is lossless. */

const CODES = [
  'empty',
  'oversized',
  'too-few-fields',
  'bad-version',
  'bad-packet-no',
  'bad-command',
  'bad-field',
];
const enc = new TextEncoder();

/** Byte strings that look like IPMsg headers often enough to reach every check. */
const headerish = fc
  .array(
    fc.oneof(
      fc.constantFrom(':', '1', '1_iptux 0.8.3', '288', '4294967296', '\0', '', '-', ' '),
      fc.stringMatching(/^[0-9]{0,20}$/),
      fc.uint8Array({ maxLength: 12 }).map((u) => String.fromCharCode(...u)),
    ),
    { maxLength: 16 },
  )
  .map((parts) => Uint8Array.from(parts.join(''), (c) => c.charCodeAt(0) & 0xff));

describe('parseDatagram never throws', () => {
  it('on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const r = parseDatagram(bytes);
        if (!r.ok) expect(CODES).toContain(r.error.code);
      }),
      { numRuns: 2000 },
    );
  });

  it('on header-like byte strings, and what parses is internally consistent', () => {
    fc.assert(
      fc.property(headerish, (bytes) => {
        const r = parseDatagram(bytes);
        if (!r.ok) {
          expect(CODES).toContain(r.error.code);
          return;
        }
        const p = r.value;
        expect(Number.isSafeInteger(p.packetNo) && p.packetNo >= 0).toBe(true);
        expect(Number.isInteger(p.command) && p.command >= 0 && p.command <= 0xffffffff).toBe(true);
        expect(p.user.length).toBeLessThanOrEqual(MAX_HEADER_FIELD);
        expect(p.host.length).toBeLessThanOrEqual(MAX_HEADER_FIELD);
        // Rebuilding normalises numbers ("007" -> "7") but parses back to the same packet.
        const again = parseDatagram(buildDatagram(p));
        expect(again.ok && again.value).toEqual(p);
      }),
      { numRuns: 3000 },
    );
  });
});

/** Bytes without ':' (user, host). */
const field = fc
  .uint8Array({ maxLength: MAX_HEADER_FIELD })
  .map((u) => u.filter((b) => b !== 0x3a));
const packet: fc.Arbitrary<WirePacket> = fc.record({
  // Leading integer 1, then anything that is not a digit or ':' (Latin-1).
  version: fc
    .string({
      unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
      maxLength: 40,
    })
    .map((s) => '1' + s.replace(/[:0-9]/g, '_')),
  packetNo: fc.oneof(fc.integer({ min: 0, max: 0x7fffffff }), fc.constant(Number.MAX_SAFE_INTEGER)),
  user: field,
  host: field,
  command: fc.integer({ min: 0, max: 0xffffffff }),
  extra: fc.uint8Array({ maxLength: 2000 }),
});

describe('build -> parse is the identity', () => {
  it('for arbitrary valid packets (any bytes in the extra, colons and NULs included)', () => {
    fc.assert(
      fc.property(packet, (p) => {
        const r = parseDatagram(buildDatagram(p));
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.version).toBe(p.version);
        expect(r.value.packetNo).toBe(p.packetNo);
        expect(r.value.command).toBe(p.command);
        expect(Array.from(r.value.user)).toEqual(Array.from(p.user));
        expect(Array.from(r.value.host)).toEqual(Array.from(p.host));
        expect(Array.from(r.value.extra)).toEqual(Array.from(p.extra));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('the body parsers never throw', () => {
  it('parseMessageBody and parseEntryExtra on arbitrary bytes, in every encoding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const body = parseMessageBody(bytes);
        if (body.part) expect(body.part.index).toBeLessThan(body.part.count);
        if (body.nonce !== undefined) expect(body.nonce).toMatch(/^[0-9a-f]{32}$/);
        const ack = parseAck(bytes);
        expect(ack.packetNo).toBeGreaterThanOrEqual(-1);
        if (ack.proof !== undefined) expect(ack.proof.length).toBeLessThanOrEqual(64);
        for (const e of ['utf-8', 'gbk', 'gb18030', 'cp932'] as const) {
          parseEntryExtra(bytes, e);
          const d = decodeText(bytes, e);
          if (d.ok && e === 'utf-8')
            expect(Array.from(enc.encode(d.text))).toEqual(Array.from(bytes));
        }
      }),
      { numRuns: 800 },
    );
  });

  it('cleanFeiqText and normaliseLineBreaks on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        cleanFeiqText(s);
        expect(normaliseLineBreaks(s)).not.toContain('\r');
      }),
    );
  });
});

/** Text rich in what splitting gets wrong: line breaks, CJK, astral characters. */
const chatText = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom('\n', '你', '好', '鸽', 'é', '😀', '𠀋', 'ｶ', ' ', 'a'),
    },
  ),
  maxLength: 400,
});

describe('splitForWire + decode gives the text back', () => {
  for (const encoding of ['utf-8', 'gb18030'] as const) {
    it(`in ${encoding}, every piece within budget and decodable on its own`, () => {
      fc.assert(
        fc.property(chatText, fc.integer({ min: 8, max: 300 }), (text, max) => {
          const r = splitForWire(text, encoding, max);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          const parts = r.pieces.map((p) => {
            expect(p.length).toBeLessThanOrEqual(max);
            const d = decodeText(p, encoding);
            expect(d.ok).toBe(true);
            return d.ok ? d.text : '';
          });
          expect(parts.join('')).toBe(text);
        }),
        { numRuns: 700 },
      );
    });
  }

  for (const encoding of ['gbk', 'cp932'] as const) {
    it(`in ${encoding}: reconstructs what the encoding can represent, refuses the rest`, () => {
      fc.assert(
        fc.property(chatText, fc.integer({ min: 8, max: 300 }), (text, max) => {
          const whole = encodeText(text, encoding);
          const r = splitForWire(text, encoding, max);
          expect(r.ok).toBe(whole.ok);
          if (!r.ok) return;
          const parts = r.pieces.map((p) => {
            expect(p.length).toBeLessThanOrEqual(max);
            const d = decodeText(p, encoding);
            return d.ok ? d.text : '\u0000invalid';
          });
          expect(parts.join('')).toBe(text);
        }),
        { numRuns: 400 },
      );
    });
  }
});

describe('utf8Bytes, the hand-written short-string encoder', () => {
  it('gives exactly what TextEncoder gives, lone surrogates included', () => {
    const reference = new TextEncoder();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          fc.string({ maxLength: 300 }),
        ),
        (text) => {
          expect(Array.from(utf8Bytes(text))).toEqual(Array.from(reference.encode(text)));
        },
      ),
      { numRuns: 2000 },
    );
    for (const lone of ['\ud800', 'a\udc00b', '\udbff\ud800', '😀\ud83d']) {
      expect(Array.from(utf8Bytes(lone))).toEqual(Array.from(reference.encode(lone)));
    }
  });
});
