import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MAX_REQUEST_FRAME_BYTES, type RequestHandler } from '../../shared/contract';
import type { AccessPolicy } from './access';
import { WS_PATH } from './ws-path';
import { failure, parseInvoke, type HostFrame } from './ws-frames';

/** A page that stops reading is dropped before its backlog eats the host's memory. */
const MAX_BACKLOG_BYTES = 64 * 1024 * 1024;

export interface WsEndpoint {
  /** Takes over an HTTP upgrade; refuses it unless path, Host, Origin and token all check out. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Sends one contract event to every connected page. */
  broadcast(channel: string, payload: unknown): void;
  readonly clients: number;
  close(): void;
}

export function createWsEndpoint(opts: {
  handle: RequestHandler;
  policy: AccessPolicy;
  onRefused?: (why: string, req: IncomingMessage) => void;
}): WsEndpoint {
  const wss = new WebSocketServer({
    noServer: true,
    // The same cap as stdin; a bigger frame is a protocol error (close 1009), not an answer,
    // because ws would have to buffer it whole before anyone could answer it.
    maxPayload: MAX_REQUEST_FRAME_BYTES,
    perMessageDeflate: false,
  });

  const send = (ws: WebSocket, frame: HostFrame | string) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BACKLOG_BYTES) {
      ws.terminate();
      return;
    }
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  };

  const onMessage = (ws: WebSocket, data: RawData, isBinary: boolean) => {
    if (isBinary) return send(ws, failure(null, 'bad-request', 'frames are JSON text'));
    const parsed = parseInvoke(rawText(data));
    if (!('ok' in parsed)) return send(ws, parsed);
    const { id, ch, req } = parsed.frame;
    // The dispatcher validates the channel and payload and never rejects.
    void opts.handle(ch, req).then((result) => send(ws, { t: 'result', id, result }));
  };

  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => onMessage(ws, data, isBinary));
    // An oversized frame or a protocol error closes this socket only; the host carries on.
    ws.on('error', () => ws.terminate());
  });

  const refuse = (socket: Duplex, status: string, why: string, req: IncomingMessage) => {
    opts.onRefused?.(why, req);
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };

  return {
    upgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      const url = req.url ?? '';
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      if (path !== WS_PATH) return refuse(socket, '404 Not Found', 'no such endpoint', req);
      if (!opts.policy.hostAllowed(req.headers.host)) {
        return refuse(socket, '403 Forbidden', `host ${String(req.headers.host)}`, req);
      }
      if (!opts.policy.originAllowed(req.headers.origin)) {
        return refuse(socket, '403 Forbidden', `origin ${String(req.headers.origin)}`, req);
      }
      const token = new URLSearchParams(q === -1 ? '' : url.slice(q + 1)).get('token');
      if (!opts.policy.tokenAllowed(token)) {
        return refuse(socket, '403 Forbidden', 'missing or wrong token', req);
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    broadcast(channel, payload) {
      if (wss.clients.size === 0) return;
      const text = JSON.stringify({ t: 'event', ch: channel, payload } satisfies HostFrame);
      for (const ws of wss.clients) send(ws, text);
    },
    get clients() {
      return wss.clients.size;
    },
    close() {
      for (const ws of wss.clients) ws.close(1001, 'pigeon is shutting down');
      wss.close();
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
