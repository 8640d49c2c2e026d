import fs from 'node:fs';
import path from 'node:path';
import type { ClientKind, Transfer, TransferState, WireEncoding } from '../../../shared/model';
import type { EngineContext } from '../context';
import { ensureDataDir, writeDataFile } from '../io/data-dir';
import type { FileLimits } from './file-limits';

/** Who an offer was made to, as IPMsg checks a fetch: the address, and the user and host names. */
export interface Recipient {
  address: string;
  port: number;
  user: string;
  host: string;
}

/** The peer an incoming offer came from, and what we know of how it fetches. */
export interface Offerer extends Recipient {
  client: ClientKind;
  encoding: WireEncoding;
  utf8: boolean;
}

/** An item we offer: where it is on our disk, and to whom. */
export interface OutRecord {
  kind: 'out';
  transfer: Transfer;
  path: string;
  recipient: Recipient;
  /** The offer's packet number, once the datagram that carries it has one. */
  packetNo: number | undefined;
  /** The chat message the offer went with. */
  messageId: string;
}

/** An item offered to us: whose, and where its bytes go. */
export interface InRecord {
  kind: 'in';
  transfer: Transfer;
  from: Offerer;
  packetNo: number;
  /** The folder it is saved into, once accepted. */
  into?: string;
  /** The partial file (or folder) being written, once a fetch began. */
  part?: string;
}

export type TransferRecord = OutRecord | InRecord;

const FILE = 'transfers.json';
const VERSION = 1;
/** Finished transfers kept for the list across restarts: the newest this many. */
const MAX_FINISHED = 500;

/** States after which nothing more happens to a transfer. */
export function isFinished(state: TransferState): boolean {
  return (
    state.state === 'done' ||
    state.state === 'declined' ||
    state.state === 'cancelled' ||
    state.state === 'expired' ||
    state.state === 'failed'
  );
}

/**
 * Whether an offer of ours is still served in this state. A fetched item stays served until it
 * expires: a receiver whose copy failed its check, or who lost it, can fetch it again.
 */
function isServed(state: TransferState): boolean {
  return !isFinished(state) || state.state === 'done';
}

/**
 * Every transfer, either direction, and the one place that tells about them (`files:transfer`):
 * state changes at once, progress at most every `progressEveryMs`. The record lives in the data
 * directory (transfers.json, owner-only), small on purpose: what we serve (paths and recipients)
 * and what we fetch (partial files), so that a restart on either side loses neither. The
 * history issue moves it into SQLite.
 */
