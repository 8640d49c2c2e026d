import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  FileAttr,
  Mode,
  Opt,
  buildDirHeader,
  hasOpt,
  latin1Text,
  modeOf,
  parseFileRequest,
  sendEncodingFor,
  type WirePacket,
} from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { TcpConnection } from '../tcp/tcp-service';
import type { FileLimits } from './file-limits';
import { Progress } from './progress';
import { wireName } from './wire-name';
import { isFinished, type OutRecord, type TransferTable } from './transfer-table';

const CHUNK = 256 * 1024;
/**
 * A file no larger is read at once on this thread: a page-cache read of 64 KiB takes less than
 * the worker pool's round trip (20-90 us on the build machine), which was most of the time of a
 * folder of small files. The folder walk's stat, open and readdir are synchronous already.
 */
const SYNC_READ_MAX = 64 * 1024;

/** Why we served nothing: told to the sender's UI only through the transfer, never the peer. */
export type ServeRefusal =
  'malformed' | 'unknown-offer' | 'not-recipient' | 'expired' | 'offset-past-end';

/**
 * The data phase of TCP 2425 for files: GETFILEDATA (one file, from the requested offset) and
 * GETDIRFILES (a folder as IPMsg's header stream). Only the address the offer was made to, with
 * the user and host names it announced, may fetch (as IP Messenger checks). A request we will not
 * serve gets a clean close with no bytes, which every client shows as a failed download. A
 * receiver that stops reading is cut after `stallMs` without `stallBytes` of progress.
 */
