import { describe, expect, it } from 'vitest';
import { shellLanguage } from './shell-language';

describe('the shell language', () => {
  it('is the setting when it names one', () => {
    expect(shellLanguage('zh-CN', ['en-US'])).toBe('zh-CN');
    expect(shellLanguage('en', ['zh-TW'])).toBe('en');
  });

  it("follows the OS's first language Pigeon has for 'system', else English", () => {
    expect(shellLanguage('system', ['zh-Hans-CN', 'en-US'])).toBe('zh-CN');
    expect(shellLanguage('system', ['zh-TW'])).toBe('zh-CN');
    expect(shellLanguage('system', ['fr-FR', 'en-GB', 'zh-CN'])).toBe('en');
    expect(shellLanguage('system', ['de-DE'])).toBe('en');
    expect(shellLanguage('system', [])).toBe('en');
  });
});