export class TransferTable {
  private readonly records = new Map<string, TransferRecord>();
  /** Our offers by packet number, then file id: what a fetch request names. */
  private readonly served = new Map<number, Map<number, OutRecord>>();
  private readonly lastTold = new Map<string, number>();
  private saveTimer: unknown;
  /** Something changed since the record was last written (or read). */
  private changed = false;
  private seq = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly limits: FileLimits,
    private readonly instance: string,
  ) {}

  newId(): string {
    return `${this.instance}-f${(++this.seq).toString(36)}`;
  }

  get(id: string): TransferRecord | undefined {
    return this.records.get(id);
  }

  all(): TransferRecord[] {
    return [...this.records.values()];
  }

  list(): Transfer[] {
    return this.all()
      .map((r) => copy(r.transfer))
      .sort((a, b) => a.at - b.at);
  }

  add(record: TransferRecord): void {
    this.records.set(record.transfer.id, record);
    if (record.kind === 'out' && record.packetNo !== undefined) this.index(record);
    this.prune();
    this.tell(record, true);
  }

  /** The offer's datagram got its packet number: from now on a fetch can name it. */
  numbered(record: OutRecord, packetNo: number): void {
    record.packetNo = packetNo;
    record.transfer.offerId = String(packetNo);
    this.index(record);
    this.tell(record, true);
  }

  /** What a fetch asks for: our offer `packetNo`, item `fileId`. */
  servedItem(packetNo: number, fileId: number): OutRecord | undefined {
    return this.served.get(packetNo)?.get(fileId);
  }

  /** Every item of one of our offers. */
  offerItems(packetNo: number): OutRecord[] {
    return [...(this.served.get(packetNo)?.values() ?? [])];
  }

  /** Items of an offer a peer made to us. */
  incomingOffer(address: string, packetNo: number): InRecord[] {
    return this.all().filter(
      (r): r is InRecord =>
        r.kind === 'in' && r.packetNo === packetNo && r.from.address === address,
    );
  }

  setState(record: TransferRecord, state: TransferState): void {
    record.transfer.state = state;
    if (state.state !== 'transferring') delete record.transfer.rate;
    if (!isServed(state) && record.kind === 'out') this.unindex(record);
    this.tell(record, true);
  }

  /** Bytes moved; told at most every progressEveryMs. */
  progress(record: TransferRecord, bytes: number, files?: number, rate?: number): void {
    const t = record.transfer;
    t.bytes = bytes;
    if (files !== undefined) t.files = files;
    if (rate !== undefined) t.rate = rate;
    this.tell(record, false);
  }

  /** Tell now what progress() held back (the last bytes before a state change). */
  flush(record: TransferRecord): void {
    this.tell(record, true);
  }

  private tell(record: TransferRecord, always: boolean): void {
    const now = this.ctx.clock.now();
    const id = record.transfer.id;
    if (!always && now - (this.lastTold.get(id) ?? 0) < this.limits.progressEveryMs) return;
    this.lastTold.set(id, now);
    this.ctx.emit('files:transfer', copy(record.transfer));
    if (always) {
      this.changed = true;
      this.scheduleSave();
    }
  }

  private index(record: OutRecord): void {
    if (record.packetNo === undefined || !isServed(record.transfer.state)) return;
    let items = this.served.get(record.packetNo);
    if (!items) this.served.set(record.packetNo, (items = new Map()));
    items.set(record.transfer.item.fileId, record);
  }

  private unindex(record: OutRecord): void {
    if (record.packetNo === undefined) return;
    const items = this.served.get(record.packetNo);
    items?.delete(record.transfer.item.fileId);
    if (items?.size === 0) this.served.delete(record.packetNo);
  }

  /** Past the bounds, finished transfers go first (oldest first), then the oldest offers. */
  private prune(): void {
    const finished = this.all().filter((r) => isFinished(r.transfer.state));
    for (const r of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED))) this.forget(r);
    const outgoing = this.all().filter((r) => r.kind === 'out' && !isFinished(r.transfer.state));
    for (const r of outgoing.slice(0, Math.max(0, outgoing.length - this.limits.maxServedOffers)))
      this.setState(r, { state: 'expired' });
    const incoming = this.all().filter((r) => r.kind === 'in' && !isFinished(r.transfer.state));
    for (const r of incoming.slice(0, Math.max(0, incoming.length - this.limits.maxIncoming)))
      this.setState(r, { state: 'expired' });
  }

  forget(record: TransferRecord): void {
    this.changed = true;
    if (record.kind === 'out') this.unindex(record);
    this.records.delete(record.transfer.id);
    this.lastTold.delete(record.transfer.id);
  }

  // ---- the record on disk --------------------------------------------------------------------

  /** Read what an earlier run left; returns what it restored. A broken file is set aside. */
  load(): TransferRecord[] {
    const file = path.join(this.ctx.dataDir, FILE);
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        const aside = `${file}.broken-${this.ctx.clock.now()}`;
        try {
          fs.renameSync(file, aside);
        } catch {
          /* unreadable and immovable: we start empty and overwrite it on the next save */
        }
        this.ctx.emit('engine:error', {
          code: 'transfers-record',
          params: { file, aside, error: String(error) },
        });
      }
      return [];
    }
    const restored: TransferRecord[] = [];
    if (!isObject(raw) || raw.version !== VERSION || !Array.isArray(raw.records)) return restored;
    for (const r of raw.records) {
      if (!isRecord(r)) continue;
      // Our ids carry the instance of the run that made them; a new run's never collide.
      this.records.set(r.transfer.id, r);
      if (r.kind === 'out') this.index(r);
      restored.push(r);
    }
    return restored;
  }

  private scheduleSave(): void {
    // After stop() saved, what aborted fetches still report stays in memory: a timer firing
    // later would write into a data directory that may be gone (a test's temp dir, removed).
    if (this.saveTimer !== undefined || !this.ctx.isRunning()) return;
    this.saveTimer = this.ctx.clock.setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, 500);
  }

  /** Write now what changed (at stop, and from the timer); an engine that moved no files writes nothing. */
  save(): void {
    if (this.saveTimer !== undefined) {
      this.ctx.clock.clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    if (!this.changed) return;
    this.changed = false;
    try {
      ensureDataDir(this.ctx.dataDir);
      const data = JSON.stringify({ version: VERSION, records: this.all() });
      writeDataFile(path.join(this.ctx.dataDir, FILE), data);
    } catch (error) {
      this.ctx.emit('engine:error', {
        code: 'transfers-record',
        params: { file: path.join(this.ctx.dataDir, FILE), aside: '', error: String(error) },
      });
    }
  }
}

function copy(t: Transfer): Transfer {
  return { ...t, item: { ...t.item }, state: { ...t.state } as TransferState };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Enough of a shape check that a hand-edited file cannot crash the engine later. */
function isRecord(v: unknown): v is TransferRecord {
  if (!isObject(v) || (v.kind !== 'in' && v.kind !== 'out')) return false;
  const t = v.transfer;
  if (!isObject(t) || typeof t.id !== 'string' || typeof t.peerId !== 'string') return false;
  if (!isObject(t.item) || typeof t.item.fileId !== 'number' || typeof t.item.name !== 'string')
    return false;
  if (!isObject(t.state) || typeof t.state.state !== 'string') return false;
  if (v.kind === 'out') return typeof v.path === 'string' && isObject(v.recipient);
  return typeof v.packetNo === 'number' && isObject(v.from);
}
