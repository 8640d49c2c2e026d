import { describe, expect, it } from 'vitest';
import { REQUEST_CHANNELS } from './requests';
import type { RequestChannel } from './requests';
import { validateRequest } from './validate';
import { isHostSpec, isIpv4, isPeerId, utf8Length } from './guards';
import { ECHO_LIMITS } from './limits';

function rejects(channel: string, payload: unknown, pattern: RegExp): void {
  const r = validateRequest(channel, payload);
  expect(r.ok, `${channel} accepted ${JSON.stringify(payload)?.slice(0, 80)}`).toBe(false);
  if (!r.ok) {
    expect(r.error.message).toMatch(pattern);
    // Short enough to read in a log line, even when it lists every known channel.
    expect(r.error.message.length).toBeLessThan(500);
  }
}

const valid: { [C in RequestChannel]: unknown } = {
  'app:info': null,
  'settings:get': undefined,
  'settings:update': {
    nick: '小明',
    group: '研发部',
    port: 2425,
    language: 'zh-CN',
    theme: 'dark',
    away: true,
    awayMessage: '开会中\nIn a meeting',
    doNotDisturb: true,
    notifications: false,
    startAtLogin: true,
    minimizeToTray: false,
  },
  'peers:list': null,
  'peers:refresh': null,
  'peers:add': { address: '192.168.1.20' },
  'chat:conversations': null,
  'chat:history': { peerId: '192.168.1.20:2425' },
  'chat:send': { to: ['192.168.1.20:2425', '10.0.0.7'], text: 'hello 你好', sealed: true },
  'chat:broadcast': { text: 'lunch?' },
  'chat:retry': { messageId: 'm-1' },
  'chat:cancel-queued': { messageId: 'm-1' },
  'chat:redirect-queued': { fromPeerId: '10.0.0.5:2425', toPeerId: '10.0.0.7:2425' },
  'chat:mark-read': { peerId: '192.168.1.20:2425' },
  'history:search': {
    text: '会议 lunch',
    peerId: '192.168.1.20:2425',
    since: 0,
    until: 1,
    limit: 20,
  },
  'history:export': { peerId: '*', format: 'html' },
  'history:delete': { peerId: '192.168.1.20:2425' },
  'history:pin': { messageId: 'm-1', pinned: true },
  'chat:open-sealed': { messageId: 'm-2' },
  'echo:start': {
    to: '192.168.1.20:2425',
    mode: 'pigeon',
    count: 20,
    intervalMs: 200,
    size: 1000,
    timeoutMs: 1500,
    probeBack: 10,
  },
  'echo:stop': { runId: '0a0b0c0d' },
  'echo:sweep': { to: '192.168.1.20', mode: 'raw', min: 64, max: 9000, tries: 2, timeoutMs: 800 },
  'echo:reach': { mode: 'ipmsg', timeoutMs: 1500 },
  'diag:doctor': { to: '192.168.1.20:2425', count: 4, timeoutMs: 1000, skipBroadcast: true },
  'diag:interfaces': null,
  'diag:bundle': { redact: true },
  'files:list': null,
  'files:choose': { kind: 'folder' },
  'files:offer': { to: '192.168.1.20:2425', picks: ['a1b2'], text: '报告' },
  'files:accept': { transferIds: ['t1', 't2'], into: 'p9' },
  'files:decline': { transferIds: ['t1'] },
  'files:cancel': { transferId: 't1' },
  'files:retry': { transferId: 't1' },
  'files:open': { transferId: 't1', reveal: true },
};

