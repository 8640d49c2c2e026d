import { describe, expect, it } from 'vitest';
import type { ChatMessage, Peer } from '../../../shared/model';
import {
  appendMessages,
  applyDeleted,
  applyDelivery,
  applyOpened,
  applyPinned,
  applySummaries,
  initialState,
  mergeHistory,
  openHistoryAt,
  setUnread,
  totalUnread,
  withoutDeleted,
} from './app-state';

const peer = '10.0.0.2:2425';
function message(id: string, at: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id, peerId: peer, direction: 'out', text: id, at, broadcast: false, ...extra };
}

describe('app state', () => {
  it('takes deleted messages and conversations out, whichever window deleted them', () => {
    const other = '10.0.0.3:2425';
    let s = appendMessages(initialState, [
      message('a', 1),
      message('b', 2),
      { ...message('x', 3), peerId: other },
    ]);
    s = mergeHistory(s, peer, [], true);
    s = { ...setUnread(s, other, 2), focus: { peerId: peer, messageId: 'b' } };
    const one = applyDeleted(s, { scope: 'message', peerId: peer, messageIds: ['b'] });
    expect(one.conversations.get(peer)?.map((m) => m.id)).toEqual(['a']);
    expect(one.focus).toBeNull();
    expect(applyDeleted(s, { scope: 'message', peerId: peer, messageIds: ['zz'] })).toBe(s);
    // The last one loaded: the conversation reloads from the engine when opened.
    const none = applyDeleted(one, { scope: 'message', peerId: peer, messageIds: ['a'] });
    expect(none.conversations.has(peer)).toBe(false);
    expect(none.historyLoaded.has(peer)).toBe(false);
    expect(none.historyMore.has(peer)).toBe(false);
    const conv = applyDeleted(s, { scope: 'conversation', peerId: other });
    expect([...conv.conversations.keys()]).toEqual([peer]);
    expect(conv.unread.has(other)).toBe(false);
    expect(conv.focus).toEqual(s.focus);
    const all = applyDeleted(s, { scope: 'all' });
    expect(all.conversations.size + all.unread.size + all.historyLoaded.size).toBe(0);

    const hit = (id: string, peerId: string) => ({
      message: { ...message(id, 1), peerId },
      conversation: { peerId, name: peerId },
      ranges: [] as [number, number][],
    });
    const hits = [hit('a', peer), hit('b', peer), hit('x', other)];
    const ids = (h: { message: { id: string } }[]) => h.map((x) => x.message.id);
    expect(
      ids(withoutDeleted(hits, { scope: 'message', peerId: peer, messageIds: ['b'] })),
    ).toEqual(['a', 'x']);
    expect(ids(withoutDeleted(hits, { scope: 'conversation', peerId: peer }))).toEqual(['x']);
    expect(withoutDeleted(hits, { scope: 'all' })).toEqual([]);
  });

  it('appends in time order and ignores duplicates', () => {
    let s = appendMessages(initialState, [message('a', 1), message('c', 3)]);
    s = appendMessages(s, [message('b', 2), message('a', 1)]);
    expect(s.conversations.get(peer)?.map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });

  it("applies the engine's delivery updates in the order they come", () => {
    let s = appendMessages(initialState, [message('a', 1, { delivery: { state: 'queued' } })]);
    s = applyDelivery(s, {
      messageId: 'a',
      peerId: peer,
      delivery: { state: 'sent', attempts: 1 },
    });
    s = applyDelivery(s, { messageId: 'a', peerId: peer, delivery: { state: 'delivered', at: 5 } });
    expect(s.conversations.get(peer)?.[0]?.delivery).toEqual({ state: 'delivered', at: 5 });
  });

  it("leaves an update for a message it never saw to that conversation's history", () => {
    const s = applyDelivery(initialState, {
      messageId: 'a',
      peerId: peer,
      delivery: { state: 'failed', code: 'no-ack', params: {} },
    });
    expect(s).toBe(initialState);
  });

  it('shows a sealed message of ours opened, and one that arrived with its text once opened', () => {
    let s = appendMessages(initialState, [
      message('out', 1, { sealed: { openedAt: null }, delivery: { state: 'delivered', at: 2 } }),
      message('in', 3, { direction: 'in', text: '', sealed: { openedAt: null } }),
    ]);
    s = applyOpened(s, { messageId: 'out', peerId: peer, openedAt: 10 });
    s = applyOpened(s, { messageId: 'in', peerId: peer, openedAt: 11, text: 'psst' });
    const [out, inn] = s.conversations.get(peer) ?? [];
    expect(out).toMatchObject({ text: 'out', sealed: { openedAt: 10 } });
    expect(out?.delivery).toEqual({ state: 'delivered', at: 2 });
    expect(inn).toMatchObject({ text: 'psst', sealed: { openedAt: 11 } });
    // One this page never loaded is left to its history.
    expect(applyOpened(initialState, { messageId: 'x', peerId: peer, openedAt: 1 })).toBe(
      initialState,
    );
  });

  it('marks a message pinned and unpinned in place, and leaves one it never loaded alone', () => {
    let s = appendMessages(initialState, [message('a', 1), message('b', 2)]);
    s = applyPinned(s, peer, 'a', true);
    expect(s.conversations.get(peer)?.map((m) => m.pinned)).toEqual([true, undefined]);
    s = applyPinned(s, peer, 'a', false);
    expect(s.conversations.get(peer)?.[0]).toEqual(message('a', 1));
    expect(applyPinned(s, peer, 'x', true)).toBe(s);
    expect(applyPinned(initialState, peer, 'a', true)).toBe(initialState);
  });

  it('counts unread per conversation and in all, as the engine says', () => {
    let s = setUnread(initialState, peer, 2);
    s = setUnread(s, '10.0.0.3:2425', 1);
    expect([s.unread.get(peer), totalUnread(s)]).toEqual([2, 3]);
    s = setUnread(s, peer, 0);
    expect([s.unread.has(peer), totalUnread(s)]).toEqual([false, 1]);
  });

  it('merges history with what events already brought', () => {
    let s = appendMessages(initialState, [message('c', 3)]);
    s = mergeHistory(s, peer, [message('a', 1), message('b', 2), message('c', 3)]);
    expect(s.conversations.get(peer)?.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(s.historyLoaded.has(peer)).toBe(true);
  });

  it('pages older history in, remembering whether more remains', () => {
    let s = mergeHistory(initialState, peer, [message('c', 3), message('d', 4)], true);
    expect(s.historyMore.has(peer)).toBe(true);
    s = mergeHistory(s, peer, [message('a', 1), message('b', 2)], false);
    expect(s.conversations.get(peer)?.map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(s.historyMore.has(peer)).toBe(false);
  });

  it('opens a conversation at a search hit, replacing what was loaded, and marks the hit', () => {
    let s = mergeHistory(initialState, peer, [message('y', 90), message('z', 99)], true);
    s = openHistoryAt(
      s,
      peer,
      { messages: [message('k', 10), message('l', 11)], more: true, newer: true },
      'k',
    );
    expect(s.conversations.get(peer)?.map((m) => m.id)).toEqual(['k', 'l']);
    expect([s.activeId, s.focus]).toEqual([peer, { peerId: peer, messageId: 'k' }]);
    expect([s.historyMore.has(peer), s.historyNewer.has(peer)]).toEqual([true, true]);
  });

  it("keeps the engine's unread counts, and seeds them from summaries", () => {
    let s = setUnread(initialState, peer, 2);
    expect(totalUnread(s)).toBe(2);
    s = setUnread(s, peer, 0);
    expect(totalUnread(s)).toBe(0);
    expect(s.unread.has(peer)).toBe(false);
    s = applySummaries(s, [{ peerId: peer, last: message('z', 9), unread: 4 }]);
    expect(s.unread.get(peer)).toBe(4);
    expect(s.conversations.get(peer)?.[0]?.id).toBe('z');
  });

  it('names conversations by remembered peers, never over a live one', () => {
    const remembered: Peer = {
      id: peer,
      address: '10.0.0.2',
      port: 2425,
      nick: '阿明',
      group: '',
      user: 'ming',
      host: 'pc',
      client: 'iptux',
      version: '',
      encoding: 'utf-8',
      capabilities: { utf8: false, files: false, echo: false, proof: false, dialup: false },
      away: false,
      online: false,
      announced: false,
      lastSeen: 1,
    };
    const s = applySummaries(initialState, [{ peerId: peer, last: null, unread: 0, remembered }]);
    expect(s.peers.get(peer)).toMatchObject({ nick: '阿明', online: false });
    const live = { ...remembered, nick: 'Ming (live)', online: true };
    const withLive = { ...initialState, peers: new Map([[peer, live]]) };
    const kept = applySummaries(withLive, [{ peerId: peer, last: null, unread: 0, remembered }]);
    expect(kept.peers.get(peer)).toBe(live);
  });
});
