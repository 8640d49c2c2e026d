import type { ChatMessage } from '../../../shared/model';

let graphemes: Intl.Segmenter | undefined;

/**
 * One line of a message for the conversation list: whitespace folded, cut short between two
 * graphemes, so an emoji or a surrogate pair is never cut in half.
 */
export function previewText(message: ChatMessage, max = 80): string {
  const folded = message.text.replace(/\s+/g, ' ').trim();
  if (folded.length <= max) return folded;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let cut = '';
  // A little past the limit is enough to find the last whole grapheme (the text may be 1 MB).
  for (const { segment } of graphemes.segment(folded.slice(0, max + 64))) {
    if (cut.length + segment.length > max) break;
    cut += segment;
  }
  return `${cut}…`;
}
