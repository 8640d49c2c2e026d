import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/model';
import {
  addUnread,
  appendMessages,
  applyDelivery,
  applySummaries,
  clearUnread,
  initialState,
  mergeHistory,
  totalUnread,
} from './app-state';

const peer = '10.0.0.2:2425';
function message(id: string, at: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id, peerId: peer, direction: 'out', text: id, at, broadcast: false, ...extra };
}

describe('app state', () => {
  it('appends in time order and ignores duplicates', () => {
    let s = appendMessages(initialState, [message('a', 1), message('c', 3)]);
    s = appendMessages(s, [message('b', 2), message('a', 1)]);
    expect(s.conversations.get(peer)?.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it('applies delivery updates without going backwards', () => {
    let s = appendMessages(initialState, [message('a', 1, { delivery: { state: 'queued' } })]);
    s = applyDelivery(s, { messageId: 'a', peerId: peer, delivery: { state: 'delivered', at: 5 } });
    s = applyDelivery(s, {
      messageId: 'a',
      peerId: peer,
      delivery: { state: 'sent', attempts: 2 },
    });
    expect(s.conversations.get(peer)?.[0]?.delivery).toEqual({ state: 'delivered', at: 5 });
  });

  it('parks a delivery update that beats its message', () => {
    let s = applyDelivery(initialState, {
      messageId: 'a',
      peerId: peer,
      delivery: { state: 'failed', code: 'no-ack', reason: 'gone' },
    });
    s = appendMessages(s, [message('a', 1, { delivery: { state: 'queued' } })]);
    expect(s.conversations.get(peer)?.[0]?.delivery?.state).toBe('failed');
    expect(s.pendingDelivery.size).toBe(0);
  });

  it('lets a retry (queued after failed) through', () => {
    let s = appendMessages(initialState, [
      message('a', 1, { delivery: { state: 'failed', code: 'no-ack', reason: 'x' } }),
    ]);
    s = applyDelivery(s, { messageId: 'a', peerId: peer, delivery: { state: 'queued' } });
    expect(s.conversations.get(peer)?.[0]?.delivery).toEqual({ state: 'queued' });
  });

  it('merges history with what events already brought', () => {
    let s = appendMessages(initialState, [message('c', 3)]);
    s = mergeHistory(s, peer, [message('a', 1), message('b', 2), message('c', 3)]);
    expect(s.conversations.get(peer)?.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(s.historyLoaded.has(peer)).toBe(true);
  });

  it('counts and clears unread, and seeds them from summaries', () => {
    let s = addUnread(addUnread(initialState, peer), peer);
    expect(totalUnread(s)).toBe(2);
    s = clearUnread(s, peer);
    expect(totalUnread(s)).toBe(0);
    s = applySummaries(s, [{ peerId: peer, last: message('z', 9), unread: 4 }]);
    expect(s.unread.get(peer)).toBe(4);
    expect(s.conversations.get(peer)?.[0]?.id).toBe('z');
  });
});
