import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDirHeader, buildRetParentHeader, FileAttr } from '../../../shared/protocol';
import { FILE_LIMITS } from './file-limits';
import { fetchFolder, type FolderFetchEnd } from './fetch-folder';
import { fetchFile } from './fetch-file';

/**
 * The fetching side against a hostile sender: a raw TCP server that answers any request with a
 * stream of our choosing. Whatever it sends, nothing is written outside the partial folder.
 */
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

const enc = (s: string) => new TextEncoder().encode(s);
const dir = (name: string) =>
  buildDirHeader({ name: enc(name), size: 0, attr: FileAttr.DIR, mtime: 0 });
const file = (name: string, body: string) =>
  Buffer.concat([
    buildDirHeader({ name: enc(name), size: body.length, attr: FileAttr.REGULAR, mtime: 0 }),
    Buffer.from(body),
  ]);
const up = () => buildRetParentHeader(0);

/** Serve `chunks` (then close, unless `hold`) to whoever connects; returns the port. */
async function hostile(chunks: Uint8Array[], hold = false): Promise<number> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', () => {
      for (const c of chunks) s.write(c);
      if (!hold) s.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

function workDir(): { root: string; part: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-fetch-folder-'));
  cleanup.push(() => fs.rmSync(root, { recursive: true, force: true }));
  return { root, part: path.join(root, 'inbox', '.x.pigeon-part') };
}

async function fetchFrom(port: number, part: string, stallMs = 5000): Promise<FolderFetchEnd> {
  fs.mkdirSync(path.dirname(part), { recursive: true });
  return fetchFolder({
    address: '127.0.0.1',
    port,
    request: enc('request'),
    limits: { ...FILE_LIMITS, stallMs, stallBytes: 1 },
    signal: new AbortController().signal,
    part,
    encoding: 'utf-8',
    hash: false,
    freeBytes: () => Number.MAX_SAFE_INTEGER,
    onProgress: () => undefined,
  });
}

describe('fetching a folder from a hostile sender', () => {
  it('a well-formed tree arrives whole', async () => {
    const port = await hostile([
      dir('top'),
      file('a.txt', 'hello'),
      dir('sub'),
      file('b.txt', 'x'),
      up(),
      up(),
    ]);
    const { part } = workDir();
    const end = await fetchFrom(port, part);
    expect(end).toEqual({ ok: true, files: 2, bytes: 6 });
    expect(fs.readFileSync(path.join(part, 'a.txt'), 'utf8')).toBe('hello');
    expect(fs.readFileSync(path.join(part, 'sub', 'b.txt'), 'utf8')).toBe('x');
  });

  it.each([
    ['a name that climbs out', [dir('top'), file('../../evil.txt', 'pwned'), up()]],
    ['a folder named ..', [dir('top'), dir('..'), file('evil.txt', 'pwned'), up(), up()]],
    ['an absolute name', [dir('top'), file('/tmp/evil.txt', 'pwned'), up()]],
    ['a backslash name', [dir('top'), file('..\\..\\evil.txt', 'pwned'), up()]],
    ['a drive letter', [dir('top'), file('C:evil.txt', 'pwned'), up()]],
  ])('%s stops the fetch, and nothing lands outside the part', async (_what, stream) => {
    const port = await hostile(stream);
    const { root, part } = workDir();
    const end = await fetchFrom(port, part);
    expect(end.ok).toBe(false);
    if (!end.ok) expect(['file-unsafe-name', 'file-malformed']).toContain(end.code);
    const everything = fs.readdirSync(root, { recursive: true }).map(String);
    expect(everything.filter((p) => p.includes('evil'))).toEqual([]);
  });

  it('leaving the top folder twice is malformed', async () => {
    const port = await hostile([dir('top'), up(), up()]);
    const end = await fetchFrom(port, workDir().part);
    expect(end).toMatchObject({ ok: false, code: 'file-malformed' });
  });

  it('a stream cut before the top folder closes is not a complete folder', async () => {
    const port = await hostile([dir('top'), file('a.txt', 'hello')]);
    const end = await fetchFrom(port, workDir().part);
    expect(end.ok).toBe(false);
  });

  it('a sender that goes quiet is cut by the stall rule', async () => {
    const port = await hostile([dir('top')], true);
    const end = await fetchFrom(port, workDir().part, 300);
    expect(end).toMatchObject({ ok: false, code: 'file-stalled' });
  });

  it('a file larger than the free space stops before writing it', async () => {
    const big = buildDirHeader({ name: enc('big.iso'), size: 10 ** 12, attr: 1, mtime: 0 });
    const port = await hostile([dir('top'), big]);
    const { part } = workDir();
    fs.mkdirSync(path.dirname(part), { recursive: true });
    const end = await fetchFolder({
      address: '127.0.0.1',
      port,
      request: enc('r'),
      limits: FILE_LIMITS,
      signal: new AbortController().signal,
      part,
      encoding: 'utf-8',
      hash: false,
      freeBytes: () => 1024 * 1024,
      onProgress: () => undefined,
    });
    expect(end).toMatchObject({ ok: false, code: 'file-no-space' });
    expect(fs.existsSync(path.join(part, 'big.iso'))).toBe(false);
  });
});

/** Fetch a 10-byte file from the hostile server on `port`. */
async function fetchTen(port: number, hash: boolean, part?: string) {
  return fetchFile({
    address: '127.0.0.1',
    port,
    request: enc('r'),
    limits: FILE_LIMITS,
    signal: new AbortController().signal,
    part: part ?? path.join(workDir().root, 'f.part'),
    size: 10,
    offset: 0,
    hash,
    onProgress: () => undefined,
  });
}

describe('fetching a file from a hostile sender', () => {
  it('more bytes than offered are not written: the file is exactly its size', async () => {
    const port = await hostile([Buffer.from('0123456789-and-more-than-was-offered')]);
    const part = path.join(workDir().root, 'f.part');
    expect(await fetchTen(port, false, part)).toEqual({ ok: true, verified: 'size' });
    expect(fs.readFileSync(part, 'utf8')).toBe('0123456789');
  });

  it('a wrong hash trailer from a "Pigeon" fails the file', async () => {
    const port = await hostile([Buffer.from('0123456789'), Buffer.alloc(32, 7)]);
    expect(await fetchTen(port, true)).toMatchObject({ ok: false, code: 'file-hash-mismatch' });
  });

  it('fewer bytes than offered, then a close, is a cut (resumable), not a complete file', async () => {
    const port = await hostile([Buffer.from('01234')]);
    expect(await fetchTen(port, false)).toMatchObject({ ok: false, code: 'file-cut' });
  });
});
