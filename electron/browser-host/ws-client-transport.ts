import type { EventChannel, RequestChannel, Result, Transport } from '../../shared/contract';
import { parseHostFrame } from './ws-frames';

/** The part of a browser WebSocket the bridge uses (the `ws` client has it too, for tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

const OPEN = 1;

export interface WsTransportOptions {
  /** ws://127.0.0.1:PORT/ipc?token=... */
  url: string;
  connect: (url: string) => SocketLike;
  /** A request waits this long for the socket to (re)open before it fails. Default 10 s. */
  connectTimeoutMs?: number;
  /** Reconnect delays grow from `min` to `max` ms while the host stays away. */
  reconnectMs?: { min: number; max: number };
  /** Told when the connection comes and goes (for a console line). */
  onStatus?: (status: 'open' | 'closed') => void;
}

export interface WsTransport extends Transport {
  /** Stops reconnecting and closes the socket. */
  close(): void;
}

/**
 * The browser host's Transport: requests and results as JSON frames over one WebSocket, events
 * pushed by the host. If the socket drops (the host restarted, the laptop slept) it reconnects by
 * itself; requests in flight then fail with a transport error (createApi turns it into an
 * envelope), and requests made while it is away wait for the next connection.
 */
export function createWsTransport(opts: WsTransportOptions): WsTransport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const inFlight = new Map<number, (r: Result<unknown>) => void>();
  const waiting = new Set<() => void>();
  const backoff = opts.reconnectMs ?? { min: 250, max: 5000 };
  let delay = backoff.min;
  let socket: SocketLike | null = null;
  let nextId = 1;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const lost = (message: string): Result<unknown> => ({
    ok: false,
    error: { code: 'transport', message },
  });

  function open(): void {
    const s = opts.connect(opts.url);
    socket = s;
    s.onopen = () => {
      delay = backoff.min;
      opts.onStatus?.('open');
      for (const go of [...waiting]) go();
    };
    s.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      const frame = parseHostFrame(ev.data);
      if (!frame) return;
      if (frame.t === 'event') {
        for (const l of listeners.get(frame.ch) ?? []) l(frame.payload);
      } else if (typeof frame.id === 'number') {
        const settle = inFlight.get(frame.id);
        inFlight.delete(frame.id);
        settle?.(frame.result);
      }
    };
    s.onerror = () => undefined; // onclose follows and does the work
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      opts.onStatus?.('closed');
      for (const settle of inFlight.values()) settle(lost('the connection to Pigeon was lost'));
      inFlight.clear();
      if (closed) return;
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, backoff.max);
    };
  }

  function whenOpen(): Promise<SocketLike> {
    if (socket && socket.readyState === OPEN) return Promise.resolve(socket);
    return new Promise((resolve, reject) => {
      const limit = setTimeout(() => {
        waiting.delete(go);
        reject(
          new Error(
            'cannot reach Pigeon: is `pigeon serve --ui` still running, and is this the address (with its token) it printed?',
          ),
        );
      }, opts.connectTimeoutMs ?? 10_000);
      const go = () => {
        if (!socket || socket.readyState !== OPEN) return;
        clearTimeout(limit);
        waiting.delete(go);
        resolve(socket);
      };
      waiting.add(go);
    });
  }

  open();

  return {
    async invoke(channel: RequestChannel, payload: unknown): Promise<Result<unknown>> {
      if (closed) return lost('the transport is closed');
      const s = await whenOpen();
      const id = nextId++;
      return new Promise((resolve) => {
        inFlight.set(id, resolve);
        s.send(JSON.stringify({ t: 'invoke', id, ch: channel, req: payload }));
      });
    },
    on(channel: EventChannel, listener: (payload: unknown) => void) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
