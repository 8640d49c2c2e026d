import { describe, expect, it } from 'vitest';
import { highlightRanges, indexText, parseQuery } from './search';

describe('CJK tokenization', () => {
  it('spells CJK out as characters and overlapping pairs, the rest as words', () => {
    const ix = indexText('明天的会议 moved to 3pm');
    expect(ix.uni).toBe('明 天 的 会 议');
    expect(ix.bi).toBe('明天 天的 的会 会议 0');
    expect(ix.words.trim()).toBe('moved to 3pm');
  });

  it('puts a boundary between runs so a phrase cannot span two of them', () => {
    expect(indexText('xa好, 好cy').bi).toBe('0 0');
    expect(indexText('甲乙，乙丙').bi).toBe('甲乙 0 乙丙 0');
  });

  it('queries one character in uni, longer runs as a phrase of pairs, words as prefixes', () => {
    expect(parseQuery('会')?.match).toBe('uni : "会"');
    expect(parseQuery('会议室')?.match).toBe('bi : "会议 议室"');
    expect(parseQuery('meet 会议')?.match).toBe('bi : "会议" AND words : "meet"*');
    expect(parseQuery('"quoted"')?.match).toBe('words : "quoted"*');
    expect(parseQuery('!!! ')).toBeUndefined();
  });

  it('highlights CJK anywhere and words from their start, whole', () => {
    expect(highlightRanges('明天的会议，会议室', ['会议'])).toEqual([
      [3, 5],
      [6, 8],
    ]);
    expect(highlightRanges('Meeting at the meet', ['meet'])).toEqual([
      [0, 7],
      [15, 19],
    ]);
    expect(highlightRanges('ameet', ['meet'])).toEqual([]);
  });
});
