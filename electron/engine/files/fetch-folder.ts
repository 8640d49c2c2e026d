import { createHash, timingSafeEqual, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { OutcomeParams, TransferFailureCode, WireEncoding } from '../../../shared/model';
import { DirStreamReader, FileAttr, decodeLenient, type DirEvent } from '../../../shared/protocol';
import type { FileLimits } from './file-limits';
import { numberedName, safeEntryName } from './safe-name';
import { tcpFetch, type ChunkVerdict, type FetchEnd, type TcpFetchSpec } from './tcp-fetch';

export interface FolderFetchSpec extends Omit<TcpFetchSpec, 'onChunk'> {
  /** The partial folder: created empty here, renamed by the caller when complete. */
  part: string;
  /** Names in the stream: UTF-8 when the request carried UTF8OPT, else the peer's encoding. */
  encoding: WireEncoding;
  hash: boolean;
  limits: TcpFetchSpec['limits'] &
    Pick<FileLimits, 'maxFolderEntries' | 'maxFolderDepth' | 'maxDirHeaderBytes'>;
  /** Bytes free on the disk beyond what we keep spare: a file larger than that stops the fetch. */
  freeBytes(): number;
  onProgress(bytes: number, files: number): void;
}

export type FolderFetchEnd =
  (FetchEnd & { ok: false }) | { ok: true; files: number; bytes: number };

const FREE_RECHECK = 16 * 1024 * 1024;

type Stop = { state: 'stop'; code: TransferFailureCode; params: OutcomeParams };

/**
 * A folder over GETDIRFILES into a fresh partial folder: every name passes safeEntryName (a
 * hostile stream cannot step out of it), a name already taken in its folder gets a number (no
 * overwrite), each file's mtime is kept, and from a Pigeon each file's SHA-256 is checked.
 * Folders are not resumable in IPMsg: a cut fetch starts over.
 */
export async function fetchFolder(spec: FolderFetchSpec): Promise<FolderFetchEnd> {
  fs.rmSync(spec.part, { recursive: true, force: true });
  fs.mkdirSync(spec.part, { mode: 0o700 });
  const reader = new DirStreamReader({
    maxHeaderBytes: spec.limits.maxDirHeaderBytes,
    maxDepth: spec.limits.maxFolderDepth,
    maxEntries: spec.limits.maxFolderEntries,
    hashTrailer: spec.hash,
  });
  /** The folders we are in; the first 'enter' is the offered folder itself, our `part`. */
  const stack: string[] = [];
  let file: { fd: number; path: string; mtime: number; hash: Hash | undefined } | undefined;
  let bytes = 0;
  let files = 0;
  let done = false;
  const dirMtimes: { dir: string; mtime: number }[] = [];

  const name = (raw: Uint8Array): string | Stop => {
    const safe = safeEntryName(decodeLenient(raw, spec.encoding));
    if (!safe.ok)
      return { state: 'stop', code: 'file-unsafe-name', params: { reason: safe.reason } };
    return safe.name;
  };
  /**
   * Makes `wanted` in `dir`, or "name (2)" and so on when taken: the create itself is the test
   * (no exists-then-create race, one system call per entry when the name is free).
   */
  const makeFree = (dir: string, wanted: string, make: (at: string) => void): string => {
    for (let n = 1; ; n++) {
      const at = path.join(dir, numberedName(wanted, n));
      try {
        make(at);
        return at;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  };
  /**
   * Free space, asked of the disk again once we wrote `FREE_RECHECK` bytes since the last
   * answer or a file needs more than we think is left (a statfs per small file cost more than
   * writing it).
   */
  let free = { bytes: 0, at: -Infinity };
  const hasRoomFor = (size: number): boolean => {
    if (bytes - free.at > FREE_RECHECK || size > free.bytes - (bytes - free.at))
      free = { bytes: spec.freeBytes(), at: bytes };
    return size <= free.bytes - (bytes - free.at);
  };
  const closeFile = () => {
    if (!file) return;
    const { fd, mtime } = file;
    file = undefined;
    try {
      if (mtime > 0) fs.futimesSync(fd, mtime, mtime);
    } finally {
      fs.closeSync(fd);
    }
  };

  const handle = (event: DirEvent): Stop | undefined => {
    switch (event.type) {
      case 'enter': {
        if (stack.length === 0) {
          stack.push(spec.part);
          dirMtimes.push({ dir: spec.part, mtime: event.mtime });
          return undefined;
        }
        const n = name(event.name);
        if (typeof n !== 'string') return n;
        const dir = makeFree(stack[stack.length - 1] as string, n, (at) =>
          fs.mkdirSync(at, { mode: 0o755 }),
        );
        stack.push(dir);
        dirMtimes.push({ dir, mtime: event.mtime });
        return undefined;
      }
      case 'file': {
        const parent = stack[stack.length - 1];
        if (parent === undefined) return malformed('a file before the folder itself');
        if ((event.attr & 0xff) !== FileAttr.REGULAR) return undefined;
        const n = name(event.name);
        if (typeof n !== 'string') return n;
        if (!hasRoomFor(event.size))
          return { state: 'stop', code: 'file-no-space', params: { needed: event.size } };
        let fd = -1;
        const at = makeFree(parent, n, (p) => (fd = fs.openSync(p, 'wx', 0o644)));
        file = {
          fd,
          path: at,
          mtime: event.mtime,
          hash: spec.hash ? createHash('sha256') : undefined,
        };
        return undefined;
      }
      case 'data': {
        if (!file) return undefined; // content of an entry we skip (not a regular file)
        fs.writeSync(file.fd, event.bytes);
        file.hash?.update(event.bytes);
        bytes += event.bytes.length;
        return undefined;
      }
      case 'file-end': {
        if (!file) return undefined;
        const digest = file.hash?.digest();
        closeFile();
        files++;
        if (digest && (!event.hash || !timingSafeEqual(digest, event.hash)))
          return {
            state: 'stop',
            code: 'file-hash-mismatch',
            params: { file: files, expected: hex(event.hash), got: digest.toString('hex') },
          };
        return undefined;
      }
      case 'leave':
        stack.pop();
        return undefined;
      case 'done':
        done = true;
        return undefined;
      case 'error':
        return malformed(event.reason);
    }
  };

  const onChunk = (chunk: Buffer): ChunkVerdict => {
    for (const event of reader.push(chunk)) {
      const stop = handle(event);
      if (stop) return stop;
    }
    spec.onProgress(bytes, files);
    return done ? { state: 'complete' } : { state: 'more' };
  };

  let end: FetchEnd;
  try {
    end = await tcpFetch({ ...spec, onChunk });
  } finally {
    closeFile();
  }
  if (!end.ok) {
    // The sender closes right after the last header: a close that completes the stream is fine.
    if (!(end.code === 'file-cut' && finishOnClose())) return end;
  }
  // Folder times last: creating entries inside a folder changes its mtime.
  for (const { dir, mtime } of dirMtimes.reverse()) if (mtime > 0) fs.utimesSync(dir, mtime, mtime);
  return { ok: true, files, bytes };

  function finishOnClose(): boolean {
    if (done) return true;
    for (const event of reader.end()) {
      if (handle(event)) return false;
    }
    return done;
  }
}

function malformed(reason: string): Stop {
  return { state: 'stop', code: 'file-malformed', params: { reason } };
}

function hex(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString('hex') : '';
}
