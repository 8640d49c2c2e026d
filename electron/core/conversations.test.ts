import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../shared/model';
import { Conversations } from './conversations';

const msg = (id: string, peerId = 'p'): ChatMessage => ({
  id,
  peerId,
  direction: 'out',
  text: id,
  at: 0,
  broadcast: false,
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

  it('updates delivery by id', () => {
    const c = new Conversations();
    c.add(msg('1'));
    c.setDelivery('1', { state: 'delivered', at: 5 });
    c.setDelivery('missing', { state: 'delivered', at: 5 });
    expect(c.get('1')?.delivery).toEqual({ state: 'delivered', at: 5 });
  });

  it('keeps at most maxPerPeer messages per peer and forgets the dropped ones by id', () => {
    const c = new Conversations(3);
    for (const id of ['1', '2', '3', '4', '5']) c.add(msg(id));
    expect(c.list('p').map((m) => m.id)).toEqual(['3', '4', '5']);
    expect(c.get('1')).toBeUndefined();
    expect(c.get('5')?.id).toBe('5');
  });
});
