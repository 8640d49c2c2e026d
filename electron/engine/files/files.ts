import fs from 'node:fs';
import path from 'node:path';
import { ContractError, type PickedItem } from '../../../shared/contract';
import type {
  DeliveryState,
  OfferedItem,
  OutcomeParams,
  Peer,
  Transfer,
  TransferFailureCode,
} from '../../../shared/model';
import {
  FileAttr,
  Mode,
  Opt,
  buildAttachment,
  buildDirFilesRequest,
  buildFileDataRequest,
  decodeLenient,
  hasOpt,
  latin1Bytes,
  latin1Text,
  makeCommand,
  packAttachments,
  parseAttachments,
  sendEncodingFor,
  type WirePacket,
} from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { TransferRows } from '../history/transfer-rows';
import { freeBytes } from '../io/free-space';
import type { Datagram } from '../io/udp-socket';
import type { Messaging } from '../messaging/messaging';
import type { TcpRequestHandler } from '../tcp/tcp-service';
import { fetchFile } from './fetch-file';
import { fetchFolder } from './fetch-folder';
import { FILE_LIMITS, type FileLimits } from './file-limits';
import { FileServer } from './file-server';
import { PickRegistry } from './picks';
import { Progress } from './progress';
import { numberedName, safeFileName } from './safe-name';
import { wireName } from './wire-name';
import {
  isFinished,
  TransferTable,
  type InRecord,
  type Offerer,
  type OutRecord,
  type TransferRecord,
} from './transfer-table';

/** What only the desktop shell can do: a native dialog, and opening what arrived. */
export interface FilesShell {
  choose(kind: 'files' | 'folder'): Promise<string[]>;
  open(target: string, reveal: boolean): Promise<void>;
}

/** `pigeon serve --accept-files DIR`: every offer is fetched into `dir`, within quotas. */
export interface AutoAccept {
  dir: string;
  /** Bytes accepted from one peer, and from everyone, in this run. */
  perPeerBytes: number;
  totalBytes: number;
}

export interface FilesOptions {
  limits?: Partial<FileLimits>;
  shell?: FilesShell;
  autoAccept?: AutoAccept;
  /** Where accepted files go when the person did not pick a folder. */
  downloadDir: () => string;
  /** The record of transfers: the history database's rows (on disk, or in memory with it). */
  record: TransferRows;
}

/** Codes whose transfer can continue later (retry): the bytes so far are kept. */
const RESUMABLE: readonly TransferFailureCode[] = [
  'file-connect',
  'file-cut',
  'file-stalled',
  'file-stopped',
  'file-refused',
];

/**
 * Files and folders over TCP 2425, both ways, with IPMsg's offers (SENDMSG|FILEATTACHOPT) and
 * fetches (GETFILEDATA, GETDIRFILES). Offers we make are served to their recipient only, until
 * they are fetched, cancelled or expire; offers we receive wait for the person, then are fetched
 * into a partial file that becomes the real one only when it is complete and verified. Every
 * change is told as `files:transfer`; the record in the history database survives restarts.
 */
