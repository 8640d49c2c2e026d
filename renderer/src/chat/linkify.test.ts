import { describe, expect, it } from 'vitest';
import { linkify, safeHref } from './linkify';

describe('linkify', () => {
  it('finds http(s) and www links and trims trailing punctuation', () => {
    expect(linkify('see https://example.com/a?b=1. ok')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. ok' },
    ]);
    expect(linkify('www.example.org')).toEqual([
      { kind: 'link', text: 'www.example.org', href: 'https://www.example.org/' },
    ]);
  });

  it('stops at CJK punctuation', () => {
    const parts = linkify('文档在http://wiki.lan/页面，请看');
    expect(parts[1]).toEqual({
      kind: 'link',
      text: 'http://wiki.lan/页面',
      href: 'http://wiki.lan/%E9%A1%B5%E9%9D%A2',
    });
    expect(parts[2]).toEqual({ kind: 'text', text: '，请看' });
  });

  it('never links other schemes', () => {
    expect(linkify('javascript:alert(1) file:///etc/passwd')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) file:///etc/passwd' },
    ]);
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,x')).toBeNull();
  });

  it('keeps text untouched', () => {
    const text = '<b>not html</b> & "quotes"';
    expect(linkify(text)).toEqual([{ kind: 'text', text }]);
  });
});
