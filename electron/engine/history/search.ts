/**
 * Full-text search that works for Chinese as well as for English. FTS5's unicode61 tokenizer
 * splits on spaces and punctuation, so a Chinese sentence (no spaces) would be one token and
 * "会议" would never match inside "明天的会议改到三点". The trigram tokenizer finds substrings,
 * but only of three characters or more, and one- and two-character words are most of Chinese
 * search ("会", "会议", "王总").
 *
 * So the index holds CJK twice, spelled out as tokens: `uni`, every CJK character on its own,
 * and `bi`, every overlapping pair ("明天 天的 的会 会议 …"). A query's CJK run of one
 * character matches in `uni`; a longer run is a phrase of its pairs in `bi` ("会议改" is
 * "会议 议改" next to each other), which matches exactly the texts holding that substring, and
 * pairs are rare enough that their posting lists stay short on a large history
 * (build/bench/history-bench.ts measures both). Everything else goes to `words`, where
 * unicode61 does what it does well: case, diacritics, prefixes ("meet" finds "meeting").
 */

/** Han (with extensions and compatibility), kana, Hangul syllables, CJK punctuation excluded. */
const CJK =
  /[\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]|[\ud840-\ud87f][\udc00-\udfff]/;
const CJK_RUNS = new RegExp(`(?:${CJK.source})+`, 'g');

/** What goes into the index's three columns for a text. */
export interface IndexedText {
  words: string;
  uni: string;
  bi: string;
}

export function indexText(text: string): IndexedText {
  const uni: string[] = [];
  const bi: string[] = [];
  const words = text.replace(CJK_RUNS, (run) => {
    const chars = [...run];
    for (let i = 0; i < chars.length; i++) {
      uni.push(chars[i] as string);
      if (i + 1 < chars.length) bi.push(`${chars[i]}${chars[i + 1]}`);
    }
    // A token between runs (queries never hold digits in this column), so that a phrase
    // never runs from one CJK run into the next: "xab, bcy" must not match "abc".
    bi.push('0');
    return ' ';
  });
  return { words, uni: uni.join(' '), bi: bi.join(' ') };
}

/** A query as FTS5 MATCH syntax, and the terms to highlight in a hit. */
export interface SearchQuery {
  match: string;
  /** Lower-cased terms whose occurrences are highlighted. */
  terms: string[];
}

/** Undefined when the text holds nothing to search for (punctuation only, say). */
export function parseQuery(text: string): SearchQuery | undefined {
  const parts: string[] = [];
  const terms: string[] = [];
  const rest = text.replace(CJK_RUNS, (run) => {
    const chars = [...run];
    terms.push(run);
    if (chars.length === 1) parts.push(`uni : ${quote(run)}`);
    else {
      const pairs: string[] = [];
      for (let i = 0; i + 1 < chars.length; i++) pairs.push(`${chars[i]}${chars[i + 1]}`);
      parts.push(`bi : ${quote(pairs.join(' '))}`);
    }
    return ' ';
  });
  // Letters and digits in any script; everything else separates, as in unicode61.
  for (const word of rest.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []) {
    terms.push(word.toLowerCase());
    parts.push(`words : ${quote(word)}*`);
  }
  if (parts.length === 0) return undefined;
  return { match: parts.join(' AND '), terms };
}

/** An FTS5 string: every character literal, quotes doubled. */
function quote(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/**
 * Where the terms occur in a text, as [start, end) UTF-16 offsets, sorted and merged. Words
 * match at the start of a word (as the prefix query did), CJK anywhere.
 */
export function highlightRanges(text: string, terms: readonly string[]): [number, number][] {
  const lower = text.toLowerCase();
  const ranges: [number, number][] = [];
  for (const term of terms) {
    if (term.length === 0) continue;
    const cjk = CJK.test(term);
    let from = 0;
    for (;;) {
      const at = lower.indexOf(term, from);
      if (at < 0) break;
      if (cjk || at === 0 || !/[\p{L}\p{N}\p{M}]/u.test(lower[at - 1] as string)) {
        let end = at + term.length;
        // A prefix query matched the whole word: highlight all of it.
        if (!cjk)
          while (end < lower.length && /[\p{L}\p{N}\p{M}]/u.test(lower[end] as string)) end++;
        ranges.push([at, end]);
      }
      from = at + term.length;
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}
