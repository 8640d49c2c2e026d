import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ok, type PickedItem } from '../../shared/contract';
import type { Transfer, TransferState } from '../../shared/model';
import { PickRegistry } from '../engine/files/picks';
import { startBrowserHost, type BrowserHost } from './browser-host';
import { contentDisposition } from './files-endpoint';
import { checkUploadName } from './staging';

// The host's file doors with the engine's real pick registry and a table of transfers standing
// in for the engine's (the host only reads them). Everything on 127.0.0.1.
const LIMITS = { fileBytes: 1000, totalBytes: 2500 };

let tmp: string;
let staging: string;
let host: BrowserHost;
const picks = new PickRegistry(() => Date.now());
const transfers = new Map<string, Transfer>();

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-host-files-'));
  staging = path.join(tmp, 'data', 'staging');
  const rendererDir = path.join(tmp, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><head><script type="module" src="./app.js"></script></head>',
  );
  const bridgeFile = path.join(tmp, 'bridge.js');
  fs.writeFileSync(bridgeFile, '/* bridge */');
  host = await startBrowserHost({
    handle: () => Promise.resolve(ok(null)),
    subscribe: () => () => undefined,
    rendererDir,
    bridgeFile,
    port: 0,
    files: {
      stagingDir: staging,
      addPick: (file) => picks.add(file),
      transfer: (id) => transfers.get(id),
    },
    stagingLimits: LIMITS,
  });
});

afterAll(async () => {
  await host?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => fs.rmSync(staging, { recursive: true, force: true }));

const origin = () => `http://127.0.0.1:${host.port}`;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One raw request; `chunks` go out with chunked encoding, `body` with a Content-Length. */
function request(
  rawPath: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer;
    chunks?: Buffer[];
    abortAfter?: number;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: rawPath,
        method: opts.method ?? 'GET',
        headers: { host: `127.0.0.1:${host.port}`, ...opts.headers },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts),
          }),
        );
      },
    );
    // The host may drop the connection after refusing an unread body: the answer came first.
    req.on('error', (e) =>
      opts.abortAfter === undefined
        ? reject(e)
        : resolve({ status: 0, headers: {}, body: Buffer.alloc(0) }),
    );
    if (opts.abortAfter !== undefined) {
      req.write(Buffer.alloc(opts.abortAfter, 1));
      setTimeout(() => req.destroy(), 100);
      return;
    }
    if (opts.chunks) {
      for (const c of opts.chunks) req.write(c);
      req.end();
    } else req.end(opts.body);
  });
}

function upload(
  name: string,
  body: Buffer,
  extra: { token?: string; origin?: string | null } = {},
) {
  const token = extra.token ?? host.token;
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  const o = extra.origin === undefined ? origin() : extra.origin;
  if (o !== null) headers.origin = o;
  return request(
    `/files/stage?token=${encodeURIComponent(token)}&name=${encodeURIComponent(name)}`,
    {
      method: 'POST',
      headers,
      body,
    },
  );
}

