import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/model';
import { copyable } from './message-copy';

const base: ChatMessage = {
  id: 'm',
  peerId: '10.0.0.2:2425',
  direction: 'in',
  text: 'hello',
  at: 1,
  broadcast: false,
};

describe('copyable', () => {
  it('offers Copy for words, not for an unopened sealed message or a files-only offer', () => {
    expect(copyable(base)).toBe(true);
    expect(copyable({ ...base, text: '', sealed: { openedAt: null } })).toBe(false);
    expect(copyable({ ...base, sealed: { openedAt: null } })).toBe(false);
    expect(copyable({ ...base, sealed: { openedAt: 5 } })).toBe(true);
    // Ours, sealed and not yet opened by them: our own words.
    expect(copyable({ ...base, direction: 'out', sealed: { openedAt: null } })).toBe(true);
    expect(copyable({ ...base, text: '', files: ['t1'] })).toBe(false);
  });
});
