import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/model';
import { STORE_BUDGET } from './budgets';
import { Conversations, messageBytes } from './conversations';

const msg = (id: string, peerId = 'p'): ChatMessage => ({
  id,
  peerId,
  direction: 'out',
  text: id,
  at: 0,
  broadcast: false,
  delivery: { state: 'queued' },
});

describe('Conversations', () => {
  it("lists a peer's messages oldest first, as a copy", () => {
    const c = new Conversations();
    c.add(msg('1'));
    c.add(msg('2'));
    c.add(msg('x', 'other'));
    const list = c.list('p');
    expect(list.map((m) => m.id)).toEqual(['1', '2']);
    list.pop();
    expect(c.list('p')).toHaveLength(2);
    expect(c.list('nobody')).toEqual([]);
  });

  it('updates the delivery of an outgoing message by id until it is delivered', () => {
    const c = new Conversations();
    c.add(msg('1'));
    c.setDelivery('1', { state: 'sent', attempts: 1 });
    expect(c.undelivered('1')?.delivery).toEqual({ state: 'sent', attempts: 1 });
    c.setDelivery('1', { state: 'delivered', at: 5 });
    c.setDelivery('missing', { state: 'delivered', at: 5 });
    expect(c.list('p')[0]?.delivery).toEqual({ state: 'delivered', at: 5 });
    // Delivered is final: nothing can change it or retry it any more.
    expect(c.undelivered('1')).toBeUndefined();
    c.setDelivery('1', { state: 'failed', code: 'no-ack', params: { peer: 'late' } });
    expect(c.list('p')[0]?.delivery).toEqual({ state: 'delivered', at: 5 });
  });

  it('keeps a failed message findable for a retry', () => {
    const c = new Conversations();
    c.add(msg('1'));
    c.setDelivery('1', { state: 'failed', code: 'no-ack', params: { peer: 'gone' } });
    expect(c.undelivered('1')?.delivery?.state).toBe('failed');
  });

  it('keeps a message that was stored already failed findable for a retry', () => {
    const c = new Conversations();
    c.add({ ...msg('1'), delivery: { state: 'failed', code: 'not-started', params: {} } });
    expect(c.undelivered('1')?.delivery?.state).toBe('failed');
  });

  it('does not index incoming messages or broadcasts (nothing can change them)', () => {
    const c = new Conversations();
    c.add({ ...msg('in'), direction: 'in', delivery: undefined });
    c.add({ ...msg('all'), broadcast: true, delivery: { state: 'sent', attempts: 1 } });
    expect(c.undelivered('in')).toBeUndefined();
    expect(c.undelivered('all')).toBeUndefined();
    expect(c.list('p').map((m) => m.id)).toEqual(['in', 'all']);
  });

  it('keeps at most maxPerPeer messages per peer and forgets the dropped ones by id', () => {
    const c = new Conversations({ maxPerPeer: 3 });
    for (const id of ['1', '2', '3', '4', '5']) c.add(msg(id));
    expect(c.list('p').map((m) => m.id)).toEqual(['3', '4', '5']);
    expect(c.undelivered('1')).toBeUndefined();
    expect(c.undelivered('5')?.id).toBe('5');
  });

  it('forgets the least recently active conversation past maxConversations', () => {
    const c = new Conversations({ maxPerPeer: 100, maxConversations: 2 });
    c.add(msg('a1', 'a'));
    c.add(msg('b1', 'b'));
    c.add(msg('a2', 'a')); // a is now the most recently active
    c.add(msg('c1', 'c')); // b goes
    expect(c.list('b')).toEqual([]);
    expect(c.undelivered('b1')).toBeUndefined();
    expect(c.list('a').map((m) => m.id)).toEqual(['a1', 'a2']);
    expect(c.summaries().map((s) => s.peerId)).toEqual(['a', 'c']);
  });

  it('keeps at most maxMessages in all, taking them from the least recently active first', () => {
    const c = new Conversations({ maxPerPeer: 100, maxConversations: 100, maxMessages: 5 });
    for (const id of ['a1', 'a2', 'a3']) c.add(msg(id, 'a'));
    for (const id of ['b1', 'b2']) c.add(msg(id, 'b'));
    c.add(msg('c1', 'c')); // 6 in all: a (least recently active) gives up a1
    expect(c.list('a').map((m) => m.id)).toEqual(['a2', 'a3']);
    expect(c.undelivered('a1')).toBeUndefined();
    c.add(msg('c2', 'c'));
    c.add(msg('c3', 'c')); // a gives up a2 and a3, and goes
    expect(c.list('a')).toEqual([]);
    expect(c.summaries().map((s) => s.peerId)).toEqual(['b', 'c']);
    expect([...c.list('b'), ...c.list('c')].map((m) => m.id)).toEqual([
      'b1',
      'b2',
      'c1',
      'c2',
      'c3',
    ]);
    // A forgotten conversation gives its count back.
    const d = new Conversations({ maxPerPeer: 100, maxConversations: 1, maxMessages: 3 });
    d.add(msg('x1', 'x'));
    d.add(msg('x2', 'x'));
    d.add(msg('y1', 'y')); // x is forgotten as a whole (one conversation at most)
    d.add(msg('y2', 'y'));
    d.add(msg('y3', 'y'));
    expect(d.list('y').map((m) => m.id)).toEqual(['y1', 'y2', 'y3']);
  });

  describe('byte budgets', () => {
    const text = (id: string, peerId: string, chars: number): ChatMessage => ({
      ...msg(id, peerId),
      direction: 'in',
      delivery: undefined,
      text: id.padEnd(chars, '.'),
    });
    /** What n messages of this many characters cost. */
    const cost = (chars: number, n = 1) => n * (STORE_BUDGET.messageOverhead + 2 * chars);

    it('counts a message by its text (2 bytes a code unit), raw bytes and record', () => {
      expect(messageBytes(text('1', 'p', 1000))).toBe(cost(1000));
      const raw = {
        ...text('2', 'p', 0),
        text: '',
        undecodable: { rawBase64: 'QUJD', encoding: 'gbk' },
      };
      expect(messageBytes(raw)).toBe(STORE_BUDGET.messageOverhead + 8);
    });

    it('keeps one conversation within maxPeerBytes, dropping its oldest', () => {
      const c = new Conversations({ maxPeerBytes: cost(1000, 3) });
      for (const id of ['1', '2', '3', '4', '5']) c.add(text(id, 'p', 1000));
      expect(c.list('p').map((m) => m.id)).toEqual(['3', '4', '5']);
      expect(c.size()).toEqual({ messages: 3, bytes: cost(1000, 3) });
      // One message larger than the budget is still kept: it is the newest.
      c.add(text('big', 'p', 10_000));
      expect(c.list('p').map((m) => m.id)).toEqual(['big']);
      expect(c.size()).toEqual({ messages: 1, bytes: cost(10_000) });
    });

    it('gives back what a message forgot by id cost, and drops the rest at their own cost', () => {
      const c = new Conversations({ maxPerPeer: 3 });
      c.add(text('1', 'p', 100));
      c.add(text('2', 'p', 2000));
      c.add(text('3', 'p', 300));
      c.forget({ messageId: '2' });
      expect(c.size()).toEqual({ messages: 2, bytes: cost(100) + cost(300) });
      for (const id of ['4', '5']) c.add(text(id, 'p', 50));
      // '1' went to make room: what stays is what is counted.
      expect(c.list('p').map((m) => m.id)).toEqual(['3', '4', '5']);
      expect(c.size()).toEqual({ messages: 3, bytes: cost(300) + cost(50, 2) });
    });

    it('keeps everything within maxBytes, the least recently active giving up its oldest', () => {
      const c = new Conversations({ maxBytes: cost(1000, 4) });
      c.add(text('a1', 'a', 1000));
      c.add(text('a2', 'a', 1000));
      c.add(text('b1', 'b', 1000));
      c.add(text('b2', 'b', 1000));
      c.add(text('c1', 'c', 1000)); // a is the least recently active: a1 goes
      expect(c.list('a').map((m) => m.id)).toEqual(['a2']);
      c.add(text('c2', 'c', 2000)); // costs two: a2 goes, then b1
      expect(c.list('a')).toEqual([]);
      expect(c.list('b').map((m) => m.id)).toEqual(['b2']);
      expect(c.summaries().map((s) => s.peerId)).toEqual(['b', 'c']);
      expect(c.size().bytes).toBeLessThanOrEqual(cost(1000, 4));
      // A forgotten conversation gives its bytes back.
      const d = new Conversations({ maxConversations: 1 });
      d.add(text('x', 'x', 1000));
      d.add(text('y', 'y', 500));
      expect(d.size()).toEqual({ messages: 1, bytes: cost(500) });
    });

    it('holds a flood of 60 KB messages from forged peers to the budget, and lets go of it', () => {
      const c = new Conversations();
      c.add(text('mine', 'colleague', 100));
      for (let i = 0; i < 3000; i++) c.add(text(`f${i}`, `10.9.${i % 300}.1:2425`, 60 * 1024));
      const { bytes, messages } = c.size();
      expect(bytes).toBeLessThanOrEqual(STORE_BUDGET.totalBytes);
      expect(bytes).toBeGreaterThan(STORE_BUDGET.totalBytes - cost(60 * 1024));
      expect(messages).toBeLessThan(3000);
      // The newest are what is kept; the oldest (the colleague's) went first.
      expect(c.list('10.9.299.1:2425').at(-1)?.id).toBe('f2999');
      expect(c.list('colleague')).toEqual([]);
    });
  });
});
