import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { isRecord, type TransferRecord } from '../files/transfer-record';

/** What load() found: the records, and how many rows were not records (left where they are). */
export interface LoadedTransfers {
  records: TransferRecord[];
  skipped: number;
}

/**
 * The file transfers' rows in the history database (migration 3): the files capability keeps
 * its table in memory and writes what changed here, in one transaction per batch.
 */
export class TransferRows {
  private readonly q: {
    all: StatementSync;
    upsert: StatementSync;
    importOne: StatementSync;
    remove: StatementSync;
  };

  /**
   * `persistent`: the rows outlive the process (false for a history in memory, chosen or
   * fallen back to): what is imported into them must then not be set aside.
   */
  constructor(
    private readonly db: DatabaseSync,
    readonly file: string,
    readonly persistent: boolean,
    private readonly onWrite: () => void,
  ) {
    const columns = 'id, kind, transfer, peer, packet_no, path, message_id, into_dir, part';
    const values = 'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
    this.q = {
      all: db.prepare('SELECT * FROM transfers ORDER BY seq'),
      upsert: db.prepare(
        `INSERT INTO transfers (${columns}) ${values}
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, transfer = excluded.transfer,
           peer = excluded.peer, packet_no = excluded.packet_no, path = excluded.path,
           message_id = excluded.message_id, into_dir = excluded.into_dir, part = excluded.part`,
      ),
      // An import never overwrites: a row already there is newer than the file it came from.
      importOne: db.prepare(
        `INSERT INTO transfers (${columns}) ${values} ON CONFLICT (id) DO NOTHING`,
      ),
      remove: db.prepare('DELETE FROM transfers WHERE id = ?'),
    };
  }

  /** Every record, oldest first. A row that is not one (edited by hand) is skipped, not lost. */
  load(): LoadedTransfers {
    const records: TransferRecord[] = [];
    let skipped = 0;
    for (const row of this.q.all.all()) {
      const record = fromRow(row);
      if (record) records.push(record);
      else skipped++;
    }
    return { records, skipped };
  }

  /** Writes what changed and deletes what was forgotten, all or nothing. */
  write(changed: readonly TransferRecord[], gone: readonly string[]): void {
    if (changed.length === 0 && gone.length === 0) return;
    this.transaction(() => {
      for (const r of changed) this.q.upsert.run(...toRow(r));
      for (const id of gone) this.q.remove.run(id);
    });
  }

  /** Adds records from an older Pigeon's file, keeping any row with the same id; returns how many were new. */
  importRecords(records: readonly TransferRecord[]): number {
    let added = 0;
    this.transaction(() => {
      for (const r of records) added += Number(this.q.importOne.run(...toRow(r)).changes);
    });
    return added;
  }

  private transaction(fn: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      fn();
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    this.onWrite();
  }
}

function toRow(r: TransferRecord): SQLInputValue[] {
  const transfer = JSON.stringify(r.transfer);
  if (r.kind === 'out')
    return [
      r.transfer.id,
      'out',
      transfer,
      JSON.stringify(r.recipient),
      r.packetNo ?? null,
      r.path,
      r.messageId,
      null,
      null,
    ];
  return [
    r.transfer.id,
    'in',
    transfer,
    JSON.stringify(r.from),
    r.packetNo,
    null,
    null,
    r.into ?? null,
    r.part ?? null,
  ];
}

function fromRow(row: Record<string, SQLInputValue>): TransferRecord | undefined {
  let transfer: unknown;
  let peer: unknown;
  try {
    transfer = JSON.parse(String(row.transfer));
    peer = JSON.parse(String(row.peer));
  } catch {
    return undefined;
  }
  const packetNo = row.packet_no === null ? undefined : Number(row.packet_no);
  const record: unknown =
    row.kind === 'out'
      ? {
          kind: 'out',
          transfer,
          path: row.path,
          recipient: peer,
          packetNo,
          messageId: row.message_id === null ? '' : String(row.message_id),
        }
      : {
          kind: 'in',
          transfer,
          from: peer,
          packetNo,
          ...(row.into_dir !== null ? { into: String(row.into_dir) } : {}),
          ...(row.part !== null ? { part: String(row.part) } : {}),
        };
  return isRecord(record) ? record : undefined;
}
