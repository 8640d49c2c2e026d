import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/model';
import { previewText } from './message-preview';

const msg = (text: string) => ({ text }) as ChatMessage;

describe('message preview', () => {
  it('folds whitespace and keeps short text whole', () => {
    expect(previewText(msg('  a\n\tb  '))).toBe('a b');
  });

  it('cuts long text between graphemes, never inside an emoji', () => {
    const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}'; // 8 UTF-16 units
    const text = `${'x'.repeat(75)}${family}tail`;
    expect(previewText(msg(text))).toBe(`${'x'.repeat(75)}…`);
    expect(previewText(msg(text), 83)).toBe(`${'x'.repeat(75)}${family}…`);
    expect(previewText(msg('😀'.repeat(100)), 5)).toBe('😀😀…');
    expect(previewText(msg('y'.repeat(1_000_000)))).toHaveLength(81);
  });
});