export class FileServer {
  /** Connections serving each transfer, so that a cancel cuts them at once. */
  private readonly active = new Map<string, Set<TcpConnection['socket']>>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly table: TransferTable,
    private readonly limits: FileLimits,
    private readonly onRefused: (address: string, why: ServeRefusal) => void = () => undefined,
  ) {}

  /** Whether this handler serves the request (else the TCP service's default answers it). */
  handles(request: WirePacket): boolean {
    const mode = modeOf(request.command);
    return mode === Mode.GETFILEDATA || mode === Mode.GETDIRFILES;
  }

  serve(request: WirePacket, connection: TcpConnection): void {
    const dir = modeOf(request.command) === Mode.GETDIRFILES;
    const parsed = parseFileRequest(request.extra, dir ? 'dir' : 'file');
    if (!parsed.ok) return this.refuse(connection, 'malformed');
    const record =
      this.table.servedItem(parsed.packetNo, parsed.fileId) ??
      (parsed.fileIdDecimal === undefined
        ? undefined
        : this.table.servedItem(parsed.packetNo, parsed.fileIdDecimal));
    if (!record) return this.refuse(connection, 'unknown-offer');
    if (!this.isRecipient(record, request, connection.address))
      return this.refuse(connection, 'not-recipient');
    if (record.transfer.expiresAt <= this.ctx.clock.now()) {
      this.table.setState(record, { state: 'expired' });
      return this.refuse(connection, 'expired');
    }
    // Whatever the peer still sends is read and dropped: unread bytes would turn our close
    // into a reset, and iptux follows its request with a NUL.
    connection.socket.resume();
    this.track(record.transfer.id, connection.socket);
    const hash = hasOpt(request.command, Opt.PIGEON_HASHOPT);
    const utf8 = hasOpt(request.command, Opt.UTF8OPT);
    if (!dir && parsed.offset > record.transfer.item.size)
      return this.refuse(connection, 'offset-past-end');
    if (record.transfer.item.kind === 'folder' && dir)
      void this.sendFolder(record, connection, hash, utf8);
    else if (record.transfer.item.kind === 'file' && !dir)
      void this.sendFile(record, connection, parsed.offset, hash);
    else this.refuse(connection, 'malformed');
  }

  /** The sender cancelled: whoever is fetching it is cut off now. */
  cut(transferId: string): void {
    for (const socket of this.active.get(transferId) ?? []) socket.resetAndDestroy();
  }

  private track(transferId: string, socket: TcpConnection['socket']): void {
    let set = this.active.get(transferId);
    if (!set) this.active.set(transferId, (set = new Set()));
    set.add(socket);
    socket.once('close', () => {
      set.delete(socket);
      if (set.size === 0) this.active.delete(transferId);
    });
  }

  /**
   * IP Messenger's rule: the requester's address, and its user and host names, match the peer
   * the offer was made to. Names are a weak check (they are in every packet the peer sends), the
   * address a stronger one (TCP needs a handshake, so it cannot be forged from elsewhere).
   */
  private isRecipient(record: OutRecord, request: WirePacket, address: string): boolean {
    const r = record.recipient;
    if (address !== r.address) return false;
    if (r.user === '' && r.host === '') return true; // never announced: the address is all we know
    return latin1Text(request.user) === r.user && latin1Text(request.host) === r.host;
  }

  private refuse({ socket, address }: TcpConnection, why: ServeRefusal): void {
    this.onRefused(address, why);
    socket.resume();
    socket.end(() => socket.destroy());
  }

  private async sendFile(
    record: OutRecord,
    connection: TcpConnection,
    offset: number,
    withHash: boolean,
  ): Promise<void> {
    const { socket } = connection;
    const { size } = record.transfer.item;
    const progress = new Progress(this.ctx.now);
    let fd: number | undefined;
    const watch = this.watchStall(connection);
    try {
      fd = fs.openSync(record.path, 'r');
      const stat = fs.fstatSync(fd);
      if (stat.size !== size) {
        this.fail(record, 'file-read', {
          error: `it is ${stat.size} bytes now, ${size} when offered`,
        });
        socket.resetAndDestroy();
        return;
      }
      const start = Math.min(Math.max(0, offset), size);
      this.table.setState(record, { state: 'transferring' });
      const hash = withHash ? createHash('sha256') : undefined;
      // The hash covers the whole file: what the receiver already has is hashed here too.
      if (hash && start > 0) await hashRange(fd, 0, start, hash);
      const sent = await this.stream(fd, start, size, connection, hash, (moved) =>
        this.table.progress(record, start + moved, undefined, progress.rate(start + moved)),
      );
      if (sent === undefined)
        return this.interrupted(record, watch.stalled() ? 'file-stalled' : 'file-cut');
      if (hash) await write(socket, hash.digest());
      if (!(await endAndAwaitReceiver(socket)))
        return this.interrupted(record, watch.stalled() ? 'file-stalled' : 'file-cut');
      this.done(record, size);
    } catch (error) {
      if (socket.destroyed) this.interrupted(record, watch.stalled() ? 'file-stalled' : 'file-cut');
      else {
        this.fail(record, 'file-read', { error: errorText(error) });
        socket.resetAndDestroy();
      }
    } finally {
      watch.stop();
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  /**
   * Writes bytes [from, to) of fd; resolves with the count, or undefined if the peer went. The
   * next chunk is read while this one is hashed and written, so that the disk and the socket
   * work at once rather than in turn.
   */
  private async stream(
    fd: number,
    from: number,
    to: number,
    { socket }: TcpConnection,
    hash: Hash | undefined,
    moved: (bytes: number) => void,
  ): Promise<number | undefined> {
    const small = to - from <= SYNC_READ_MAX;
    const readChunk = (at: number) => {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, to - at));
      if (!small) return readAt(fd, buffer, at).then((n) => ({ buffer, n }));
      try {
        return Promise.resolve({ buffer, n: fs.readSync(fd, buffer, 0, buffer.length, at) });
      } catch (error) {
        return Promise.reject(error as Error);
      }
    };
    let at = from;
    let next = at < to ? readChunk(at) : undefined;
    try {
      while (next) {
        const { buffer, n } = await next;
        next = undefined;
        if (n === 0) throw new Error(`the file ended at ${at} bytes, before ${to}`);
        if (at + n < to) next = readChunk(at + n);
        if (socket.destroyed) return undefined;
        const chunk = n === buffer.length ? buffer : buffer.subarray(0, n);
        hash?.update(chunk);
        if (!(await write(socket, chunk))) return undefined;
        at += n;
        moved(at - from);
      }
      return at - from;
    } finally {
      // The fd is closed after we return: no read may still be running on it then.
      await next?.catch(() => undefined);
    }
  }

  private async sendFolder(
    record: OutRecord,
    connection: TcpConnection,
    withHash: boolean,
    utf8: boolean,
  ): Promise<void> {
    const { socket } = connection;
    const peer = this.ctx.peers.findByAddress(record.recipient.address, record.recipient.port);
    const encoding = utf8 || !peer ? 'utf-8' : sendEncodingFor(peer).encoding;
    const encodeName = (name: string) => wireName(name, encoding);
    const progress = new Progress(this.ctx.now);
    const watch = this.watchStall(connection);
    let bytes = 0;
    let files = 0;
    let entries = 0;
    this.table.setState(record, { state: 'transferring' });
    const walk = async (dir: string, name: string): Promise<boolean> => {
      const stat = fs.statSync(dir);
      if (++entries > this.limits.maxServedFolderEntries) throw new TooMany();
      await writeOrThrow(
        socket,
        buildDirHeader({
          name: encodeName(name),
          size: 0,
          attr: FileAttr.DIR,
          mtime: mtimeOf(stat),
        }),
      );
      const children = fs.readdirSync(dir, { withFileTypes: true });
      children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const child of children) {
        const full = path.join(dir, child.name);
        if (child.isDirectory()) {
          await walk(full, child.name);
          continue;
        }
        if (!child.isFile()) continue; // links, devices, sockets: not offered
        if (++entries > this.limits.maxServedFolderEntries) throw new TooMany();
        const fd = fs.openSync(full, 'r');
        try {
          const st = fs.fstatSync(fd);
          await writeOrThrow(
            socket,
            buildDirHeader({
              name: encodeName(child.name),
              size: st.size,
              attr: FileAttr.REGULAR,
              mtime: mtimeOf(st),
            }),
          );
          const hash = withHash ? createHash('sha256') : undefined;
          const base = bytes;
          const sent = await this.stream(fd, 0, st.size, connection, hash, (moved) => {
            bytes = base + moved;
            this.table.progress(record, bytes, files, progress.rate(bytes));
          });
          if (sent === undefined) return false;
          if (hash) await writeOrThrow(socket, hash.digest());
          files++;
        } finally {
          fs.closeSync(fd);
        }
      }
      await writeOrThrow(
        socket,
        buildDirHeader({ name: encodeName('.'), size: 0, attr: FileAttr.RETPARENT, mtime: 0 }),
      );
      return true;
    };
    try {
      const complete = await walk(record.path, record.transfer.item.name);
      if (!complete || !(await endAndAwaitReceiver(socket)))
        return this.interrupted(record, watch.stalled() ? 'file-stalled' : 'file-cut');
      this.done(record, bytes, files);
    } catch (error) {
      if (error instanceof TooMany) {
        this.fail(record, 'file-too-large', { limit: this.limits.maxServedFolderEntries });
        socket.resetAndDestroy();
      } else if (socket.destroyed || error instanceof PeerGone) {
        this.interrupted(record, watch.stalled() ? 'file-stalled' : 'file-cut');
      } else {
        this.fail(record, 'file-read', { error: errorText(error) });
        socket.resetAndDestroy();
      }
    } finally {
      watch.stop();
    }
  }

  /** The minimum-progress rule: a receiver that stops reading holds no slot for long. */
  private watchStall({ socket }: TcpConnection) {
    let stalled = false;
    let last = 0;
    const timer = setInterval(() => {
      const written = socket.bytesWritten;
      if (written - last < this.limits.stallBytes && !socket.destroyed) {
        stalled = true;
        socket.destroy();
      }
      last = written;
    }, this.limits.stallMs);
    timer.unref();
    return { stalled: () => stalled, stop: () => clearInterval(timer) };
  }

  private done(record: OutRecord, bytes: number, files?: number): void {
    if (isFinished(record.transfer.state)) return;
    this.table.progress(record, bytes, files);
    this.table.setState(record, { state: 'done', at: this.ctx.clock.now() });
  }

  /** The receiver went away mid-way: it can fetch again (and resume) while the offer lasts. */
  private interrupted(record: OutRecord, code: 'file-cut' | 'file-stalled'): void {
    if (isFinished(record.transfer.state)) return; // cancelled or expired meanwhile
    this.table.flush(record);
    this.table.setState(record, {
      state: 'interrupted',
      code,
      params: { bytes: record.transfer.bytes, seconds: Math.round(this.limits.stallMs / 1000) },
    });
  }

  private fail(
    record: OutRecord,
    code: 'file-read' | 'file-too-large',
    params: Record<string, string | number>,
  ): void {
    if (isFinished(record.transfer.state)) return;
    this.table.setState(record, { state: 'failed', code, params });
  }
}

