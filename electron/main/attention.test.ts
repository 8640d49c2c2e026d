import { describe, expect, it } from 'vitest';
import type { MessageEvent } from '../../shared/contract';
import { shouldNotify } from './attention';

const event = (direction: 'in' | 'out'): MessageEvent => ({
  message: { id: 'm', peerId: '10.0.0.2:2425', direction, text: 'hi', at: 1, broadcast: false },
  peer: null,
});

describe('shouldNotify', () => {
  it('notifies what arrives while the window is not focused', () => {
    expect(
      shouldNotify(event('in'), { focused: false, notifications: true, doNotDisturb: false }),
    ).toBe(true);
    expect(
      shouldNotify(event('in'), { focused: true, notifications: true, doNotDisturb: false }),
    ).toBe(false);
    expect(
      shouldNotify(event('out'), { focused: false, notifications: true, doNotDisturb: false }),
    ).toBe(false);
  });

  it('never notifies a notice (an address change): it is no message', () => {
    const notice: MessageEvent = {
      message: {
        ...event('in').message,
        text: '',
        notice: { code: 'identity-moved-install', params: { nick: 'x', address: '10.0.0.7' } },
      },
      peer: null,
    };
    expect(shouldNotify(notice, { focused: false, notifications: true, doNotDisturb: false })).toBe(
      false,
    );
  });

  it('never notifies in do-not-disturb, whatever the notifications setting says', () => {
    expect(
      shouldNotify(event('in'), { focused: false, notifications: true, doNotDisturb: true }),
    ).toBe(false);
    expect(
      shouldNotify(event('in'), { focused: false, notifications: false, doNotDisturb: true }),
    ).toBe(false);
  });

  it('never notifies with notifications turned off', () => {
    expect(
      shouldNotify(event('in'), { focused: false, notifications: false, doNotDisturb: false }),
    ).toBe(false);
  });
});
