import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BatchRow } from './batch-write';
import { decodeRows, encodeRow, maxFrameSize } from './row-codec';

const text = fc.string({ unit: 'binary', maxLength: 300 });
const rowArb: fc.Arbitrary<BatchRow> = fc.record({
  id: text,
  peerId: text,
  direction: fc.constantFrom('in' as const, 'out' as const),
  text: fc.string({ unit: 'grapheme', maxLength: 2000 }),
  at: fc.double({ noNaN: true, noDefaultInfinity: true }),
  broadcast: fc.constantFrom(0 as const, 1 as const),
  delivery: fc.option(text, { nil: null }),
  extra: fc.option(text, { nil: null }),
  bytes: fc.nat(),
  packetNo: fc.option(fc.integer({ min: -1, max: 2 ** 40 }), { nil: null }),
  hash: fc.option(fc.nat({ max: 2 ** 32 - 1 }), { nil: null }),
});

/** Frames of the rows, end to end, as a batch or a journal segment holds them. */
function framesOf(rows: BatchRow[], checked: boolean): Buffer {
  const buf = Buffer.alloc(rows.reduce((n, r) => n + maxFrameSize(r), 0));
  let at = 0;
  for (const r of rows) at += encodeRow(r, buf, at, checked);
  return buf.subarray(0, at);
}

/** The string as UTF-8 holds it: a lone surrogate becomes U+FFFD. */
const wellFormed = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

/** A key is a pair: one half alone is not kept. */
const keyed = (r: BatchRow): BatchRow =>
  r.packetNo === null || r.hash === null ? { ...r, packetNo: null, hash: null } : r;

describe('row frames', () => {
  it('decode to the rows encoded, lone surrogates aside (UTF-8 cannot hold them)', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 8 }), fc.boolean(), (rows, checked) => {
        const utf8 = rows.map((r) => ({
          ...keyed(r),
          id: wellFormed(r.id),
          peerId: wellFormed(r.peerId),
          text: wellFormed(r.text),
          delivery: r.delivery === null ? null : wellFormed(r.delivery),
          extra: r.extra === null ? null : wellFormed(r.extra),
        }));
        const bytes = framesOf(utf8, checked);
        expect(decodeRows(bytes, checked)).toEqual({ rows: utf8, end: bytes.length });
      }),
    );
  });

  it('stop at a cut or a changed byte when checked, and never throw on any bytes', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.nat(),
        (rows, cutAt, flipAt) => {
          const bytes = framesOf(rows.map(keyed), true);
          const cut = bytes.subarray(0, cutAt % bytes.length);
          const partial = decodeRows(cut, true);
          expect(partial.end).toBeLessThanOrEqual(cut.length);
          expect(partial.rows.length).toBeLessThan(rows.length);
          const flipped = Buffer.from(bytes);
          const i = flipAt % flipped.length;
          flipped[i] = (flipped[i] as number) ^ 0x40;
          const read = decodeRows(flipped, true);
          // Every row read lies before the changed byte.
          expect(read.end).toBeLessThanOrEqual(i);
          expect(read.rows.length).toBeLessThan(rows.length);
        },
      ),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, checked) => {
        expect(() => decodeRows(bytes, checked)).not.toThrow();
      }),
    );
  });
});
