import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transfer } from '../../../shared/model';
import { pairPort, startFileNode, writeRandomFile, type FileNode } from './testing/file-pair';

/**
 * The file service as an attacker on the LAN sees it: raw TCP requests to an engine that
 * offered one file to 127.0.h.2. Only that address, with the names it announced, gets bytes;
 * everything else gets a close with nothing, and the offer is still there for its recipient.
 */
let a: FileNode;
let b: FileNode;
let port: number;
let offer: Transfer;
let content: Buffer;
const h = 200 + Math.floor(Math.random() * 50);
const A = `127.0.${h}.1`;
const B = `127.0.${h}.2`;
const STRANGER = `127.0.${h}.3`;
const src = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-serve-src-'));

beforeAll(async () => {
  port = pairPort();
  a = await startFileNode(A, B, port);
  b = await startFileNode(B, A, port);
  const end = Date.now() + 5000;
  while (!a.engine.handlers['peers:list']().some((p) => p.address === B && p.client === 'pigeon'))
    if (Date.now() > end) throw new Error('b never announced itself');
    else await new Promise((r) => setTimeout(r, 20));
  const file = writeRandomFile(src, 'secret.bin', 5000);
  content = fs.readFileSync(file);
  const [id] = a.engine.files.offerPaths(`${B}:${port}`, [file]).transferIds;
  const end2 = Date.now() + 5000;
  for (;;) {
    const t = a.transfers().find((x) => x.id === id);
    if (t && t.offerId !== '') {
      offer = t;
      break;
    }
    if (Date.now() > end2) throw new Error('offer never numbered');
    await new Promise((r) => setTimeout(r, 20));
  }
});

afterAll(async () => {
  await a.engine.stop();
  await b.engine.stop();
  for (const d of [a.dataDir, a.downloads, b.dataDir, b.downloads, src])
    fs.rmSync(d, { recursive: true, force: true });
});

/** Connect from `from`, write `request`, collect everything until the server closes. */
function fetchRaw(from: string, request: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect({ host: A, port, localAddress: from }, () => s.write(request));
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    s.on('close', () => resolve(Buffer.concat(chunks)));
    s.setTimeout(5000, () => reject(new Error('no close within 5 s')));
  });
}

const hex = (n: number) => n.toString(16);
function request(o: { user?: string; host?: string; offset?: number; fileId?: number } = {}) {
  const user = o.user ?? 'tester';
  const hostName = o.host ?? `host-${B.replace(/\./g, '-')}`;
  const pkt = hex(Number(offer.offerId));
  const fid = hex(o.fileId ?? offer.item.fileId);
  return `1_pigeon 0.1.0:77:${user}:${hostName}:96:${pkt}:${fid}:${hex(o.offset ?? 0)}:`;
}

describe('who may fetch an offer', () => {
  it('another address gets nothing, even with the right names and numbers', async () => {
    expect((await fetchRaw(STRANGER, request())).length).toBe(0);
  });

  it('the right address with other user or host names gets nothing (IP Messenger checks both)', async () => {
    expect((await fetchRaw(B, request({ user: 'mallory' }))).length).toBe(0);
    expect((await fetchRaw(B, request({ host: 'elsewhere' }))).length).toBe(0);
  });

  it('an unknown file id, or an offset past the end, gets nothing', async () => {
    expect((await fetchRaw(B, request({ fileId: offer.item.fileId + 1 }))).length).toBe(0);
    expect((await fetchRaw(B, request({ offset: 5001 }))).length).toBe(0);
  });

  it('garbage gets a reset, not bytes', async () => {
    expect((await fetchRaw(B, 'GET:/:HTTP/1.0:x:y:\r\n\r\n')).length).toBe(0);
  });

  it('the recipient gets the bytes from the offset it asked for, as IP Messenger does', async () => {
    const tail = await fetchRaw(B, request({ offset: 1000 }));
    expect(tail.equals(content.subarray(1000))).toBe(true);
    // Fetched once, still served until it expires: a receiver whose copy broke fetches again.
    const whole = await fetchRaw(B, request());
    expect(whole.equals(content)).toBe(true);
  });
});

describe('when an item counts as fetched', () => {
  it('only once the receiver closed after the last byte, not when the last byte left us', async () => {
    const file = writeRandomFile(src, 'held.bin', 3000);
    const [id] = a.engine.files.offerPaths(`${B}:${port}`, [file]).transferIds;
    const numbered = await a.waitTransfer((t) => t.id === id && t.offerId !== '');
    const pkt = hex(Number(numbered.offerId));
    const fid = hex(numbered.item.fileId);
    const req = `1_pigeon 0.1.0:78:tester:host-${B.replace(/\./g, '-')}:96:${pkt}:${fid}:0:`;
    // A receiver that reads everything, sees our close, and holds its own side open.
    const got: Buffer[] = [];
    const s = net.connect({ host: A, port, localAddress: B, allowHalfOpen: true }, () =>
      s.write(req),
    );
    s.on('data', (c: Buffer) => got.push(c));
    await new Promise<void>((resolve) => s.once('end', () => resolve()));
    expect(Buffer.concat(got).equals(fs.readFileSync(file))).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(a.transfers().find((t) => t.id === id)?.state.state).toBe('transferring');
    s.end();
    const done = await a.waitTransfer((t) => t.id === id && t.state.state === 'done');
    expect(done.bytes).toBe(3000);
  });

  it('a receiver that resets instead of closing has not fetched it: the transfer is cut', async () => {
    const file = writeRandomFile(src, 'reset.bin', 3000);
    const [id] = a.engine.files.offerPaths(`${B}:${port}`, [file]).transferIds;
    const numbered = await a.waitTransfer((t) => t.id === id && t.offerId !== '');
    const req = `1_pigeon 0.1.0:79:tester:host-${B.replace(/\./g, '-')}:96:${hex(Number(numbered.offerId))}:${hex(numbered.item.fileId)}:0:`;
    const s = net.connect({ host: A, port, localAddress: B, allowHalfOpen: true }, () =>
      s.write(req),
    );
    s.on('error', () => undefined);
    s.resume();
    await new Promise<void>((resolve) => s.once('end', () => resolve()));
    s.resetAndDestroy();
    const cut = await a.waitTransfer(
      (t) => t.id === id && (t.state.state === 'interrupted' || t.state.state === 'done'),
    );
    expect(cut.state).toMatchObject({ state: 'interrupted', code: 'file-cut' });
  });
});
