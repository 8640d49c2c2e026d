import { describe, expect, it, vi } from 'vitest';
import type { Peer } from '../model';
import { createApi, methodPath } from './api';
import type { Transport } from './api';
import type { EventChannel } from './events';
import { createRequestHandler } from './handler';
import type { Handlers } from './handler';
import { REQUEST_CHANNELS } from './requests';
import { ok } from './result';

const peer: Peer = {
  id: '127.0.0.2:2425',
  address: '127.0.0.2',
  port: 2425,
  nick: '小红',
  group: '',
  user: 'xh',
  host: 'pc',
  client: 'iptux',
  version: '1_iptux 0.8.3',
  encoding: 'utf-8',
  capabilities: { utf8: true, files: true, echo: false, proof: false, dialup: false },
  away: false,
  online: true,
  announced: true,
  lastSeen: 1,
};

/** A JSON-only transport (like the WebSocket host) with an event emitter. */
function fakeTransport(handle: (ch: string, p: unknown) => Promise<unknown>) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const transport: Transport = {
    invoke: async (ch, p) =>
      JSON.parse(JSON.stringify(await handle(ch, JSON.parse(JSON.stringify(p))))),
    on(ch, l) {
      const set = listeners.get(ch) ?? new Set();
      listeners.set(ch, set);
      set.add(l);
      return () => set.delete(l);
    },
  };
  const emit = (ch: EventChannel, payload: unknown) =>
    listeners.get(ch)?.forEach((l) => l(JSON.parse(JSON.stringify(payload))));
  return { transport, emit };
}

describe('createApi', () => {
  it('has one method per request channel, nested by domain', () => {
    const api = createApi({ invoke: async () => ok(null), on: () => () => {} });
    for (const ch of REQUEST_CHANNELS) {
      const [domain, method] = methodPath(ch);
      const group = (api as unknown as Record<string, Record<string, unknown>>)[domain];
      expect(typeof group?.[method], ch).toBe('function');
    }
    expect(methodPath('chat:mark-read')).toEqual(['chat', 'markRead']);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('round-trips through a JSON transport into the request handler', async () => {
    const list = vi.fn(() => [peer]);
    const handle = createRequestHandler({
      'peers:list': list,
      'peers:add': () => null,
      'chat:send': ({ to, text }) => ({ ids: to.map((peerId, i) => `m${i}-${peerId}-${text}`) }),
    } as Partial<Handlers> as Handlers);
    const api = createApi(fakeTransport(handle).transport);

    expect(await api.peers.list()).toEqual({ ok: true, value: [peer] });
    expect(list).toHaveBeenCalledWith(null);
    const sent = await api.chat.send({ to: ['127.0.0.2:2425'], text: '你好' });
    expect(sent.ok && sent.value.ids[0]).toBe('m0-127.0.0.2:2425-你好');
    expect(await api.peers.add({ address: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect(await api.invoke('peers:add', { address: '10.0.0.1' })).toEqual({
      ok: true,
      value: null,
    });
  });

  it('turns transport failures into envelopes, never rejections', async () => {
    const api = createApi({
      invoke: () => Promise.reject(new Error('socket closed')),
      on: () => () => {},
    });
    expect(await api.app.info()).toEqual({
      ok: false,
      error: { code: 'transport', message: 'socket closed' },
    });
    const garbled = createApi({
      invoke: async () => ({ nope: true }) as never,
      on: () => () => {},
    });
    expect(await garbled.settings.get()).toMatchObject({ error: { code: 'transport' } });
  });

  it('delivers typed events and unsubscribes', () => {
    const { transport, emit } = fakeTransport(async () => ok(null));
    const api = createApi(transport);
    const seen: string[] = [];
    const off = api.on('peers:online', (p) => seen.push(p.nick));
    emit('peers:online', peer);
    off();
    emit('peers:online', peer);
    expect(seen).toEqual(['小红']);
    expect(() => api.on('nope' as EventChannel, () => {})).toThrow(/unknown event channel/);
  });
});

// Type-level: methods derive from channels; payload-less channels take no argument.
export function typeChecks(api: ReturnType<typeof createApi>): void {
  void api.chat.markRead({ peerId: '1.2.3.4:2425' });
  void api.peers.refresh();
  void api.settings.update({ theme: 'dark' });
  // @ts-expect-error a payload-less channel takes no payload
  void api.peers.list({});
  // @ts-expect-error the payload is checked
  void api.chat.send({ to: 'x', text: 'y' });
  // @ts-expect-error unknown domains do not exist
  void api.nosuch;
}
