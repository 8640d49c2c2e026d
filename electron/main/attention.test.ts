import { describe, expect, it } from 'vitest';
import type { MessageEvent } from '../../shared/contract';
import { shouldNotify } from './attention';

const event = (direction: 'in' | 'out'): MessageEvent => ({
  message: { id: 'm', peerId: '10.0.0.2:2425', direction, text: 'hi', at: 1, broadcast: false },
  peer: null,
});

describe('shouldNotify', () => {
  it('notifies what arrives while the window is not focused', () => {
    expect(shouldNotify(event('in'), { focused: false, doNotDisturb: false })).toBe(true);
    expect(shouldNotify(event('in'), { focused: true, doNotDisturb: false })).toBe(false);
    expect(shouldNotify(event('out'), { focused: false, doNotDisturb: false })).toBe(false);
  });

  it('never notifies in do-not-disturb', () => {
    expect(shouldNotify(event('in'), { focused: false, doNotDisturb: true })).toBe(false);
  });
});
