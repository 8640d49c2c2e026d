import { describe, expect, it } from 'vitest';
import { linkTarget, linkify, safeHref } from './linkify';

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

  it('links a Cyrillic look-alike of apple.com to its punycode host, and says so', () => {
    const text = 'login at https://\u0430\u0440\u0440\u04cf\u0435.com/ now';
    expect(linkify(text)).toEqual([
      { kind: 'text', text: 'login at ' },
      {
        kind: 'link',
        text: 'https://\u0430\u0440\u0440\u04cf\u0435.com/',
        href: 'https://xn--80ak6aa92e.com/',
        realHost: 'xn--80ak6aa92e.com',
      },
      { kind: 'text', text: ' now' },
    ]);
    expect(linkTarget('www.\u0430\u0440\u0440\u04cf\u0435.com')).toEqual({
      href: 'https://www.xn--80ak6aa92e.com/',
      realHost: 'www.xn--80ak6aa92e.com',
    });
  });

  it('shows the punycode of a legitimate Chinese IDN too, and links to it', () => {
    expect(linkify('看 https://例子.测试/路径')).toEqual([
      { kind: 'text', text: '看 ' },
      {
        kind: 'link',
        text: 'https://例子.测试/路径',
        href: 'https://xn--fsqu00a.xn--0zwm56d/%E8%B7%AF%E5%BE%84',
        realHost: 'xn--fsqu00a.xn--0zwm56d',
      },
    ]);
  });

  it('names the real host when the text hides it in other ways', () => {
    // A zero-width space the parser drops, full-width letters it folds, a decimal address.
    expect(linkTarget('https://paypa\u200bl.com/')?.realHost).toBe('paypal.com');
    expect(linkTarget('https://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com/')).toEqual({
      href: 'https://example.com/',
      realHost: 'example.com',
    });
    expect(linkTarget('http://2130706433/')?.realHost).toBe('127.0.0.1');
    // What a reader takes for the host is a user name.
    expect(linkTarget('https://www.apple.com@evil.example/')).toEqual({
      href: 'https://www.apple.com@evil.example/',
      realHost: 'evil.example',
    });
  });

  it('adds nothing for a plain ASCII host, whatever its case, port or path', () => {
    for (const url of [
      'https://Example.COM:8443/a?b#c',
      'http://wiki.lan/页面',
      'http://198.18.0.10:8080/',
      'https://[::1]:8080/',
    ]) {
      expect(linkTarget(url)).not.toHaveProperty('realHost');
    }
  });

  it('keeps a bidi override in the link text out of the href', () => {
    const [link] = linkify('https://example.com/\u202egnp.exe');
    expect(link).toEqual({
      kind: 'link',
      text: 'https://example.com/\u202egnp.exe',
      href: 'https://example.com/%E2%80%AEgnp.exe',
    });
  });
});
