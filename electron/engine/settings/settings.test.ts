import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { outcomeText } from '../../../shared/model/texts';
import {
  defaultPreferences,
  defaultSettings,
  headerSafeName,
  problemsText,
  validateSettings,
} from './settings';

describe('headerSafeName', () => {
  it.each([
    ['alice', 'alice'],
    ['a:b', 'a;b'],
    ['张三', 'fallback'],
    ['张三x', 'x'],
    ['with space', 'withspace'],
    ['', 'fallback'],
    ['x'.repeat(100), 'x'.repeat(64)],
    ['tab\there\0nul', 'tabherenul'],
  ])('%j -> %j', (name, safe) => {
    expect(headerSafeName(name, 'fallback')).toBe(safe);
  });
});

describe('defaultSettings', () => {
  it('fills every field, with header-safe user and host', () => {
    const s = defaultSettings();
    expect(s.port).toBe(2425);
    expect(s.bind).toBe('0.0.0.0');
    expect(s.broadcast).toEqual([]);
    expect(s.unicastHosts).toEqual([]);
    expect(s.legacyEncoding).toBe('gb18030');
    expect(s.answerEcho).toBe(true);
    expect(s.user).toMatch(/^[\x21-\x7e]+$/);
    expect(s.host).toMatch(/^[\x21-\x7e]+$/);
    expect(s.user).not.toContain(':');
    expect(s.dataDir.startsWith(os.homedir())).toBe(true);
  });

  it('applies overrides and cleans user and host', () => {
    const s = defaultSettings({
      nick: '小明',
      user: 'ming:x',
      host: '主机',
      port: 2426,
      legacyEncoding: 'cp932',
      answerEcho: false,
    });
    expect(s).toMatchObject({
      nick: '小明',
      user: 'ming;x',
      host: 'pigeon-host',
      port: 2426,
      legacyEncoding: 'cp932',
      answerEcho: false,
    });
    expect(validateSettings(s)).toEqual([]);
  });
});

describe('validateSettings', () => {
  const ok = defaultSettings({ nick: 'n', user: 'u', host: 'h' });

  it('accepts the defaults', () => {
    expect(validateSettings(ok)).toEqual([]);
  });

  it.each([
    [{ nick: '' }, /nick is empty/],
    [{ nick: '   ' }, /nick is empty/],
    [{ nick: 'x'.repeat(65) }, /nick is longer than 64/],
    [{ group: 'g'.repeat(65) }, /group is longer than 64/],
    [{ nick: 'a\0b' }, /NUL/],
    [{ group: 'a\0b' }, /NUL/],
    [{ user: '' }, /user "" must be/],
    [{ user: 'a:b' }, /user "a:b" must be/],
    [{ user: 'a b' }, /user/],
    [{ host: '主机' }, /host "主机" must be/],
    [{ bind: 'localhost' }, /bind address "localhost"/],
    [{ port: 0 }, /port 0 is not between/],
    [{ port: 65536 }, /port 65536/],
    [{ port: 24.5 }, /port 24.5/],
    [{ broadcast: ['255.255.255.255', 'lan'] }, /broadcast target "lan"/],
    [{ unicastHosts: ['10.0.0.0/16'] }, /larger than \/22/],
    [{ unicastHosts: ['nope'] }, /not an IPv4/],
  ])('%o is refused with a reason', (patch, reason) => {
    const problems = validateSettings({ ...ok, ...patch });
    expect(problems).toHaveLength(1);
    const [problem] = problems;
    if (!problem) throw new Error('no problem');
    expect(outcomeText(problem, 'en')).toMatch(reason);
    // The same problem in Chinese, for the UI.
    expect(outcomeText(problem, 'zh-CN')).toMatch(/[\u4e00-\u9fff]/);
  });

  it('reports every problem at once, as codes with values', () => {
    const problems = validateSettings({ ...ok, nick: '', port: 0, bind: 'x' });
    expect(problems).toEqual([
      { code: 'nick-empty', params: {} },
      { code: 'bind-invalid', params: { value: '"x"' } },
      { code: 'port-invalid', params: { value: '0' } },
    ]);
    expect(problemsText(problems)).toBe(
      'nick is empty: choose a name others will see; bind address "x" is not an IPv4 address; ' +
        'port 0 is not between 1 and 65535',
    );
  });
});

describe('defaultPreferences', () => {
  it('notifies, does not start at login, and hides to the tray except on macOS', () => {
    for (const platform of ['linux', 'win32'] as const) {
      expect(defaultPreferences(platform)).toEqual({
        language: 'system',
        theme: 'system',
        notifications: true,
        startAtLogin: false,
        minimizeToTray: true,
        doNotDisturb: false,
      });
    }
    expect(defaultPreferences('darwin')).toMatchObject({
      notifications: true,
      minimizeToTray: false,
      doNotDisturb: false,
    });
  });
});