export class Files {
  readonly table: TransferTable;
  readonly picks: PickRegistry;
  readonly server: FileServer;
  private readonly limits: FileLimits;
  private readonly running = new Map<string, AbortController>();
  private readonly waiting: string[] = [];
  private fileIds: number;
  /** Bytes auto-accepted per peer address, and in all (serve --accept-files quotas). */
  private readonly accepted = new Map<string, number>();
  private acceptedTotal = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly messaging: Messaging,
    instance: string,
    private readonly options: FilesOptions,
  ) {
    this.limits = { ...FILE_LIMITS, ...options.limits };
    this.table = new TransferTable(ctx, this.limits, instance, options.record);
    this.picks = new PickRegistry(() => ctx.clock.now());
    this.server = new FileServer(ctx, this.table, this.limits);
    // IP Messenger starts file ids at a random base; ids only need to be unique per offer.
    this.fileIds = 1 + Math.floor(Math.random() * 0x3fff_0000);
    messaging.inbox.offers = (peer, p, attachments) => this.offered(peer, p, attachments);
  }

  /** The TCP data phase: file requests here, anything else to `fallback`. */
  tcpHandler(fallback: TcpRequestHandler): TcpRequestHandler {
    return (request, connection) => {
      if (this.server.handles(request)) this.server.serve(request, connection);
      else fallback(request, connection);
    };
  }

  start(): void {
    const now = this.ctx.clock.now();
    for (const r of this.table.load()) {
      const s = r.transfer.state.state;
      // The record is written on state changes, not per chunk: the part on disk says how far a
      // fetch really got (a folder restarts, so its part counts for nothing).
      if (r.kind === 'in' && r.part !== undefined && r.transfer.item.kind === 'file')
        r.transfer.bytes = partSize(r.part);
      if (s === 'transferring' || s === 'waiting')
        this.table.setState(r, {
          state: 'interrupted',
          code: 'file-stopped',
          params: { bytes: r.transfer.bytes },
        });
      if (!isFinished(r.transfer.state) && r.transfer.expiresAt <= now) this.expire(r);
    }
    this.sweepLater();
  }

  stop(): void {
    for (const controller of this.running.values()) controller.abort();
    this.table.save();
  }

  list(): Transfer[] {
    return this.table.list();
  }

  // ---- offering -------------------------------------------------------------------------------

  async choose(kind: 'files' | 'folder'): Promise<PickedItem[]> {
    const shell = this.options.shell;
    if (!shell)
      throw new ContractError(
        'unsupported',
        'only the desktop app has a file dialog; drop or upload the files instead',
      );
    return (await shell.choose(kind)).map((p) => this.picks.add(p));
  }

  /** The CLI's `send --file`: the person typed the paths. */
  offerPaths(to: string, paths: string[], text = ''): { offerId: string; transferIds: string[] } {
    return this.offer(
      to,
      paths.map((p) => this.picks.add(p).pick),
      text,
    );
  }

  offer(to: string, pickIds: string[], text = ''): { offerId: string; transferIds: string[] } {
    const picked = pickIds.map((id) => {
      const p = this.picks.get(id);
      if (!p) throw new ContractError('not-found', `no pick ${id}: choose the file again`);
      return p;
    });
    if (!this.ctx.isRunning()) throw new ContractError('not-started', 'Pigeon is not running');
    const peer = this.messaging.outbox.resolveRecipient(to);
    if (!peer) throw new ContractError('invalid-request', `${to} is not a peer or an IPv4 address`);
    if (picked.some((p) => p.kind === 'folder') && cannotTakeFolders(peer))
      throw new ContractError(
        'peer-cannot-take-folders',
        `${peer.version} crashes when it receives a folder (iptux issue #472, fixed in 0.9.4): ` +
          'send the files inside it, or an archive',
      );
    const now = this.ctx.clock.now();
    const style = peer.client === 'iptux' ? 'iptux' : 'ipmsg';
    const encoding = sendEncodingFor(peer).encoding;
    const records: OutRecord[] = [];
    const bytes: Uint8Array[] = [];
    for (const p of picked) {
      const fileId = this.fileIds++;
      const mtime = mtimeOf(p.path);
      const item: OfferedItem = {
        fileId,
        name: p.name,
        kind: p.kind,
        size: p.size,
        mtime,
      };
      bytes.push(
        buildAttachment(
          {
            fileId,
            name: wireName(p.name, encoding),
            size: p.kind === 'file' ? p.size : 0,
            mtime,
            kind: p.kind,
          },
          style,
        ),
      );
      records.push({
        kind: 'out',
        transfer: {
          id: this.table.newId(),
          peerId: peer.id,
          direction: 'out',
          offerId: '',
          item,
          state: { state: 'offered' },
          bytes: 0,
          at: now,
          expiresAt: now + this.limits.offerTtlMs,
        },
        path: p.path,
        recipient: { address: peer.address, port: peer.port, user: peer.user, host: peer.host },
        packetNo: undefined,
        messageId: '',
      });
    }
    const groups = packAttachments(bytes, this.messaging.writer.offerBudget(peer));
    // Which records went into which datagram: the groups keep the order of `bytes`.
    const byGroup: OutRecord[][] = [];
    let at = 0;
    for (const g of groups) {
      byGroup.push(records.slice(at, at + g.length));
      at += g.length;
    }
    for (const r of records) this.table.add(r);
    const messageId = this.messaging.outbox.sendOffer(
      peer,
      text,
      groups.map((g) => concat(g)),
      records.map((r) => r.transfer.id),
      {
        numbered: (part, packetNo) => {
          for (const r of byGroup[part] ?? []) this.table.numbered(r, packetNo);
        },
        told: (state) => this.offerDelivery(records, state),
      },
    );
    for (const r of records) r.messageId = messageId;
    return {
      offerId: records[0]?.transfer.offerId ?? '',
      transferIds: records.map((r) => r.transfer.id),
    };
  }

  /** The offer's datagram failed: the peer never heard of the files. */
  private offerDelivery(records: OutRecord[], state: DeliveryState): void {
    if (state.state !== 'failed') return;
    for (const r of records)
      if (r.transfer.state.state === 'offered')
        this.table.setState(r, {
          state: 'failed',
          code: 'file-not-offered',
          params: { reason: state.code },
        });
  }

  // ---- offers we receive ----------------------------------------------------------------------

  private offered(peer: Peer, p: WirePacket, attachments: Uint8Array): string[] {
    const existing = this.table.incomingOffer(peer.address, p.packetNo);
    if (existing.length > 0) return existing.map((r) => r.transfer.id);
    const { entries } = parseAttachments(attachments, this.limits.maxItemsPerOffer);
    const encoding = hasOpt(p.command, Opt.UTF8OPT) ? 'utf-8' : peer.encoding;
    const now = this.ctx.clock.now();
    const from: Offerer = {
      address: peer.address,
      port: peer.port,
      user: latin1Text(p.user),
      host: latin1Text(p.host),
      client: peer.client,
      encoding: peer.encoding,
      utf8: peer.capabilities.utf8 || peer.client === 'iptux' || peer.client === 'pigeon',
    };
    const ids: string[] = [];
    for (const e of entries) {
      const type = e.attr & 0xff;
      if (type !== FileAttr.REGULAR && type !== FileAttr.DIR) continue;
      const record: InRecord = {
        kind: 'in',
        transfer: {
          id: this.table.newId(),
          peerId: peer.id,
          direction: 'in',
          offerId: String(p.packetNo),
          item: {
            fileId: e.fileId,
            name: decodeLenient(e.name, encoding),
            kind: type === FileAttr.DIR ? 'folder' : 'file',
            // IP Messenger says 0 for a folder, iptux the total of its files: 0 is "unknown".
            size: type === FileAttr.DIR && e.size === 0 ? -1 : e.size,
            mtime: e.mtime,
          },
          state: { state: 'offered' },
          bytes: 0,
          at: now,
          expiresAt: now + this.limits.offerTtlMs,
          // Pigeon continues from an offset; so does IP Messenger. iptux ignores it.
          resumes: peer.client === 'pigeon' || peer.client === 'ipmsg',
        },
        from,
        packetNo: p.packetNo,
      };
      this.table.add(record);
      ids.push(record.transfer.id);
    }
    const auto = this.options.autoAccept;
    if (auto && ids.length > 0) this.autoAccept(ids, auto);
    return ids;
  }

  private autoAccept(ids: string[], auto: AutoAccept): void {
    const refused: InRecord[] = [];
    for (const id of ids) {
      const r = this.table.get(id);
      if (!r || r.kind !== 'in') continue;
      const size = Math.max(0, r.transfer.item.size);
      const fromPeer = this.accepted.get(r.from.address) ?? 0;
      if (fromPeer + size > auto.perPeerBytes || this.acceptedTotal + size > auto.totalBytes) {
        this.table.setState(r, {
          state: 'failed',
          code: 'file-too-large',
          params: {
            limit: Math.min(auto.perPeerBytes - fromPeer, auto.totalBytes - this.acceptedTotal),
          },
        });
        refused.push(r);
        continue;
      }
      this.accepted.set(r.from.address, fromPeer + size);
      this.acceptedTotal += size;
      this.acceptOne(r, auto.dir);
    }
    // Nobody will accept what the quota refused: the sender hears it now, not when its wait ends.
    this.releaseSettled(refused);
  }

  accept(ids: string[], into?: string): void {
    let dir = this.options.downloadDir();
    if (into !== undefined) {
      const pick = this.picks.get(into);
      if (!pick || pick.kind !== 'folder')
        throw new ContractError('not-found', `no folder pick ${into}: choose the folder again`);
      dir = pick.path;
    }
    const records = ids.map((id) => this.incoming(id));
    for (const r of records) {
      const s = r.transfer.state.state;
      if (s !== 'offered' && s !== 'interrupted' && s !== 'failed')
        throw new ContractError('invalid-request', `transfer ${r.transfer.id} is ${s}`);
    }
    for (const r of records) this.acceptOne(r, dir);
  }

  private acceptOne(r: InRecord, dir: string): void {
    r.into = dir;
    this.table.setState(r, { state: 'waiting' });
    this.enqueue(r);
  }

  decline(ids: string[]): void {
    const records = ids.map((id) => this.incoming(id));
    const declined: InRecord[] = [];
    for (const r of records) {
      if (r.transfer.state.state !== 'offered') continue;
      this.table.setState(r, { state: 'declined' });
      declined.push(r);
    }
    this.releaseSettled(declined);
  }

  /** IPMsg's RELEASEFILES names the whole offer: send it once nothing of it is wanted. */
  private releaseSettled(records: InRecord[]): void {
    const offers = new Set(records.map((r) => `${r.from.address}\n${r.packetNo}`));
    for (const key of offers) {
      const [address, packetNo] = key.split('\n') as [string, string];
      const items = this.table.incomingOffer(address, Number(packetNo));
      if (items.some((i) => !isFinished(i.transfer.state))) continue;
      const first = items[0];
      if (first) this.release(first);
    }
  }

  private release(r: InRecord): void {
    if (!this.ctx.replies.allows(r.from.address, r.from.port)) return;
    void this.ctx.wire.send(
      makeCommand(Mode.RELEASEFILES),
      latin1Bytes(`${r.packetNo}\0`),
      r.from.address,
      r.from.port,
    );
  }

  /** RELEASEFILES: the recipient does not want our offer (IP Messenger sends it; iptux never). */
  onRelease(p: WirePacket, d: Datagram): void {
    const packetNo = Number.parseInt(latin1Text(p.extra), 10);
    if (!Number.isSafeInteger(packetNo)) return;
    for (const r of this.table.offerItems(packetNo)) {
      if (r.recipient.address !== d.address) continue;
      if (r.transfer.state.state === 'offered') this.table.setState(r, { state: 'declined' });
    }
  }

  /** Pigeon's notice that the sender cancelled an offer: `packetNo:fileId`. */
  onCancelNotice(p: WirePacket, d: Datagram): void {
    const m = /^(\d{1,15}):(\d{1,15})/.exec(latin1Text(p.extra));
    if (!m) return;
    for (const r of this.table.incomingOffer(d.address, Number(m[1]))) {
      if (r.transfer.item.fileId !== Number(m[2]) || isFinished(r.transfer.state)) continue;
      this.running.get(r.transfer.id)?.abort();
      this.removePart(r);
      this.table.setState(r, { state: 'cancelled', by: 'peer' });
    }
  }

  cancel(id: string): void {
    const r = this.table.get(id);
    if (!r) throw new ContractError('not-found', `no transfer ${id}`);
    if (isFinished(r.transfer.state))
      throw new ContractError('invalid-request', `transfer ${id} is ${r.transfer.state.state}`);
    if (r.kind === 'in') {
      this.running.get(id)?.abort();
      this.removePart(r);
      this.table.setState(r, { state: 'cancelled', by: 'us' });
      return;
    }
    this.table.setState(r, { state: 'cancelled', by: 'us' });
    this.server.cut(id);
    // Other clients learn it when their fetch is refused; a Pigeon is told now.
    const peer = this.ctx.peers.get(r.transfer.peerId);
    if (peer?.client === 'pigeon' && r.packetNo !== undefined)
      void this.ctx.wire.send(
        makeCommand(Mode.PIGEON_FILES_CANCEL),
        latin1Bytes(`${r.packetNo}:${r.transfer.item.fileId}\0`),
        peer.address,
        peer.port,
      );
  }

  retry(id: string): void {
    const r = this.incoming(id);
    const s = r.transfer.state.state;
    if (s !== 'interrupted' && s !== 'failed')
      throw new ContractError('invalid-request', `transfer ${id} is ${s}, not stopped`);
    if (r.transfer.expiresAt <= this.ctx.clock.now()) {
      this.expire(r);
      throw new ContractError('invalid-request', `the offer of ${r.transfer.item.name} expired`);
    }
    this.acceptOne(r, r.into ?? this.options.downloadDir());
  }

  async open(id: string, reveal: boolean): Promise<void> {
    const r = this.table.get(id);
    if (!r) throw new ContractError('not-found', `no transfer ${id}`);
    const target = r.kind === 'in' ? r.transfer.savedAs : r.path;
    if (!target)
      throw new ContractError('invalid-request', `${r.transfer.item.name} is not saved yet`);
    if (!this.options.shell)
      throw new ContractError('unsupported', 'only the desktop app opens files');
    await this.options.shell.open(target, reveal);
  }

  private incoming(id: string): InRecord {
    const r = this.table.get(id);
    if (!r) throw new ContractError('not-found', `no transfer ${id}`);
    if (r.kind !== 'in') throw new ContractError('invalid-request', `transfer ${id} is outgoing`);
    return r;
  }

  // ---- fetching -------------------------------------------------------------------------------

  private enqueue(r: InRecord): void {
    if (!this.waiting.includes(r.transfer.id)) this.waiting.push(r.transfer.id);
    this.pump();
  }

  private pump(): void {
    for (let i = 0; i < this.waiting.length && this.running.size < this.limits.maxFetches;) {
      const id = this.waiting[i] as string;
      const r = this.table.get(id);
      if (!r || r.kind !== 'in' || r.transfer.state.state !== 'waiting') {
        this.waiting.splice(i, 1);
        continue;
      }
      const fromPeer = [...this.running.keys()].filter(
        (k) => this.table.get(k)?.transfer.peerId === r.transfer.peerId,
      ).length;
      if (fromPeer >= this.limits.maxFetchesPerPeer) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      const controller = new AbortController();
      this.running.set(id, controller);
      void this.fetch(r, controller.signal).finally(() => {
        this.running.delete(id);
        this.pump();
      });
    }
  }

  private async fetch(r: InRecord, signal: AbortSignal): Promise<void> {
    const t = r.transfer;
    const dir = r.into ?? this.options.downloadDir();
    const name = safeFileName(t.item.name);
    if (!name.ok) return this.fail(r, 'file-unsafe-name', { reason: name.reason });
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (error) {
      return this.fail(r, 'file-write', { error: (error as Error).message });
    }
    r.part ??= path.join(dir, `.${name.name}.${t.id}.pigeon-part`);
    const part = r.part;
    const pigeon = r.from.client === 'pigeon';
    const progress = new Progress(this.ctx.now);
    const limits = this.limits;
    const bind = this.ctx.settings().bind;
    const localAddress = bind === '0.0.0.0' ? undefined : bind;
    const header = (command: number, extra: Uint8Array) =>
      this.ctx.wire.build(command, extra, this.ctx.wire.nextPacketNo()).bytes;
    this.table.setState(r, { state: 'transferring' });
    if (t.item.kind === 'file') {
      let offset = 0;
      if (t.resumes) {
        try {
          offset = Math.min(fs.statSync(part).size, t.item.size);
        } catch {
          offset = 0;
        }
      }
      const free = freeBytes(dir) - limits.spareBytes;
      if (t.item.size - offset > free)
        return this.fail(r, 'file-no-space', {
          needed: t.item.size - offset,
          free: Math.max(0, free),
        });
      const command = makeCommand(Mode.GETFILEDATA, pigeon ? Opt.PIGEON_HASHOPT : 0);
      const end = await fetchFile({
        address: r.from.address,
        port: r.from.port,
        ...(localAddress ? { localAddress } : {}),
        request: header(command, buildFileDataRequest(r.packetNo, t.item.fileId, offset)),
        limits,
        signal,
        part,
        size: t.item.size,
        offset,
        hash: pigeon,
        onProgress: (bytes) => this.table.progress(r, bytes, undefined, progress.rate(bytes)),
      });
      if (!end.ok) return this.stopped(r, end.code, end.params);
      this.complete(r, part, dir, name.name, end.verified);
      return;
    }
    const utf8 = r.from.utf8;
    const command = makeCommand(
      Mode.GETDIRFILES,
      pigeon ? Opt.PIGEON_HASHOPT : 0,
      utf8 ? Opt.UTF8OPT : 0,
    );
    const end = await fetchFolder({
      address: r.from.address,
      port: r.from.port,
      ...(localAddress ? { localAddress } : {}),
      request: header(command, buildDirFilesRequest(r.packetNo, t.item.fileId)),
      limits,
      signal,
      part,
      encoding: utf8 ? 'utf-8' : r.from.encoding,
      hash: pigeon,
      freeBytes: () => freeBytes(dir) - limits.spareBytes,
      onProgress: (bytes, files) => this.table.progress(r, bytes, files, progress.rate(bytes)),
    });
    if (!end.ok) return this.stopped(r, end.code, end.params);
    t.item.size = end.bytes;
    this.table.progress(r, end.bytes, end.files);
    this.complete(r, part, dir, name.name, pigeon ? 'hash' : 'size');
  }

  /** The part becomes the file (or folder) under a name nobody has yet: never an overwrite. */
  private complete(
    r: InRecord,
    part: string,
    dir: string,
    name: string,
    verified: 'size' | 'hash',
  ): void {
    const t = r.transfer;
    try {
      const final =
        t.item.kind === 'file' ? placeFile(part, dir, name) : placeFolder(part, dir, name);
      if (t.item.kind === 'file' && t.item.mtime > 0)
        fs.utimesSync(final, t.item.mtime, t.item.mtime);
      delete r.part;
      t.savedAs = final;
      t.verified = verified;
      this.table.flush(r);
      this.table.setState(r, { state: 'done', at: this.ctx.clock.now() });
    } catch (error) {
      this.fail(r, 'file-write', { error: (error as Error).message });
    }
  }

  private stopped(r: InRecord, code: TransferFailureCode, params: OutcomeParams): void {
    if (isFinished(r.transfer.state)) return; // cancelled meanwhile: already told
    this.table.flush(r);
    if (RESUMABLE.includes(code)) {
      // A peer that restarts from 0 gets a fresh part next time.
      if (!r.transfer.resumes || r.transfer.item.kind === 'folder') this.removePart(r);
      this.table.setState(r, { state: 'interrupted', code, params });
      return;
    }
    this.fail(r, code, params);
  }

  private fail(r: InRecord, code: TransferFailureCode, params: OutcomeParams): void {
    // Nothing half-written is left looking complete: the part goes with the failure.
    this.removePart(r);
    this.table.setState(r, { state: 'failed', code, params });
  }

  private removePart(r: InRecord): void {
    if (!r.part) return;
    fs.rmSync(r.part, { recursive: true, force: true });
    delete r.part;
  }

  // ---- expiry ---------------------------------------------------------------------------------

  private sweepLater(): void {
    this.ctx.later(60_000, () => {
      const now = this.ctx.clock.now();
      for (const r of this.table.all())
        if (
          !isFinished(r.transfer.state) &&
          r.transfer.expiresAt <= now &&
          !this.running.has(r.transfer.id)
        )
          this.expire(r);
      this.sweepLater();
    });
  }

  private expire(r: TransferRecord): void {
    if (r.kind === 'in') this.removePart(r);
    this.table.setState(r, { state: 'expired' });
  }
}

