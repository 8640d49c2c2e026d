import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../model';
import { engineEventToContract } from './events';

describe('engineEventToContract', () => {
  it('maps engine events to contract channels without the type tag', () => {
    const ready: EngineEvent = {
      type: 'ready',
      bind: '0.0.0.0',
      port: 2425,
      nick: 'n',
      group: 'g',
      user: 'u',
      host: 'h',
      broadcast: [],
    };
    expect(engineEventToContract(ready)).toEqual({
      channel: 'engine:ready',
      payload: {
        bind: '0.0.0.0',
        port: 2425,
        nick: 'n',
        group: 'g',
        user: 'u',
        host: 'h',
        broadcast: [],
      },
    });
    expect(
      engineEventToContract({
        type: 'delivery',
        messageId: 'm',
        peerId: '1.2.3.4:2425',
        delivery: { state: 'failed', code: 'no-ack', reason: 'no answer' },
      }),
    ).toEqual({
      channel: 'chat:delivery',
      payload: {
        messageId: 'm',
        peerId: '1.2.3.4:2425',
        delivery: { state: 'failed', code: 'no-ack', reason: 'no answer' },
      },
    });
    expect(engineEventToContract({ type: 'error', code: 'x', message: 'y' })).toEqual({
      channel: 'engine:error',
      payload: { code: 'x', message: 'y' },
    });
    expect(engineEventToContract({ type: 'stopped' })).toBeNull();
  });
});
