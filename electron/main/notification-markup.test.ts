import { describe, expect, it } from 'vitest';
import { escapeMarkup, forNotification, isMarkup } from './notification-markup';

describe('notification markup', () => {
  it('escapes the five characters markup gives a meaning to, and nothing else', () => {
    expect(escapeMarkup(`<a href="x">&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;',
    );
    expect(escapeMarkup('你好 plain ✓')).toBe('你好 plain ✓');
    // Already-escaped text is escaped again: it shows as typed.
    expect(escapeMarkup('&amp;')).toBe('&amp;amp;');
  });

  it('treats only the Linux body as markup', () => {
    expect(isMarkup('linux', 'body')).toBe(true);
    expect(isMarkup('linux', 'title')).toBe(false);
    for (const p of ['win32', 'darwin', 'freebsd'] as const) {
      expect(isMarkup(p, 'body')).toBe(false);
      expect(forNotification(p, 'body', '<b>')).toBe('<b>');
    }
    expect(forNotification('linux', 'body', '<b>')).toBe('&lt;b&gt;');
    expect(forNotification('linux', 'title', '<b>')).toBe('<b>');
  });
});
