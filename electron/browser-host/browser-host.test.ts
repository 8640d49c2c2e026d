import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApi, MAX_REQUEST_FRAME_BYTES } from '../../shared/contract';
import type { ContractEvent, PigeonApi } from '../../shared/contract';
import { createEngine, type Engine } from '../engine/engine';
import { defaultSettings } from '../engine/settings/settings';
import { CSP_HEADER } from '../renderer-serving/content-security-policy';
import { startBrowserHost, type BrowserHost } from './browser-host';
import { createWsTransport, type SocketLike } from './ws-client-transport';

// Two real engines on loopback addresses of their own, each told only about the other: nothing
// leaves 127.0.0.0/8. The host under test serves engine A.
const A = '127.0.0.61';
const B = '127.0.0.62';
const PORT = 30_000 + Math.floor(Math.random() * 10_000);

let tmp: string;
let a: Engine;
let b: Engine;
let host: BrowserHost;
const bEvents: ContractEvent[] = [];

function engineAt(address: string, peer: string, nick: string): Engine {
  const dataDir = fs.mkdtempSync(path.join(tmp, `data-${nick}-`));
  return createEngine(
    defaultSettings({ nick, bind: address, port: PORT, broadcast: [peer], dataDir }),
    { ui: { shell: 'browser', firstRun: false } },
  );
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-ui-host-'));
  const rendererDir = path.join(tmp, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><head><script type="module" src="./assets/app.js"></script></head>',
  );
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'export {};');
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'secret');
  const bridgeFile = path.join(tmp, 'bridge.js');
  fs.writeFileSync(bridgeFile, '/* bridge */');

  a = engineAt(A, B, 'alice');
  b = engineAt(B, A, '小北');
  b.subscribe((e) => bEvents.push(e));
  host = await startBrowserHost({
    handle: a.request,
    subscribe: (l) => a.subscribe(l),
    rendererDir,
    bridgeFile,
    port: 0,
  });
  await a.start();
  await b.start();
});

