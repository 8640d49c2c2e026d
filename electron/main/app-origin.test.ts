import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, isAppUrl } from './app-origin';

describe('isAppUrl', () => {
  it('accepts our own pages', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl(`${APP_ORIGIN}/`)).toBe(true);
    expect(isAppUrl(`${APP_ORIGIN}/assets/index.js?x=1#y`)).toBe(true);
  });

  it.each([
    'app://pigeon.evil/index.html',
    'app://evil/pigeon/index.html',
    'app://pigeon@evil/index.html',
    'app://user:pw@pigeon/index.html',
    'app://pigeon:8080/index.html',
    'https://pigeon/index.html',
    'file:///index.html',
    'javascript:alert(1)',
    'about:blank',
    'not a url',
    '',
  ])('refuses %s', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});
