import { describe, expect, it } from 'vitest';
import { externalUrl, openExternalSafely } from './external-links';

function fakeShell() {
  const opened: string[] = [];
  return { opened, openExternal: (url: string) => (opened.push(url), Promise.resolve()) };
}

describe('external links', () => {
  it('opens http and https links in the browser, as the parser serialises them', () => {
    const shell = fakeShell();
    expect(openExternalSafely(shell, 'https://example.org/a b')).toBe(true);
    expect(openExternalSafely(shell, 'HTTP://Example.org')).toBe(true);
    expect(shell.opened).toEqual(['https://example.org/a%20b', 'http://example.org/']);
  });

  it.each([
    'file:///etc/passwd',
    'smb://server/share',
    'javascript:alert(1)',
    'mailto:a@b.c',
    'app://pigeon/index.html',
    'ms-settings:privacy',
    '//example.org',
    'example.org',
    '',
  ])('never opens %s', (url) => {
    const shell = fakeShell();
    expect(openExternalSafely(shell, url)).toBe(false);
    expect(externalUrl(url)).toBeUndefined();
    expect(shell.opened).toEqual([]);
  });
});