class TooMany extends Error {}
class PeerGone extends Error {}

function mtimeOf(stat: fs.Stats): number {
  return Math.floor(stat.mtimeMs / 1000);
}

function readAt(fd: number, buffer: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.read(fd, buffer, 0, buffer.length, position, (err, n) => (err ? reject(err) : resolve(n))),
  );
}

async function hashRange(fd: number, from: number, to: number, hash: Hash): Promise<void> {
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (let at = from; at < to;) {
    const n = await readAt(fd, buffer.subarray(0, Math.min(CHUNK, to - at)), at);
    if (n === 0) throw new Error(`the file ended at ${at} bytes`);
    hash.update(buffer.subarray(0, n));
    at += n;
  }
}

/** Resolves true once the chunk is handed on (after 'drain' when the buffer was full). */
function write(socket: TcpConnection['socket'], chunk: Uint8Array): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(false);
  if (socket.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    socket.on('drain', onDrain);
    socket.on('close', onClose);
  });
}

/**
 * Our last byte handed to TCP is not the receiver having it: it may still be in flight, or lost
 * with the connection. Every client closes once it has read the whole item (Pigeon, iptux, IP
 * Messenger), so "fetched" is its close (FIN) after ours; a reset, or the stall watch giving up
 * on a receiver that never closes, is a cut instead. Resolves whether the receiver closed cleanly.
 */
function endAndAwaitReceiver(socket: TcpConnection['socket']): Promise<boolean> {
  return new Promise((resolve) => {
    let ended = socket.readableEnded;
    socket.once('end', () => (ended = true));
    socket.once('close', (hadError) => resolve((ended || socket.readableEnded) && !hadError));
    if (socket.destroyed) resolve(false);
    else socket.end();
  });
}

async function writeOrThrow(socket: TcpConnection['socket'], chunk: Uint8Array): Promise<void> {
  if (!(await write(socket, chunk))) throw new PeerGone();
}

function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message}` : String(error);
}
