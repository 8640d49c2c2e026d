import type { Transfer, TransferState } from '../../../shared/model';
import type { EngineContext } from '../context';
import type { TransferRows } from '../history/transfer-rows';
import type { FileLimits } from './file-limits';
import { OldestFirst } from './oldest-first';
import type { InRecord, OutRecord, TransferRecord } from './transfer-record';
import { readTransfersJson, setAsideImported } from './transfers-json';

export type { InRecord, Offerer, OutRecord, Recipient, TransferRecord } from './transfer-record';

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
 * state changes at once, progress at most every `progressEveryMs`. The record lives in the
 * history database (its `transfers` rows, written on state changes, never per chunk), small on
 * purpose: what we serve (paths and recipients) and what we fetch (partial files), so that a
 * restart on either side loses neither. A history in memory keeps it for this run only.
 */
export class TransferTable {
  private readonly records = new Map<string, TransferRecord>();
  /** Our offers by packet number, then file id: what a fetch request names. */
  private readonly served = new Map<number, Map<number, OutRecord>>();
  /** Items of offers made to us, by `address packetNo`: what a cancel or a repeat names. */
  private readonly offered = new Map<string, Set<InRecord>>();
  /** The bounds' buckets (prune), each oldest first by when its record was first added. */
  private readonly finished = new OldestFirst();
  private readonly activeOut = new OldestFirst();
  private readonly activeIn = new OldestFirst();
  private readonly addedAt = new Map<string, number>();
  private added = 0;
  private readonly lastTold = new Map<string, number>();
  private saveTimer: unknown;
  /** Ids whose record changed, and ids forgotten, since the rows were last written. */
  private readonly changed = new Set<string>();
  private readonly gone = new Set<string>();
  private seq = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly limits: FileLimits,
    private readonly instance: string,
    private readonly rows: TransferRows,
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
    this.keep(record);
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
    return [...(this.offered.get(offerKey(address, packetNo)) ?? [])];
  }

  setState(record: TransferRecord, state: TransferState): void {
    record.transfer.state = state;
    if (state.state !== 'transferring') delete record.transfer.rate;
    if (!isServed(state) && record.kind === 'out') this.unindex(record);
    if (this.records.get(record.transfer.id) === record) this.bucket(record);
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
      this.changed.add(id);
      this.gone.delete(id);
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

  /** Into the table and its indexes (a record with the same id is replaced). */
  private keep(record: TransferRecord): void {
    const id = record.transfer.id;
    const before = this.records.get(id);
    if (before && before !== record) this.unindexAll(before);
    this.records.set(id, record);
    if (!this.addedAt.has(id)) this.addedAt.set(id, ++this.added);
    if (record.kind === 'out') this.index(record);
    else {
      const key = offerKey(record.from.address, record.packetNo);
      let items = this.offered.get(key);
      if (!items) this.offered.set(key, (items = new Set()));
      items.add(record);
    }
    this.bucket(record);
  }

  /** The one bound bucket its state puts it in (prune's). */
  private bucket(record: TransferRecord): void {
    const id = record.transfer.id;
    const seq = this.addedAt.get(id) ?? ++this.added;
    const into = isFinished(record.transfer.state)
      ? this.finished
      : record.kind === 'out'
        ? this.activeOut
        : this.activeIn;
    for (const b of [this.finished, this.activeOut, this.activeIn])
      if (b === into) b.add(id, seq);
      else b.delete(id);
  }

  private unindexAll(record: TransferRecord): void {
    const id = record.transfer.id;
    if (record.kind === 'out') this.unindex(record);
    else {
      const key = offerKey(record.from.address, record.packetNo);
      const items = this.offered.get(key);
      items?.delete(record);
      if (items?.size === 0) this.offered.delete(key);
    }
    for (const b of [this.finished, this.activeOut, this.activeIn]) b.delete(id);
  }

  /** Past the bounds, finished transfers go first (oldest first), then the oldest offers. */
  private prune(): void {
    this.evict(this.finished, MAX_FINISHED, (r) => this.forget(r));
    const expire = (r: TransferRecord) => this.setState(r, { state: 'expired' });
    this.evict(this.activeOut, this.limits.maxServedOffers, expire);
    this.evict(this.activeIn, this.limits.maxIncoming, expire);
  }

  /** Each step takes the bucket's oldest out of it (forgotten, or expired into `finished`). */
  private evict(bucket: OldestFirst, bound: number, drop: (r: TransferRecord) => void): void {
    while (bucket.size > bound) {
      const id = bucket.oldest();
      const record = id === undefined ? undefined : this.records.get(id);
      if (!record) {
        if (id === undefined) return;
        bucket.delete(id);
        continue;
      }
      drop(record);
    }
  }

  forget(record: TransferRecord): void {
    const id = record.transfer.id;
    if (this.records.get(id) !== record) return;
    this.unindexAll(record);
    this.records.delete(id);
    this.addedAt.delete(id);
    this.lastTold.delete(id);
    this.changed.delete(id);
    this.gone.add(id);
    this.scheduleSave();
  }

  // ---- the record in the history database ---------------------------------------------------

  /**
   * Reads what an earlier run left; returns what it restored. An older Pigeon's transfers.json
   * is imported first, then set aside (transfers.json.imported) once its records are on disk.
   */
  load(): TransferRecord[] {
    this.importJson();
    let loaded;
    try {
      loaded = this.rows.load();
    } catch (error) {
      this.recordError(error);
      return [];
    }
    // Our ids carry the instance of the run that made them; a new run's never collide.
    for (const r of loaded.records) this.keep(r);
    return loaded.records;
  }

  private importJson(): void {
    const legacy = readTransfersJson(this.ctx.dataDir, this.ctx.clock.now());
    if (legacy.outcome === 'none') return;
    if (legacy.outcome === 'broken') {
      this.ctx.emit('engine:error', {
        code: 'transfers-record',
        params: { file: legacy.file, aside: legacy.aside, error: legacy.error },
      });
      return;
    }
    try {
      this.rows.importRecords(legacy.records);
      // A history in memory (chosen, or fallen back to from a broken database) would lose the
      // records at exit: the file stays, for the next start with a database to import it.
      if (this.rows.persistent) setAsideImported(legacy.file);
    } catch (error) {
      // The file stays where it is: the next start imports it again (a row already there wins).
      this.recordError(error);
    }
  }

  private scheduleSave(): void {
    // After stop() saved, what aborted fetches still report stays in memory: a timer firing
    // later would write after the engine let go of its data directory.
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
    if (this.changed.size === 0 && this.gone.size === 0) return;
    const changed = [...this.changed].flatMap((id) => this.records.get(id) ?? []);
    const gone = [...this.gone];
    try {
      this.rows.write(changed, gone);
    } catch (error) {
      // Kept as changed: the next save (the next state change, or stop) tries again.
      this.recordError(error);
      return;
    }
    this.changed.clear();
    this.gone.clear();
  }

  private recordError(error: unknown): void {
    this.ctx.emit('engine:error', {
      code: 'transfers-record',
      params: { file: this.rows.file, aside: '', error: String(error) },
    });
  }
}

function offerKey(address: string, packetNo: number): string {
  return `${address} ${packetNo}`;
}

function copy(t: Transfer): Transfer {
  return { ...t, item: { ...t.item }, state: { ...t.state } as TransferState };
}
