import { describe, expect, it } from 'vitest';
import { rememberedPeer } from './remembered-peer';

const stored = {
  id: '10.0.0.5:2425',
  nick: 'Bea',
  group: 'ops',
  user: 'bea',
  host: 'bea-pc',
  client: 'feiq',
  announced: true,
  lastSeen: 42,
};

describe('rememberedPeer', () => {
  it('is offline and unannounced whatever the history says, with its names', () => {
    expect(rememberedPeer(stored)).toMatchObject({
      address: '10.0.0.5',
      port: 2425,
      nick: 'Bea',
      client: 'feiq',
      online: false,
      announced: false,
      lastSeen: 42,
    });
  });

  it('falls back to the address for a nameless peer and to unknown for a strange client', () => {
    expect(rememberedPeer({ ...stored, nick: '', client: 'evil' })).toMatchObject({
      nick: '10.0.0.5',
      client: 'unknown',
    });
  });

  it('refuses ids that are not address:port', () => {
    for (const id of [
      '10.0.0.5',
      ':2425',
      '10.0.0.5:0',
      '10.0.0.5:70000',
      '10.0.0.5:x',
      'evil:2425',
    ])
      expect(rememberedPeer({ ...stored, id })).toBeUndefined();
  });
});
