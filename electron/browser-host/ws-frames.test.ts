import { describe, expect, it } from 'vitest';
import { parseHostFrame, parseInvoke } from './ws-frames';

describe('parseInvoke', () => {
  it('accepts an invoke frame and defaults a missing payload to null', () => {
    expect(parseInvoke('{"t":"invoke","id":7,"ch":"app:info"}')).toEqual({
      ok: true,
      frame: { t: 'invoke', id: 7, ch: 'app:info', req: null },
    });
    expect(parseInvoke('{"t":"invoke","id":"a","ch":"x","req":{"k":1}}')).toMatchObject({
      ok: true,
      frame: { id: 'a', req: { k: 1 } },
    });
  });

  it.each([
    ['not json', 'bad-json', null],
    ['{"t":"invoke","id":1', 'bad-json', null],
    ['null', 'bad-request', null],
    ['[1,2]', 'bad-request', null],
    ['"invoke"', 'bad-request', null],
    ['{"t":"invoke","ch":"app:info"}', 'bad-request', null],
    ['{"t":"invoke","id":{},"ch":"app:info"}', 'bad-request', null],
    [`{"t":"invoke","id":"${'x'.repeat(200)}","ch":"a"}`, 'bad-request', null],
    ['{"t":"call","id":3,"ch":"app:info"}', 'bad-request', 3],
    ['{"t":"invoke","id":4,"ch":12}', 'bad-request', 4],
  ])('answers %s with %s', (text, code, id) => {
    expect(parseInvoke(text)).toMatchObject({
      t: 'result',
      id,
      result: { ok: false, error: { code } },
    });
  });
});

describe('parseHostFrame', () => {
  it('reads results and events and ignores anything else', () => {
    expect(parseHostFrame('{"t":"result","id":1,"result":{"ok":true,"value":2}}')).toEqual({
      t: 'result',
      id: 1,
      result: { ok: true, value: 2 },
    });
    expect(parseHostFrame('{"t":"event","ch":"peers:online","payload":{}}')).toEqual({
      t: 'event',
      ch: 'peers:online',
      payload: {},
    });
    expect(parseHostFrame('{')).toBeNull();
    expect(parseHostFrame('1')).toBeNull();
    expect(parseHostFrame('{"t":"result","id":1}')).toBeNull();
    expect(parseHostFrame('{"t":"event"}')).toBeNull();
  });
});
