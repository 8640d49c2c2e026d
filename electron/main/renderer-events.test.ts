import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS } from '../../shared/contract';
import type { ContractEvent } from '../../shared/contract';
import type { Peer } from '../../shared/model';
import { RendererEvents } from './renderer-events';

const peer = { id: '10.0.0.2:2425', nick: 'bob' } as Peer;
const ready: ContractEvent = {
  channel: 'engine:ready',
  payload: {
    bind: '0.0.0.0',
    port: 2425,
    nick: 'alice',
    group: '',
    user: 'alice',
    host: 'box',
    broadcast: [],
  },
};

function setup() {
  const sent: { channel: string; payload: unknown }[] = [];
  const events = new RendererEvents((channel, payload) => sent.push({ channel, payload }));
  return { sent, events };
}

describe('renderer events', () => {
  it('forwards engine events on their own channels', () => {
    const { sent, events } = setup();
    events.forward({ channel: 'peers:online', payload: peer });
    events.forward({
      channel: 'chat:delivery',
      payload: { messageId: 'm1', peerId: peer.id, delivery: { state: 'sent', attempts: 1 } },
    });
    events.forward({ channel: 'engine:stopped', payload: null });
    expect(sent).toEqual([
      { channel: 'peers:online', payload: peer },
      {
        channel: 'chat:delivery',
        payload: { messageId: 'm1', peerId: peer.id, delivery: { state: 'sent', attempts: 1 } },
      },
      { channel: 'engine:stopped', payload: null },
    ]);
    for (const { channel } of sent) expect(EVENT_CHANNELS).toContain(channel);
  });

  it('replays readiness, or why the engine failed, to a page that loads later', () => {
    const { sent, events } = setup();
    events.forward(ready);
    sent.length = 0;
    events.replay();
    expect(sent).toEqual([
      { channel: 'engine:ready', payload: expect.objectContaining({ nick: 'alice' }) },
    ]);

    sent.length = 0;
    events.forward({ channel: 'engine:stopped', payload: null });
    events.startFailed({
      code: 'port-in-use',
      params: { proto: 'UDP', bind: '0.0.0.0', port: 2425 },
    });
    sent.length = 0;
    events.replay();
    expect(sent).toEqual([
      {
        channel: 'engine:error',
        payload: { code: 'port-in-use', params: { proto: 'UDP', bind: '0.0.0.0', port: 2425 } },
      },
    ]);
  });

  it('asks the page to open a conversation (a notification was clicked)', () => {
    const { sent, events } = setup();
    events.openConversation(peer.id);
    expect(sent).toEqual([{ channel: 'ui:open-conversation', payload: { peerId: peer.id } }]);
    expect(EVENT_CHANNELS).toContain('ui:open-conversation');
  });
});
