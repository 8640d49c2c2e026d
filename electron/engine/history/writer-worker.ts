import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { batchRows, prepareBatch, writeBatch, type Batch, type BatchResult } from './batch-write';
import { InboxJournal } from './inbox-journal';

/**
 * The history's writer thread (writer-thread.ts starts it): its own connection to history.db,
 * on which it writes the batches the engine's thread posts, one transaction each, so that the
 * rows, their indexes, the duplicate filter's keys and the full-text entries are not written
 * on the thread that answers packets. It answers each batch on the port, then sets the shared
 * counter to the batch's number (what a reader on the engine's thread waits on).
 */
export interface WriterData {
  role: typeof WRITER_ROLE;
  file: string;
  /** The inbox journal's folder, flushed with the database at each `sync`. */
  journal: string | undefined;
  port: MessagePort;
  /** [0]: the number of the last batch answered. */
  done: Int32Array;
}

export const WRITER_ROLE = 'pigeon-history-writer';

export type WriterRequest =
  { id: number; batch: Batch } | { id: number; sync: true } | { id: number; close: true };

export type WriterAnswer =
  | { id: number; result: BatchResult }
  /** `unusable`: the writer could not open the file and never will (the engine writes instead). */
  | { id: number; error: string; unusable?: true }
  | { id: number; synced: true }
  | { id: number; closed: true };

function run(data: WriterData): void {
  const { port, done } = data;
  const answer = (a: WriterAnswer) => {
    port.postMessage(a);
    Atomics.store(done, 0, a.id);
    Atomics.notify(done, 0);
  };
  let db: DatabaseSync | undefined;
  let statements: ReturnType<typeof prepareBatch> | undefined;
  let failure: string | undefined;
  try {
    db = new DatabaseSync(data.file);
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA secure_delete = ON');
    // The engine's connection may hold the write lock for a while (a "delete everything").
    db.exec('PRAGMA busy_timeout = 10000');
    statements = prepareBatch(db);
  } catch (error) {
    failure = `the history writer could not open ${data.file}: ${String(error)}`;
  }
  port.on('message', (request: WriterRequest) => {
    if ('close' in request) {
      db?.close();
      answer({ id: request.id, closed: true });
      port.close();
      return;
    }
    if (!db || !statements) {
      answer({
        id: request.id,
        error: failure ?? 'the history writer is not open',
        unusable: true,
      });
      return;
    }
    if ('sync' in request) {
      // What survives a power cut from now on: the journal's records, then the database
      // (a checkpoint syncs the WAL, copies it in and syncs the file). Its disk waits are this
      // thread's, not the engine's.
      try {
        if (data.journal !== undefined) InboxJournal.syncAll(data.journal);
        db.exec('PRAGMA wal_checkpoint(PASSIVE)');
      } catch {
        // A busy or failing disk: the next sync tries again.
      }
      answer({ id: request.id, synced: true });
      return;
    }
    try {
      db.exec('BEGIN IMMEDIATE');
      const result = writeBatch(statements, batchRows(request.batch), request.batch.deliveries);
      db.exec('COMMIT');
      answer({ id: request.id, result });
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      answer({ id: request.id, error: String(error) });
    }
  });
}

// Only as the writer thread: never on a thread that merely imported this file.
if (parentPort && (workerData as Partial<WriterData> | null)?.role === WRITER_ROLE)
  run(workerData as WriterData);