/** iptux before 0.9.4 overflows its stack creating the first folder it receives (#472). */
export function cannotTakeFolders(peer: Peer): boolean {
  if (peer.client !== 'iptux') return false;
  const m = /^1_iptux (\d+)\.(\d+)\.(\d+)/.exec(peer.version);
  if (!m) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return major === 0 && (minor < 9 || (minor === 9 && patch < 4));
}

function mtimeOf(file: string): number {
  try {
    return Math.floor(fs.statSync(file).mtimeMs / 1000);
  } catch {
    throw new ContractError('not-found', `${file} is gone`);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

function partSize(part: string): number {
  try {
    return fs.statSync(part).size;
  } catch {
    return 0;
  }
}

/** link() refuses an existing name, so two fetches of `a.txt` never overwrite each other. */
function placeFile(part: string, dir: string, name: string): string {
  for (let n = 1; ; n++) {
    const final = path.join(dir, numberedName(name, n));
    try {
      fs.linkSync(part, final);
      fs.unlinkSync(part);
      return final;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      // File systems without hard links (FAT, some network shares): check, then rename.
      if ((code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV') && !fs.existsSync(final)) {
        fs.renameSync(part, final);
        return final;
      }
      throw error;
    }
  }
}

/** mkdir() claims the name; rename() then replaces that empty folder with the fetched one. */
function placeFolder(part: string, dir: string, name: string): string {
  for (let n = 1; ; n++) {
    const final = path.join(dir, numberedName(name, n));
    try {
      fs.mkdirSync(final);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    fs.renameSync(part, final);
    return final;
  }
}