describe('validateRequest', () => {
  it('accepts a well-formed request on every channel', () => {
    for (const channel of REQUEST_CHANNELS) {
      const r = validateRequest(channel, valid[channel]);
      expect(r.ok, channel).toBe(true);
    }
  });

  it('returns fresh objects with only known fields', () => {
    const payload = { to: ['10.0.0.7'], text: 'x' };
    const r = validateRequest('chat:send', payload);
    expect(r).toEqual({ ok: true, value: { to: ['10.0.0.7'], text: 'x' } });
    if (r.ok) expect(r.value).not.toBe(payload);
    expect(validateRequest('app:info', undefined)).toEqual({ ok: true, value: null });
  });

  it('rejects unknown channels, naming the known ones', () => {
    rejects('chat:explode', {}, /unknown request channel "chat:explode".*chat:send/);
    rejects('__proto__', {}, /unknown request channel.*known domains: .*chat.*files/);
    expect(validateRequest('nope', null)).toMatchObject({ error: { code: 'unknown-channel' } });
  });

  it('rejects a payload on channels that take none', () => {
    for (const c of [
      'app:info',
      'settings:get',
      'peers:list',
      'peers:refresh',
      'chat:conversations',
      'diag:interfaces',
    ])
      rejects(c, { x: 1 }, new RegExp(`^${c}: takes no payload`));
  });

  it('rejects non-objects, arrays, class instances and unknown fields', () => {
    for (const c of REQUEST_CHANNELS.filter((c) => valid[c] !== null && valid[c] !== undefined)) {
      rejects(c, 'text', new RegExp(`^${c}: expected an object, got a string`));
      rejects(c, [1], /expected an object, got an array/);
      rejects(c, null, /expected an object, got null/);
      rejects(c, new Date(), /expected an object/);
      rejects(c, { ...(valid[c] as object), evil: 1 }, /unknown field "evil"/);
    }
    expect(validateRequest('chat:send', null)).toMatchObject({
      error: { code: 'invalid-request' },
    });
  });

  it('guards the files channels: picks, never paths', () => {
    rejects('settings:update', { away: 'yes' }, /"away" must be true or false/);
    rejects('settings:update', { doNotDisturb: 1 }, /"doNotDisturb" must be true or false/);
    rejects('settings:update', { awayMessage: 'x'.repeat(501) }, /longer than 500/);
    rejects('settings:update', { awayMessage: 'a\u202eb\u0007' }, /control characters/);
    rejects('settings:update', { awayMessage: 5 }, /"awayMessage" must be a string/);
    rejects('chat:send', { to: ['10.0.0.1'], text: 'a', sealed: 'yes' }, /"sealed" must be/);
    rejects('chat:open-sealed', { messageId: '' }, /"messageId" must be a non-empty string/);
    rejects('files:offer', { to: 'bob', picks: ['a'] }, /"to" must be a peer id/);
    rejects('files:offer', { to: '10.0.0.1', picks: [] }, /"picks" is empty/);
    rejects('files:offer', { to: '10.0.0.1', picks: [''] }, /"picks\[0\]" must be an id/);
    rejects('files:offer', { to: '10.0.0.1', path: '/etc/passwd' }, /unknown field "path"/);
    rejects('files:offer', { to: '10.0.0.1', picks: ['a'], text: 'a\0b' }, /NUL/);
    rejects(
      'files:offer',
      { to: '10.0.0.1', picks: Array.from({ length: 1001 }, () => 'p') },
      /"picks" has 1001 entries; the limit is 1000/,
    );
    // An empty text is no text: the files are the message.
    expect(validateRequest('files:offer', { to: '10.0.0.1', picks: ['a'], text: ' ' })).toEqual({
      ok: true,
      value: { to: '10.0.0.1', picks: ['a'] },
    });
    rejects('files:choose', { kind: 'anything' }, /"kind" must be one of files, folder/);
    rejects('files:accept', { transferIds: [] }, /"transferIds" is empty/);
    rejects('files:accept', { transferIds: ['t'], into: 5 }, /"into" must be a non-empty string/);
    rejects('files:cancel', { transferId: 'x'.repeat(129) }, /longer than 128/);
    rejects('files:open', { transferId: 't', reveal: 'yes' }, /"reveal" must be true or false/);
  });

  it('guards chat:send', () => {
    rejects('chat:send', { to: '10.0.0.1', text: 'x' }, /"to" must be an array/);
    rejects('chat:send', { to: [], text: 'x' }, /"to" names no recipient/);
    rejects('chat:send', { to: ['bob'], text: 'x' }, /"to\[0\]" must be a peer id.*"bob"/);
    rejects('chat:send', { to: ['10.0.0.1:99999'], text: 'x' }, /"to\[0\]"/);
    rejects('chat:send', { to: [7], text: 'x' }, /"to\[0\]".*the number 7/);
    rejects('chat:send', { to: ['10.0.0.1'], text: 5 }, /"text" must be a string/);
    rejects('chat:send', { to: ['10.0.0.1'], text: '  \n' }, /"text" is empty/);
    rejects('chat:send', { to: ['10.0.0.1'], text: 'a\0b' }, /NUL/);
    rejects(
      'chat:send',
      { to: ['10.0.0.1'], text: '字'.repeat(400_000) },
      /"text" is 1200000 bytes of UTF-8; the limit is 1048576/,
    );
    rejects(
      'chat:send',
      { to: Array.from({ length: 1001 }, () => '10.0.0.1'), text: 'x' },
      /"to" has 1001 entries; the limit is 1000/,
    );
    expect(
      validateRequest('chat:send', { to: ['10.0.0.1'], text: 'a'.repeat(1024 * 1024) }).ok,
    ).toBe(true);
  });

  it('guards chat:broadcast, chat:retry, chat:history, chat:mark-read', () => {
    rejects('chat:broadcast', {}, /"text" must be a string, got a undefined/);
    rejects('chat:broadcast', { text: 'x'.repeat(1024 * 1024 + 1) }, /limit is 1048576/);
    rejects('chat:retry', { messageId: '' }, /"messageId" must be a non-empty string/);
    rejects('chat:retry', { messageId: 'x'.repeat(129) }, /longer than 128/);
    rejects('chat:cancel-queued', { messageId: '' }, /"messageId" must be a non-empty string/);
    rejects('chat:cancel-queued', { id: 'm-1' }, /messageId/);
    rejects(
      'chat:redirect-queued',
      { fromPeerId: '10.0.0.5:2425', toPeerId: '10.0.0.5:2425' },
      /same peer/,
    );
    rejects('chat:redirect-queued', { fromPeerId: '10.0.0.5:2425' }, /"toPeerId"/);
    rejects(
      'chat:redirect-queued',
      { fromPeerId: '10.0.0.5:2425', toPeerId: '*' },
      /"toPeerId" must be a peer id/,
    );
    rejects(
      'chat:redirect-queued',
      { fromPeerId: '10.0.0.5:2425', toPeerId: '10.0.0.7:2425', all: true },
      /unknown field/,
    );
    rejects('chat:history', { peerId: '10.0.0.1' }, /"peerId" must be a peer id/);
    rejects('chat:history', { peerId: 12 }, /"peerId" must be a non-empty string/);
    rejects('chat:mark-read', { peerId: '300.0.0.1:2425' }, /"peerId" must be a peer id/);
  });

  it('guards chat:history paging', () => {
    const P = '10.0.0.1:2425';
    expect(validateRequest('chat:history', { peerId: P, before: 'm-9', limit: 50 })).toEqual({
      ok: true,
      value: { peerId: P, before: 'm-9', limit: 50 },
    });
    expect(validateRequest('chat:history', { peerId: '*', around: 'm-1' }).ok).toBe(true);
    rejects('chat:history', { peerId: P, before: 'a', after: 'b' }, /give one of/);
    rejects('chat:history', { peerId: P, limit: 0 }, /"limit" must be an integer 1-1000/);
    rejects('chat:history', { peerId: P, limit: 1001 }, /1-1000/);
    rejects('chat:history', { peerId: P, limit: 2.5 }, /1-1000/);
    rejects('chat:history', { peerId: P, before: '' }, /"before" must be a non-empty string/);
    rejects('chat:history', { peerId: P, cursor: 'x' }, /unknown field "cursor"/);
  });

  it('guards history:search, history:export, history:delete, history:pin', () => {
    expect(validateRequest('history:search', { text: '会' })).toEqual({
      ok: true,
      value: { text: '会' },
    });
    rejects('history:search', { text: '  ' }, /"text" is empty/);
    rejects('history:search', { text: 'x'.repeat(257) }, /longer than 256/);
    rejects('history:search', { text: 'a\u0000b' }, /control characters/);
    rejects('history:search', { text: 'a', since: -1 }, /epoch milliseconds/);
    rejects('history:search', { text: 'a', until: Number.NaN }, /epoch milliseconds/);
    rejects('history:search', { text: 'a', since: 5, until: 5 }, /later than "since"/);
    rejects('history:search', { text: 'a', limit: 501 }, /1-500/);
    rejects('history:search', { text: 'a', peerId: 'nobody' }, /peer id/);
    rejects('history:export', { peerId: '10.0.0.1:2425', format: 'pdf' }, /text, html, json/);
    rejects('history:export', { format: 'text' }, /"peerId" must be a non-empty string/);
    expect(validateRequest('history:delete', { all: true })).toEqual({
      ok: true,
      value: { all: true },
    });
    rejects('history:delete', { all: 1 }, /"all" must be true/);
    rejects('history:delete', {}, /exactly one/);
    rejects('history:delete', { messageId: 'm', peerId: '10.0.0.1:2425' }, /exactly one/);
    rejects('history:pin', { messageId: 'm' }, /"pinned" must be true or false/);
    rejects('history:pin', { messageId: 'm', pinned: 'yes' }, /"pinned" must be true or false/);
  });

  it('guards peers:add', () => {
    rejects('peers:add', { address: '10.0.0.256' }, /"address" "10.0.0.256" is not an IPv4/);
    rejects('peers:add', { address: 'example.com' }, /not an IPv4/);
    rejects('peers:add', { address: '010.0.0.1' }, /not an IPv4/);
    rejects('peers:add', { address: 3 }, /"address" must be an IPv4 address, got the number 3/);
    rejects('peers:add', { address: '10.0.0.1', port: 0 }, /"port" must be an integer 1-65535/);
    rejects('peers:add', { address: '10.0.0.1', port: 2425.5 }, /"port"/);
    expect(validateRequest('peers:add', { address: '10.0.0.1', port: 2426 })).toEqual({
      ok: true,
      value: { address: '10.0.0.1', port: 2426 },
    });
  });

  it('guards settings:update', () => {
    rejects('settings:update', { nick: '' }, /"nick" is empty/);
    rejects('settings:update', { nick: 'x'.repeat(65) }, /"nick" is longer than 64/);
    rejects('settings:update', { nick: 'a\nb' }, /control characters/);
    rejects('settings:update', { group: 5 }, /"group" must be a string/);
    rejects('settings:update', { port: '2425' }, /"port" must be an integer/);
    rejects('settings:update', { bind: 'localhost' }, /"bind" must be an IPv4/);
    rejects('settings:update', { broadcast: ['1.2.3'] }, /"broadcast\[0\]" must be an IPv4/);
    rejects('settings:update', { unicastHosts: ['10.0.0.0/8'] }, /"unicastHosts\[0\]"/);
    rejects('settings:update', { language: 'fr' }, /"language" must be one of zh-CN, en, system/);
    rejects('settings:update', { theme: 'blue' }, /"theme" must be one of light, dark, system/);
    rejects('settings:update', { user: 'root' }, /unknown field "user"/);
    for (const key of ['notifications', 'startAtLogin', 'minimizeToTray']) {
      rejects('settings:update', { [key]: 'yes' }, new RegExp(`"${key}" must be true or false`));
      rejects('settings:update', { [key]: 1 }, new RegExp(`"${key}" must be true or false`));
      rejects('settings:update', { [key]: null }, new RegExp(`"${key}" must be true or false`));
      expect(validateRequest('settings:update', { [key]: false })).toEqual({
        ok: true,
        value: { [key]: false },
      });
    }
    expect(
      validateRequest('settings:update', {
        nick: '  小明 ',
        unicastHosts: ['10.0.1.0/24', '10.0.2.3'],
        broadcast: [],
      }),
    ).toEqual({
      ok: true,
      value: { nick: '小明', unicastHosts: ['10.0.1.0/24', '10.0.2.3'], broadcast: [] },
    });
  });
});

