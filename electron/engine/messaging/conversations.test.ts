import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/model';
import { Conversations } from './conversations';

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
    const c = new Conversations(3);
    for (const id of ['1', '2', '3', '4', '5']) c.add(msg(id));
    expect(c.list('p').map((m) => m.id)).toEqual(['3', '4', '5']);
    expect(c.undelivered('1')).toBeUndefined();
    expect(c.undelivered('5')?.id).toBe('5');
  });

  it('forgets the least recently active conversation past maxConversations', () => {
    const c = new Conversations(100, 2);
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
    const c = new Conversations(100, 100, 5);
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
    const d = new Conversations(100, 1, 3);
    d.add(msg('x1', 'x'));
    d.add(msg('x2', 'x'));
    d.add(msg('y1', 'y')); // x is forgotten as a whole (one conversation at most)
    d.add(msg('y2', 'y'));
    d.add(msg('y3', 'y'));
    expect(d.list('y').map((m) => m.id)).toEqual(['y1', 'y2', 'y3']);
  });
});
