import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../../shared/contract';
import { createWsTransport, type SocketLike } from './ws-client-transport';

/** A socket the test opens, answers and drops by hand. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  push(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const transport = createWsTransport({
    url: 'ws://127.0.0.1:1/ipc?token=t',
    connect: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    reconnectMs: { min: 100, max: 400 },
    connectTimeoutMs: 1000,
  });
  return { sockets, transport, api: createApi(transport) };
}

afterEach(() => vi.useRealTimers());

describe('the bridge transport', () => {
  it('waits for the socket, then matches results to requests by id', async () => {
    const { sockets, api } = setup();
    const info = api.app.info();
    const peers = api.peers.list();
    await Promise.resolve();
    const s = sockets[0] as FakeSocket;
    expect(s.sent).toEqual([]);
    s.open();
    await vi.waitFor(() => expect(s.sent).toHaveLength(2));
    const [first, second] = s.sent;
    expect(first).toMatchObject({ t: 'invoke', ch: 'app:info', req: null });
    s.push({ t: 'result', id: second?.id, result: { ok: true, value: [] } });
    s.push({
      t: 'result',
      id: first?.id,
      result: { ok: false, error: { code: 'x', message: 'm' } },
    });
    expect(await peers).toEqual({ ok: true, value: [] });
    expect(await info).toEqual({ ok: false, error: { code: 'x', message: 'm' } });
  });

  it('delivers pushed events to listeners until they unsubscribe, ignoring junk', () => {
    const { sockets, api } = setup();
    const s = sockets[0] as FakeSocket;
    s.open();
    const got: unknown[] = [];
    const off = api.on('peers:online', (p) => got.push(p.nick));
    s.push({ t: 'event', ch: 'peers:online', payload: { nick: 'a' } });
    s.onmessage?.({ data: 'garbage' });
    s.onmessage?.({ data: new Uint8Array(2) });
    s.push({ t: 'event', ch: 'peers:offline', payload: { nick: 'b' } });
    off();
    s.push({ t: 'event', ch: 'peers:online', payload: { nick: 'c' } });
    expect(got).toEqual(['a']);
  });

  it('fails requests in flight when the socket drops, then reconnects and carries on', async () => {
    vi.useFakeTimers();
    const { sockets, api } = setup();
    const s1 = sockets[0] as FakeSocket;
    s1.open();
    const lost = api.peers.list();
    await vi.waitFor(() => expect(s1.sent).toHaveLength(1));
    s1.drop();
    expect(await lost).toMatchObject({ ok: false, error: { code: 'transport' } });

    const later = api.peers.list(); // made while away: waits for the next socket
    await vi.advanceTimersByTimeAsync(100);
    const s2 = sockets[1] as FakeSocket;
    expect(s2).toBeDefined();
    s2.open();
    await vi.waitFor(() => expect(s2.sent).toHaveLength(1));
    s2.push({ t: 'result', id: s2.sent[0]?.id, result: { ok: true, value: [] } });
    expect(await later).toEqual({ ok: true, value: [] });
  });

  it('backs off while the host stays away, and gives up on a request after the timeout', async () => {
    vi.useFakeTimers();
    const { sockets, api } = setup();
    const waiting = api.app.info();
    (sockets[0] as FakeSocket).drop();
    await vi.advanceTimersByTimeAsync(100);
    (sockets[1] as FakeSocket).drop();
    await vi.advanceTimersByTimeAsync(199);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await waiting).toMatchObject({ ok: false, error: { code: 'transport' } });
  });

  it('stops for good when closed', async () => {
    vi.useFakeTimers();
    const { sockets, transport, api } = setup();
    (sockets[0] as FakeSocket).open();
    transport.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets).toHaveLength(1);
    expect(await api.app.info()).toMatchObject({ ok: false, error: { code: 'transport' } });
  });
});
