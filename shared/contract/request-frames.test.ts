import { describe, expect, it } from 'vitest';
import {
  MAX_REQUEST_FRAME_BYTES,
  parseRequestFrame,
  refuseFrame,
  refuseTooLarge,
  type FrameRules,
} from './request-frames';

const stdin: FrameRules = { idRequired: false };
const ws: FrameRules = { idRequired: true, kind: 'invoke' };

describe('parseRequestFrame', () => {
  it('reads {id, ch, req} and defaults a missing payload to null', () => {
    expect(parseRequestFrame('{"id":1,"ch":"app:info"}', stdin)).toEqual({
      ok: true,
      frame: { id: 1, ch: 'app:info', req: null },
    });
    expect(parseRequestFrame('{"t":"invoke","id":"a","ch":"x","req":[1]}', ws)).toEqual({
      ok: true,
      frame: { id: 'a', ch: 'x', req: [1] },
    });
  });

  it('lets stdin leave out the id (answered as null) but not the WebSocket', () => {
    expect(parseRequestFrame('{"ch":"app:info"}', stdin)).toMatchObject({
      ok: true,
      frame: { id: null },
    });
    expect(parseRequestFrame('{"id":null,"ch":"app:info"}', stdin)).toMatchObject({ ok: true });
    expect(parseRequestFrame('{"t":"invoke","ch":"app:info"}', ws)).toEqual({
      ok: false,
      refusal: {
        id: null,
        result: {
          ok: false,
          error: { code: 'bad-request', message: 'expected {"t":"invoke","id","ch","req"}' },
        },
      },
    });
  });

  it.each([
    ['not json', 'bad-json', null],
    ['{"id":1', 'bad-json', null],
    ['', 'bad-json', null],
    ['null', 'bad-request', null],
    ['[1,2]', 'bad-request', null],
    ['"app:info"', 'bad-request', null],
    ['{"id":2}', 'bad-request', 2],
    ['{"id":3,"ch":7}', 'bad-request', 3],
    ['{"id":{},"ch":"a"}', 'bad-request', null],
    ['{"id":true,"ch":"a"}', 'bad-request', null],
    [`{"id":"${'x'.repeat(129)}","ch":"a"}`, 'bad-request', null],
  ])('refuses %s with %s on both doors', (text, code, id) => {
    for (const rules of [stdin, ws]) {
      expect(parseRequestFrame(text, rules)).toMatchObject({
        ok: false,
        refusal: { id, result: { ok: false, error: { code } } },
      });
    }
  });

  it('checks the kind only where the door names one', () => {
    expect(parseRequestFrame('{"t":"call","id":3,"ch":"a"}', ws)).toMatchObject({
      ok: false,
      refusal: { id: 3, result: { error: { code: 'bad-request' } } },
    });
    expect(parseRequestFrame('{"t":"call","id":3,"ch":"a"}', stdin)).toMatchObject({ ok: true });
  });
});

describe('refusals', () => {
  it('are contract envelopes', () => {
    expect(refuseFrame(4, 'bad-request', 'why')).toEqual({
      id: 4,
      result: { ok: false, error: { code: 'bad-request', message: 'why' } },
    });
    expect(refuseTooLarge()).toEqual({
      id: null,
      result: {
        ok: false,
        error: {
          code: 'too-large',
          message: `request longer than ${MAX_REQUEST_FRAME_BYTES} bytes`,
        },
      },
    });
  });
});
