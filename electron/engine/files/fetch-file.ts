import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import type { Verification } from '../../../shared/model';
import { tcpFetch, type ChunkVerdict, type FetchEnd, type TcpFetchSpec } from './tcp-fetch';

/** SHA-256, as Pigeon's hash trailer carries it. */
export const HASH_BYTES = 32;

export interface FileFetchSpec extends Omit<TcpFetchSpec, 'onChunk'> {
  /** The partial file: appended to from `offset`, or written from the start. */
  part: string;
  size: number;
  /** Where to continue: the bytes of `part` already there (0 to start over). */
  offset: number;
  /** The request asked for Pigeon's SHA-256 trailer after the content. */
  hash: boolean;
  onProgress(bytes: number): void;
}

export type FileFetchEnd = (FetchEnd & { ok: false }) | { ok: true; verified: Verification };

/**
 * One file over GETFILEDATA into its partial file: exactly `size - offset` bytes (a peer that
 * sends more is cut off there), then, from a Pigeon, the SHA-256 of the whole file, checked
 * against what is on disk. Writes are synchronous: one chunk at a time, in order, with no
 * buffering of our own between the socket and the page cache.
 */
export async function fetchFile(spec: FileFetchSpec): Promise<FileFetchEnd> {
  const { size, offset } = spec;
  const fd = fs.openSync(spec.part, offset > 0 ? 'r+' : 'w', 0o600);
  try {
    if (offset > 0) fs.ftruncateSync(fd, offset);
    const hash = spec.hash ? createHash('sha256') : undefined;
    if (hash && offset > 0) hashPrefix(fd, offset, hash);
    let at = offset;
    const trailer = Buffer.alloc(HASH_BYTES);
    let trailerAt = 0;
    const onChunk = (chunk: Buffer): ChunkVerdict => {
      let data = chunk;
      if (at < size) {
        const take = Math.min(size - at, data.length);
        const content = take === data.length ? data : data.subarray(0, take);
        fs.writeSync(fd, content, 0, content.length, at);
        hash?.update(content);
        at += take;
        spec.onProgress(at);
        data = data.subarray(take);
      }
      if (at < size) return { state: 'more' };
      if (!hash) return { state: 'complete' };
      const take = Math.min(HASH_BYTES - trailerAt, data.length);
      data.copy(trailer, trailerAt, 0, take);
      trailerAt += take;
      return trailerAt < HASH_BYTES ? { state: 'more' } : { state: 'complete' };
    };
    // An empty file is complete before any byte arrives: the peer's close ends it.
    if (size === 0 && !hash) {
      const end = await tcpFetch({ ...spec, onChunk });
      if (!end.ok && end.code !== 'file-refused' && end.code !== 'file-cut') return end;
      return { ok: true, verified: 'size' };
    }
    const end = await tcpFetch({ ...spec, onChunk });
    if (!end.ok) return end;
    fs.fsyncSync(fd);
    if (!hash) return { ok: true, verified: 'size' };
    const digest = hash.digest();
    if (!timingSafeEqual(digest, trailer))
      return {
        ok: false,
        code: 'file-hash-mismatch',
        params: { expected: trailer.toString('hex'), got: digest.toString('hex') },
        received: at - offset,
      };
    return { ok: true, verified: 'hash' };
  } finally {
    fs.closeSync(fd);
  }
}

function hashPrefix(fd: number, length: number, hash: ReturnType<typeof createHash>): void {
  const buffer = Buffer.allocUnsafe(256 * 1024);
  for (let at = 0; at < length;) {
    const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, length - at), at);
    if (n === 0) throw new Error(`the partial file ended at ${at} bytes, before ${length}`);
    hash.update(buffer.subarray(0, n));
    at += n;
  }
}
