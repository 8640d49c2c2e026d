import { withoutHidden } from '../../../shared/text/hidden-chars';

/** Restrained hues that hold white text in both themes; a nick always lands on the same one. */
const PALETTE = [
  '#4c6ef5',
  '#12a594',
  '#e8590c',
  '#ae3ec9',
  '#2f9e44',
  '#d6336c',
  '#1c7ed6',
  '#f08c00',
  '#7048e8',
  '#0c8599',
] as const;

/** FNV-1a over the key's UTF-16 units: stable across sessions and machines. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function avatarColour(key: string): string {
  return PALETTE[hashKey(key) % PALETTE.length] as string;
}

let segmenter: Intl.Segmenter | undefined;

/**
 * First visible character of a nick (a whole CJK character or emoji), upper-cased for Latin.
 * Hidden characters are skipped: a nick starting with RLO or a zero-width space gets its first
 * letter, not a blank face.
 */
export function avatarInitial(nick: string): string {
  const trimmed = withoutHidden(nick).trim();
  if (!trimmed) return '?';
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const first = segmenter.segment(trimmed)[Symbol.iterator]().next().value?.segment ?? '?';
  return first.toLocaleUpperCase();
}