/** Every file under the staging folder. */
function staged(): string[] {
  if (!fs.existsSync(staging)) return [];
  return fs
    .readdirSync(staging, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

async function until(probe: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('uploads to offer (POST /files/stage)', () => {
  it('streams the body into a folder of its own and answers its pick', async () => {
    const body = Buffer.from('季度报告 contents\n');
    const res = await upload('季度报告 (final).txt', body);
    expect(res.status).toBe(200);
    const pick = JSON.parse(res.body.toString()) as PickedItem;
    expect(pick).toMatchObject({ name: '季度报告 (final).txt', kind: 'file', size: body.length });
    const registered = picks.get(pick.pick);
    expect(registered?.path.startsWith(staging + path.sep)).toBe(true);
    expect(fs.readFileSync(registered?.path ?? '')).toEqual(body);
    // Two uploads of one name never meet.
    const again = JSON.parse(
      (await upload('季度报告 (final).txt', body)).body.toString(),
    ) as PickedItem;
    expect(picks.get(again.pick)?.path).not.toBe(registered?.path);
  });

  it('refuses a missing or wrong token and a foreign or missing Origin, keeping nothing', async () => {
    const body = Buffer.from('x');
    expect((await upload('a.txt', body, { token: '' })).status).toBe(403);
    expect((await upload('a.txt', body, { token: host.token.slice(1) })).status).toBe(403);
    expect((await upload('a.txt', body, { origin: 'http://evil.example' })).status).toBe(403);
    const noOrigin = await upload('a.txt', body, { origin: null });
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.body.toString()).toMatch(/forbidden/);
    expect(staged()).toEqual([]);
  });

  it('refuses other methods', async () => {
    const res = await request(`/files/stage?token=${host.token}&name=a.txt`);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });

  it('refuses names that are not one plain file name', async () => {
    for (const name of [
      '',
      '.',
      '..',
      '../up.txt',
      'a/b.txt',
      'a\\b.txt',
      'invoice\u202Etxt.exe',
      'tab\there',
      ' lead',
    ]) {
      const res = await upload(name, Buffer.from('x'));
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect(res.body.toString()).toMatch(/^bad name: /);
    }
    expect(staged()).toEqual([]);
  });

  it('refuses an upload past the per-file cap, declared or streamed, keeping nothing', async () => {
    const declared = await upload('big.bin', Buffer.alloc(LIMITS.fileBytes + 1));
    expect(declared.status).toBe(413);
    expect(declared.body.toString()).toMatch(/too large/);
    const streamed = await request(`/files/stage?token=${host.token}&name=big.bin`, {
      method: 'POST',
      headers: { origin: origin(), 'transfer-encoding': 'chunked' },
      chunks: [Buffer.alloc(600), Buffer.alloc(600)],
    });
    expect(streamed.status).toBe(413);
    await until(() => staged().length === 0);
  });

  it('keeps the staging folder under its total', async () => {
    expect((await upload('one.bin', Buffer.alloc(900))).status).toBe(200);
    expect((await upload('two.bin', Buffer.alloc(900))).status).toBe(200);
    const third = await upload('three.bin', Buffer.alloc(900));
    expect(third.status).toBe(413);
    expect(third.body.toString()).toMatch(/staging folder/);
    expect(staged().sort()).toEqual(['one.bin', 'two.bin']);
  });

  it('keeps nothing of an upload the page gave up on', async () => {
    await request(`/files/stage?token=${host.token}&name=cut.bin`, {
      method: 'POST',
      headers: { origin: origin(), 'content-length': '900' },
      abortAfter: 300,
    });
    await until(() => fs.existsSync(staging) && fs.readdirSync(staging).length === 0);
  });
});

function received(
  id: string,
  state: TransferState,
  savedAs?: string,
  direction: 'in' | 'out' = 'in',
): Transfer {
  const t: Transfer = {
    id,
    peerId: '127.0.0.9:2425',
    direction,
    offerId: '1',
    item: { fileId: 1, name: 'x', kind: 'file', size: 3, mtime: 0 },
    state,
    bytes: 3,
    at: 1,
    expiresAt: Date.now() + 60_000,
    ...(savedAs ? { savedAs } : {}),
  };
  transfers.set(id, t);
  return t;
}

describe('downloads of what arrived (GET /files/download/<id>)', () => {
  const dl = (
    id: string,
    extra: { token?: string; method?: string; headers?: Record<string, string> } = {},
  ) =>
    request(
      `/files/download/${encodeURIComponent(id)}?token=${encodeURIComponent(extra.token ?? host.token)}`,
      {
        method: extra.method ?? 'GET',
        headers: extra.headers ?? {},
      },
    );

  it('streams a received file with its name per RFC 6266', async () => {
    const file = path.join(tmp, '报告 "v2";.txt');
    fs.writeFileSync(file, 'abc');
    received('t-done', { state: 'done', at: 2 }, file);
    const res = await dl('t-done');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('abc');
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-length']).toBe('3');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="__ _v2_;.txt"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20%22v2%22%3B.txt`,
    );
    const head = await dl('t-done', { method: 'HEAD' });
    expect([head.status, head.body.length]).toEqual([200, 0]);
  });

  it('says clearly why it cannot: a folder, not done, outgoing, unknown, gone', async () => {
    const folder = path.join(tmp, 'photos');
    fs.mkdirSync(folder, { recursive: true });
    received('t-folder', { state: 'done', at: 2 }, folder);
    const f = await dl('t-folder');
    expect(f.status).toBe(409);
    expect(f.body.toString()).toMatch(/folder/);
    received('t-moving', { state: 'transferring' });
    expect((await dl('t-moving')).body.toString()).toMatch(
      /not received yet \(the transfer is transferring\)/,
    );
    received('t-out', { state: 'done', at: 2 }, path.join(tmp, 'renderer', 'index.html'), 'out');
    expect((await dl('t-out')).status).toBe(409);
    expect((await dl('nope')).status).toBe(404);
    received('t-gone', { state: 'done', at: 2 }, path.join(tmp, 'deleted.txt'));
    expect((await dl('t-gone')).status).toBe(410);
  });

  it('needs the token, a same-origin request, and GET', async () => {
    received('t-secret', { state: 'done', at: 2 }, path.join(tmp, 'renderer', 'index.html'));
    expect((await dl('t-secret', { token: '' })).status).toBe(403);
    expect((await dl('t-secret', { token: 'wrong' })).status).toBe(403);
    expect((await dl('t-secret', { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(
      403,
    );
    expect((await dl('t-secret', { headers: { 'sec-fetch-site': 'same-origin' } })).status).toBe(
      200,
    );
    const post = await dl('t-secret', { method: 'POST' });
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
  });
});

describe('upload names and download headers', () => {
  it('keeps a real name as it is (NFC) and refuses the rest', () => {
    expect(checkUploadName('photo.jpg', 255)).toBe('photo.jpg');
    expect(checkUploadName('cafe\u0301.txt', 255)).toBe('café.txt');
    expect(checkUploadName('名'.repeat(86), 255)).toEqual({
      bad: 'the name is longer than 255 bytes',
    });
    expect(checkUploadName(null, 255)).toEqual({ bad: 'a name is required (?name=...)' });
  });

  it('writes an ASCII stand-in and the UTF-8 name with nothing that breaks the header', () => {
    expect(contentDisposition("it's (1)*.txt")).toBe(
      `attachment; filename="it's (1)*.txt"; filename*=UTF-8''it%27s%20%281%29%2A.txt`,
    );
    expect(contentDisposition('a\\b%.txt')).toBe(
      `attachment; filename="a_b_.txt"; filename*=UTF-8''a%5Cb%25.txt`,
    );
  });
});
