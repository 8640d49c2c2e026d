import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS } from '../../shared/contract';
import type { EngineEvent, Peer } from '../../shared/model';
import { RendererEvents } from './renderer-events';

const peer = { id: '10.0.0.2:2425', nick: 'bob' } as Peer;
const ready: EngineEvent = {
  type: 'ready',
  bind: '0.0.0.0',
  port: 2425,
  nick: 'alice',
  group: '',
  user: 'alice',
  host: 'box',
  broadcast: [],
};

function setup() {
  const sent: { channel: string; payload: unknown }[] = [];
  const events = new RendererEvents((channel, payload) => sent.push({ channel, payload }));
  return { sent, events };
}

describe('renderer events', () => {
  it('forwards engine events on the contract’s channels only', () => {
    const { sent, events } = setup();
    events.forward({ type: 'peer-online', peer });
    events.forward({
      type: 'delivery',
      messageId: 'm1',
      peerId: peer.id,
      delivery: { state: 'sent', attempts: 1 },
    });
    events.forward({ type: 'stopped' });
    expect(sent).toEqual([
      { channel: 'peers:online', payload: peer },
      {
        channel: 'chat:delivery',
        payload: { messageId: 'm1', peerId: peer.id, delivery: { state: 'sent', attempts: 1 } },
      },
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
    events.forward({ type: 'stopped' });
    events.startFailed('port-in-use', 'UDP port 2425 is in use');
    sent.length = 0;
    events.replay();
    expect(sent).toEqual([
      {
        channel: 'engine:error',
        payload: { code: 'port-in-use', message: 'UDP port 2425 is in use' },
      },
    ]);
  });

  it('asks the page to open a conversation only through a contract channel', () => {
    const { sent, events } = setup();
    const delivered = events.openConversation(peer.id);
    if (EVENT_CHANNELS.includes('ui:open-conversation' as never)) {
      expect(delivered).toBe(true);
      expect(sent).toEqual([{ channel: 'ui:open-conversation', payload: { peerId: peer.id } }]);
    } else {
      expect(delivered).toBe(false);
      expect(sent).toEqual([]);
    }
  });
});
