import { describe, expect, it } from 'vitest';
import { SentNumbers } from './sent-numbers';

describe('SentNumbers', () => {
  it('answers where a number went, for the last `capacity` numbers only', () => {
    const sent = new SentNumbers(3);
    sent.add(10, 'a');
    sent.add(11, 'b');
    sent.add(12, 'c');
    expect([10, 11, 12].map((n) => sent.addressOf(n))).toEqual(['a', 'b', 'c']);
    sent.add(13, 'd');
    expect(sent.addressOf(10)).toBeUndefined();
    expect([11, 12, 13].map((n) => sent.addressOf(n))).toEqual(['b', 'c', 'd']);
    expect(sent.addressOf(99)).toBeUndefined();
  });

  it('keeps a number used again (a wrapped counter) until its newer slot is overwritten', () => {
    const sent = new SentNumbers(3);
    sent.add(1, 'a');
    sent.add(2, 'b');
    sent.add(1, 'c');
    // The oldest slot (1 -> a) goes; 1 stays, pointing at its newer address.
    sent.add(3, 'd');
    expect(sent.addressOf(1)).toBe('c');
    sent.add(4, 'e');
    sent.add(5, 'f');
    expect(sent.addressOf(1)).toBeUndefined();
    expect([3, 4, 5].map((n) => sent.addressOf(n))).toEqual(['d', 'e', 'f']);
  });
});