afterAll(async () => {
  await host?.close();
  await a?.stop();
  await b?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const origin = () => `http://127.0.0.1:${host.port}`;

/** A raw HTTP request: the path goes out exactly as written (no URL normalisation). */
function get(
  rawPath: string,
  opts: { method?: string; host?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: rawPath,
        method: opts.method ?? 'GET',
        headers: { host: opts.host ?? `127.0.0.1:${host.port}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket; resolves with it, or with the HTTP status that refused the handshake. */
function connect(
  query: string,
  opts: { origin?: string | null; path?: string } = {},
): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    const o = opts.origin === undefined ? origin() : opts.origin;
    if (o !== null) headers.origin = o;
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${opts.path ?? '/ipc'}${query}`, {
      headers,
    });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

async function open(): Promise<WebSocket> {
  const ws = await connect(`?token=${host.token}`);
  if (typeof ws === 'number') throw new Error(`refused with ${ws}`);
  return ws;
}

function nextFrame(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
  });
}

function api(): { api: PigeonApi; close: () => void } {
  const transport = createWsTransport({
    url: `ws://127.0.0.1:${host.port}/ipc?token=${host.token}`,
    connect: (u) => new WebSocket(u, { origin: origin() }) as unknown as SocketLike,
  });
  return { api: createApi(transport), close: () => transport.close() };
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the browser host over HTTP', () => {
  it('prints a loopback URL with a token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.urls).toEqual([host.url]);
  });

  it('serves index.html with the bridge and the app CSP', async () => {
    const res = await get(`/?token=${host.token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(CSP_HEADER);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).toContain(
      '<script src="/__bridge.js"></script><script type="module" src="./assets/app.js">',
    );
    expect((await get('/index.html')).body).toBe(res.body);
    const bridge = await get('/__bridge.js');
    expect(bridge.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(bridge.body).toBe('/* bridge */');
    const asset = await get('/assets/app.js');
    expect([asset.status, asset.headers['content-type']]).toEqual([
      200,
      'text/javascript; charset=utf-8',
    ]);
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt']) {
      const res = await get(p);
      expect(res.status, p).toBe(403);
      expect(res.body).not.toContain('secret\n');
    }
    expect((await get('/nope.js')).status).toBe(404);
    expect((await get('/assets')).status).toBe(404);
  });

  it('refuses other methods and foreign Host names (DNS rebinding)', async () => {
    expect((await get('/', { method: 'POST' })).status).toBe(405);
    expect((await get('/', { host: `rebound.example:${host.port}` })).status).toBe(421);
  });
});

describe('the browser host WebSocket', () => {
  it('refuses a wrong or missing token, a foreign or missing Origin, another path', async () => {
    expect(await connect('')).toBe(403);
    expect(await connect('?token=')).toBe(403);
    expect(await connect(`?token=${host.token.slice(1)}`)).toBe(403);
    expect(await connect(`?token=${host.token}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await connect(`?token=${host.token}`, { origin: `http://127.0.0.1:1` })).toBe(403);
    expect(await connect(`?token=${host.token}`, { origin: null })).toBe(403);
    expect(await connect(`?token=${host.token}`, { path: '/other' })).toBe(404);
    expect(host.clients).toBe(0);
  });

  it('answers malformed frames with an error result and keeps the socket', async () => {
    const ws = await open();
    ws.send('this is not json');
    expect(await nextFrame(ws)).toMatchObject({
      t: 'result',
      id: null,
      result: { ok: false, error: { code: 'bad-json' } },
    });
    ws.send(JSON.stringify({ t: 'invoke', id: 5 }));
    expect(await nextFrame(ws)).toMatchObject({
      id: 5,
      result: { error: { code: 'bad-request' } },
    });
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await nextFrame(ws)).toMatchObject({ result: { error: { code: 'bad-request' } } });
    ws.send(JSON.stringify({ t: 'invoke', id: 6, ch: 'shell:exec', req: 'rm -rf /' }));
    expect(await nextFrame(ws)).toMatchObject({
      id: 6,
      result: { error: { code: 'unknown-channel' } },
    });
    ws.send(JSON.stringify({ t: 'invoke', id: 7, ch: 'chat:send', req: { to: 'x', text: 1 } }));
    expect(await nextFrame(ws)).toMatchObject({
      id: 7,
      result: { error: { code: 'invalid-request' } },
    });
    ws.send(JSON.stringify({ t: 'invoke', id: 8, ch: 'app:info', req: null }));
    expect(await nextFrame(ws)).toMatchObject({ id: 8, result: { ok: true } });
    ws.close();
  });

  it('drops a socket that sends an oversized frame, and only that socket', async () => {
    const big = await open();
    const closed = new Promise<number>((r) => big.once('close', (code) => r(code)));
    big.send('x'.repeat(MAX_REQUEST_FRAME_BYTES + 1));
    expect(await closed).toBe(1009);
    const ws = await open();
    ws.send(JSON.stringify({ t: 'invoke', id: 1, ch: 'peers:list' }));
    expect(await nextFrame(ws)).toMatchObject({ id: 1, result: { ok: true } });
    ws.close();
  });

  it('carries the contract through the bridge transport to a real engine, for every tab', async () => {
    const tab1 = api();
    const tab2 = api();
    try {
      const info = await tab1.api.app.info();
      expect(info).toMatchObject({
        ok: true,
        value: { shell: 'browser', firstRun: false, settings: { nick: 'alice' } },
      });

      // B shows up in A's peer list (the engines found each other over loopback UDP).
      const peerB = await until(async () => {
        const r = await tab1.api.peers.list();
        return r.ok ? r.value.find((p) => p.address === B) : undefined;
      });
      expect(peerB).toMatchObject({ nick: '小北', client: 'pigeon' });

      // Both tabs hear a message arrive from B.
      const heard1: string[] = [];
      const heard2: string[] = [];
      tab1.api.on('chat:message', (m) => heard1.push(m.message.text));
      tab2.api.on('chat:message', (m) => heard2.push(m.message.text));
      b.handlers['chat:send']({ to: [`${A}:${PORT}`], text: '你好，浏览器' });
      await until(() => heard1.includes('你好，浏览器') && heard2.includes('你好，浏览器'));

      // A tab sends; B receives it and the tab sees it delivered.
      const deliveries: string[] = [];
      tab2.api.on('chat:delivery', (d) => deliveries.push(`${d.messageId}:${d.delivery.state}`));
      const sent = await tab2.api.chat.send({ to: [peerB.id], text: '收到，来自标签页' });
      expect(sent.ok).toBe(true);
      const id = sent.ok ? sent.value.ids[0] : undefined;
      await until(() =>
        bEvents.some(
          (e) => e.channel === 'chat:message' && e.payload.message.text === '收到，来自标签页',
        ),
      );
      await until(() => deliveries.includes(`${id}:delivered`));

      // Invalid requests come back as envelopes, not exceptions.
      const bad = await tab1.api.invoke('chat:send', { to: [], text: '' });
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-request' } });

      // A settings change from one tab reaches the other, and B sees the new nick.
      const nicks: string[] = [];
      tab2.api.on('settings:changed', (s) => nicks.push(s.nick));
      expect(await tab1.api.settings.update({ nick: '阿丽' })).toMatchObject({ ok: true });
      await until(() => nicks.includes('阿丽'));
      await until(() =>
        bEvents.some(
          (e) =>
            (e.channel === 'peers:changed' || e.channel === 'peers:online') &&
            e.payload.nick === '阿丽',
        ),
      );
    } finally {
      tab1.close();
      tab2.close();
    }
  });
});