describe('validateRequest: echo and diagnostics', () => {
  it('guards the target of echo:start, echo:sweep and diag:doctor', () => {
    for (const c of ['echo:start', 'echo:sweep', 'diag:doctor'] as const) {
      rejects(c, { to: 'alice' }, /"to" "alice" is not an IPv4 address or "address:port"/);
      rejects(c, { to: '10.0.0.256' }, /"to" "10.0.0.256" is not an IPv4/);
      rejects(c, { to: '10.0.0.1:0' }, /"to" "10.0.0.1:0": the port must be 1-65535/);
      rejects(c, { to: '10.0.0.1:70000' }, /the port must be 1-65535/);
      // An address with an empty port: the port is what is wrong.
      rejects(c, { to: '10.0.0.1:' }, /"10.0.0.1:": the port must be 1-65535/);
      rejects(c, { to: 'example.com:2425' }, /is not an IPv4 address/);
      rejects(c, { to: '' }, /"to" must be a peer id or an IPv4 address.*got a string of 0/);
      rejects(c, { to: 7 }, /"to" must be a peer id.*the number 7/);
      rejects(c, {}, /"to" must be a peer id.*got a undefined/);
      expect(validateRequest(c, { to: ' 10.0.0.1:2426 ' })).toEqual({
        ok: true,
        value: { to: '10.0.0.1:2426' },
      });
    }
  });

  it('keeps echo:start inside the engine limits', () => {
    const to = '10.0.0.2';
    rejects('echo:start', { to, mode: 'tcp' }, /"mode" must be one of pigeon, ipmsg, raw/);
    rejects('echo:start', { to, count: 0 }, /"count" must be a whole number from 1 to 100000/);
    rejects('echo:start', { to, count: ECHO_LIMITS.maxCount + 1 }, /from 1 to 100000/);
    rejects('echo:start', { to, count: 2.5 }, /"count" must be a whole number/);
    rejects(
      'echo:start',
      { to, mode: 'ipmsg', count: 1001 },
      /"count" must be a whole number from 1 to 1000 in ipmsg mode, got the number 1001/,
    );
    rejects(
      'echo:start',
      { to, intervalMs: 0 },
      /"intervalMs" must be a number from 0.01 to 60000 ms/,
    );
    rejects('echo:start', { to, intervalMs: 60_001 }, /"intervalMs"/);
    rejects('echo:start', { to, intervalMs: Number.NaN }, /"intervalMs".*got NaN/);
    rejects('echo:start', { to, intervalMs: '100' }, /"intervalMs".*got a string/);
    rejects(
      'echo:start',
      { to, mode: 'ipmsg', intervalMs: 50 },
      /"intervalMs" must be a number from 100 to 60000 ms in ipmsg mode/,
    );
    rejects('echo:start', { to, size: 0 }, /"size" must be a whole number from 1 to 65507 bytes/);
    rejects('echo:start', { to, size: 65_508 }, /"size"/);
    rejects('echo:start', { to, timeoutMs: 0 }, /"timeoutMs" must be a number from 1 to 60000 ms/);
    rejects('echo:start', { to, timeoutMs: Infinity }, /"timeoutMs"/);
    rejects(
      'echo:start',
      { to, probeBack: 101 },
      /"probeBack" must be a whole number from 0 to 100/,
    );
    rejects('echo:start', { to, mode: 'raw', probeBack: 3 }, /"probeBack" needs mode pigeon/);
    rejects('echo:start', { to, port: 7 }, /unknown field "port"/);
    expect(
      validateRequest('echo:start', { to, mode: 'ipmsg', count: 1000, intervalMs: 100 }).ok,
    ).toBe(true);
    expect(
      validateRequest('echo:start', {
        to,
        mode: 'raw',
        count: ECHO_LIMITS.maxCount,
        intervalMs: ECHO_LIMITS.minIntervalMs,
        size: ECHO_LIMITS.maxSize,
        timeoutMs: ECHO_LIMITS.maxTimeoutMs,
        probeBack: 0,
      }).ok,
    ).toBe(true);
  });

  it('guards echo:stop, echo:sweep, echo:reach', () => {
    rejects('echo:stop', { runId: '' }, /"runId" must be a non-empty string/);
    rejects('echo:stop', {}, /"runId"/);
    rejects('echo:sweep', { to: '10.0.0.2', mode: 'ipmsg' }, /"mode" must be one of pigeon, raw/);
    rejects(
      'echo:sweep',
      { to: '10.0.0.2', max: 65_508 },
      /"max" must be a whole number from 1 to 65507/,
    );
    rejects('echo:sweep', { to: '10.0.0.2', min: 0 }, /"min"/);
    rejects(
      'echo:sweep',
      { to: '10.0.0.2', min: 2000, max: 1000 },
      /"min" \(2000\) is larger than "max" \(1000\)/,
    );
    rejects('echo:sweep', { to: '10.0.0.2', max: 32 }, /"min" \(64\) is larger than "max" \(32\)/);
    rejects(
      'echo:sweep',
      { to: '10.0.0.2', tries: 6 },
      /"tries" must be a whole number from 1 to 5/,
    );
    rejects(
      'echo:sweep',
      { to: '10.0.0.2', timeoutMs: 5 },
      /"timeoutMs" must be a number from 10 to 10000 ms/,
    );
    rejects('echo:sweep', { to: '10.0.0.2', apply: 'yes' }, /"apply" must be true or false/);
    rejects('echo:reach', { mode: 'raw' }, /"mode" must be one of pigeon, ipmsg/);
    rejects('echo:reach', { timeoutMs: 30_001 }, /"timeoutMs" must be a number from 1 to 30000 ms/);
    rejects('echo:reach', null, /expected an object, got null/);
    expect(validateRequest('echo:reach', {})).toEqual({ ok: true, value: {} });
  });

  it('guards diag:doctor and diag:bundle', () => {
    rejects(
      'diag:doctor',
      { to: '10.0.0.2', count: 21 },
      /"count" must be a whole number from 1 to 20/,
    );
    rejects(
      'diag:doctor',
      { to: '10.0.0.2', timeoutMs: 49 },
      /"timeoutMs" must be a number from 50 to 10000 ms/,
    );
    rejects(
      'diag:doctor',
      { to: '10.0.0.2', skipBroadcast: 1 },
      /"skipBroadcast" must be true or false/,
    );
    rejects('diag:bundle', { redact: 'yes' }, /"redact" must be true or false, got a string/);
    rejects('diag:bundle', { redact: true, all: true }, /unknown field "all"/);
    expect(validateRequest('diag:bundle', {})).toEqual({ ok: true, value: {} });
    expect(validateRequest('diag:bundle', { redact: false })).toEqual({
      ok: true,
      value: { redact: false },
    });
  });
});

describe('guards', () => {
  it('check IPv4, peer ids, host specs', () => {
    expect(isIpv4('0.0.0.0')).toBe(true);
    expect(isIpv4('255.255.255.255')).toBe(true);
    expect(isIpv4('1.2.3.4.5')).toBe(false);
    expect(isIpv4('1.2.3.-4')).toBe(false);
    expect(isIpv4(' 1.2.3.4')).toBe(false);
    expect(isPeerId('127.0.0.2:2425')).toBe(true);
    expect(isPeerId('127.0.0.2:0')).toBe(false);
    expect(isPeerId('127.0.0.2:')).toBe(false);
    expect(isHostSpec('10.0.0.0/22')).toBe(true);
    expect(isHostSpec('10.0.0.0/21')).toBe(false);
    expect(isHostSpec('10.0.0.0/')).toBe(false);
  });

  it('count UTF-8 bytes', () => {
    expect(utf8Length('a')).toBe(1);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('你')).toBe(3);
    expect(utf8Length('😀')).toBe(4);
    expect(utf8Length('\ud800')).toBe(3);
  });
});
