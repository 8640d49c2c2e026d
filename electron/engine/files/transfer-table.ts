import type { Transfer, TransferState } from '../../../shared/model';
import type { EngineContext } from '../context';
import type { TransferRows } from '../history/transfer-rows';
import type { FileLimits } from './file-limits';
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
    const id = record.transfer.id;
    if (record.kind === 'out') this.unindex(record);
    this.records.delete(id);
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
    for (const r of loaded.records) {
      // Our ids carry the instance of the run that made them; a new run's never collide.
      this.records.set(r.transfer.id, r);
      if (r.kind === 'out') this.index(r);
    }
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

function copy(t: Transfer): Transfer {
  return { ...t, item: { ...t.item }, state: { ...t.state } as TransferState };
}
