import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { DeliveryState } from '../../../shared/model';
import { decodeRows } from './row-codec';
import { indexText } from './search';

/**
 * One message as a batch writes it: plain values, so that it can cross to the writer thread
 * (writer-worker.ts) and be kept in the inbox journal (inbox-journal.ts) as it is.
 */
export interface BatchRow {
  id: string;
  peerId: string;
  direction: 'in' | 'out';
  text: string;
  at: number;
  broadcast: 0 | 1;
  /** JSON DeliveryState, or null. */
  delivery: string | null;
  /** JSON of the message's extras (store.ts extraOf), or null. */
  extra: string | null;
  /** What it counts against the budget (messageCost). */
  bytes: number;
  /** The duplicate filter's key, when it came with one. */
  packetNo: number | null;
  hash: number | null;
}

/**
 * What one batch writes: rows in the order they happened, as frames (row-codec.ts) in one
 * buffer that crosses to the writer thread as one copy, then settled delivery states (made
 * JSON on the writer thread).
 */
export interface Batch {
  frames: Uint8Array;
  /** [message id, state]: a row of this batch takes its state in; others are updated. */
  deliveries: [string, DeliveryState][];
}

/** A batch's rows (its own frames: not checked again). */
export function batchRows(batch: Batch): BatchRow[] {
  return decodeRows(batch.frames, false).rows;
}

/** What the batch left: the newest seq, how far the full-text index goes, each peer's newest. */
export interface BatchResult {
  lastSeq: number;
  indexedSeq: number;
  lastOf: [string, number][];
}

export type BatchStatements = Record<
  | 'insert'
  | 'insertSeen'
  | 'setDelivery'
  | 'noteHour'
  | 'insertFts'
  | 'unindexed'
  | 'maxSeq'
  | 'getMeta'
  | 'setMeta',
  StatementSync
>;

export function prepareBatch(db: DatabaseSync): BatchStatements {
  const p = (sql: string) => db.prepare(sql);
  return {
    // OR IGNORE: a row may be written already (an inbox journal replayed by another store on
    // this file, or a batch whose result a dying writer thread never reported).
    insert: p(
      `INSERT OR IGNORE INTO messages (id, peer_id, direction, text, at, broadcast, delivery,
         extra, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertSeen: p('INSERT OR IGNORE INTO seen (peer_id, packet_no, hash, at) VALUES (?, ?, ?, ?)'),
    setDelivery: p('UPDATE messages SET delivery = ? WHERE id = ?'),
    noteHour: p(
      `INSERT INTO message_hours (hour, lo, hi) VALUES (?, ?, ?)
       ON CONFLICT (hour) DO UPDATE SET lo = min(lo, excluded.lo), hi = max(hi, excluded.hi)`,
    ),
    insertFts: p('INSERT INTO messages_fts (rowid, words, uni, bi) VALUES (?, ?, ?, ?)'),
    unindexed: p('SELECT seq, text FROM messages WHERE seq > ? ORDER BY seq'),
    maxSeq: p('SELECT coalesce(max(seq), 0) AS seq FROM messages'),
    getMeta: p("SELECT value FROM meta WHERE key = 'indexed-seq'"),
    setMeta: p("INSERT OR REPLACE INTO meta (key, value) VALUES ('indexed-seq', ?)"),
  };
}

const HOUR_MS = 3_600_000;

/** The hour a time falls in, as message_hours numbers them (migration 7 agrees). */
export function hourOf(at: number): number {
  return Math.floor(at / HOUR_MS);
}

/**
 * Writes a batch inside the caller's transaction: each row with its duplicate filter key and
 * the hours it falls in, the delivery states, and the full-text entries of everything up to
 * the newest row. The seq and index positions are read inside the transaction, since another
 * connection on the file (the engine's, beside the writer thread's) may have moved them.
 */
export function writeBatch(
  s: BatchStatements,
  rows: readonly BatchRow[],
  deliveries: readonly [string, DeliveryState][],
): BatchResult {
  let indexedSeq = Number(s.getMeta.get()?.value ?? 0);
  let lastSeq = Number(s.maxSeq.get()?.seq ?? 0);
  // Every message up to the batch was indexed: the batch's texts in hand are all that is left.
  const inHand = indexedSeq >= lastSeq;
  const fresh: { seq: number; text: string }[] = [];
  const settled = new Map(deliveries);
  const lastOf = new Map<string, number>();
  const hours = new Map<number, [number, number]>();
  for (const r of rows) {
    // A state settled in this batch goes in with its row (no UPDATE after).
    const state = settled.get(r.id);
    const delivery = state === undefined ? r.delivery : JSON.stringify(state);
    settled.delete(r.id);
    const done = s.insert.run(
      r.id,
      r.peerId,
      r.direction,
      r.text,
      r.at,
      r.broadcast,
      delivery,
      r.extra,
      r.bytes,
    );
    if (r.packetNo !== null && r.hash !== null)
      s.insertSeen.run(r.peerId, r.packetNo, r.hash, r.at);
    if (Number(done.changes) === 0) continue;
    const seq = Number(done.lastInsertRowid);
    lastSeq = seq;
    lastOf.set(r.peerId, seq);
    const hour = hourOf(r.at);
    const h = hours.get(hour);
    if (!h) hours.set(hour, [seq, seq]);
    else {
      h[0] = Math.min(h[0], seq);
      h[1] = Math.max(h[1], seq);
    }
    fresh.push({ seq, text: r.text });
  }
  for (const [id, delivery] of settled) s.setDelivery.run(JSON.stringify(delivery), id);
  for (const [hour, [lo, hi]] of hours) s.noteHour.run(hour, lo, hi);
  // The batch's own rows by their texts in hand: a row that took the number of the newest
  // message deleted (SQLite reuses it) is not above indexedSeq, and is indexed all the same.
  if ((inHand && fresh.length > 0) || indexedSeq < lastSeq) {
    const rows = inHand ? fresh : s.unindexed.all(indexedSeq);
    for (const r of rows) {
      const ix = indexText(String(r.text));
      s.insertFts.run(Number(r.seq), ix.words, ix.uni, ix.bi);
    }
    indexedSeq = Math.max(indexedSeq, lastSeq);
    s.setMeta.run(String(indexedSeq));
  }
  return { lastSeq, indexedSeq, lastOf: [...lastOf] };
}
