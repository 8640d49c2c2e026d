import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import {
  OUTBOX_TTL_MS,
  type ChatMessage,
  type DeliveryState,
  type Peer,
} from '../../../shared/model';
import { DATA_FILE_MODE, ensureDataDir } from '../io/data-dir';
import {
  batchRows,
  hourOf,
  prepareBatch,
  writeBatch,
  type Batch,
  type BatchResult,
  type BatchRow,
  type BatchStatements,
} from './batch-write';
import { InboxJournal, JOURNAL_SUFFIX } from './inbox-journal';
import { PartStore } from './part-store';
import { PendingRows } from './pending-rows';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';
import { highlightRanges, indexText, parseQuery } from './search';
import { SeenFilter } from './seen-filter';
import { TransferRows } from './transfer-rows';
import { WriterThread } from './writer-thread';
import type { WriterAnswer } from './writer-worker';

export const HISTORY_FILE = 'history.db';

/**
 * Rows waiting for the writer thread, in bytes of their frames: past this an incoming
 * message waits for the batches to be written (as when this thread wrote them), so a flood
 * faster than the disk cannot pile them up in memory.
 */
const UNWRITTEN_MAX = 16 * 1024 * 1024;

const MiB = 1024 * 1024;

export interface HistoryLimits {
  /**
   * What messages may count in all (see messageCost): past it the oldest unpinned go first;
   * when only pinned ones are left, new messages are refused (and not acked).
   */
  budgetBytes: number;
  /** Recently seen (peer, packet number, body) keys kept for the duplicate filter. */
  seenMax: number;
  seenMaxAgeMs: number;
  /** Peers remembered (who we talked with or who announced themselves). */
  peersMax: number;
}

export const HISTORY_LIMITS: HistoryLimits = {
  budgetBytes: 1024 * MiB,
  seenMax: 100_000,
  seenMaxAgeMs: 10 * 60_000,
  peersMax: 20_000,
};

/**
 * The packet number of a duplicate filter key made from a Pigeon sender's message id (PGID)
 * rather than from a packet number and body: real packet numbers are never negative.
 */
export const SEEN_BY_ID = -1;
/** Those keys are kept as long as a sender's outbox may send a copy, and a day more. */
export const SEEN_BY_ID_MAX_AGE_MS = OUTBOX_TTL_MS + 24 * 3600_000;

/** A message seen by the duplicate filter: recorded with it, in the same transaction. */
export interface SeenKey {
  peerId: string;
  packetNo: number;
  hash: number;
}

export type InsertOutcome = 'stored' | 'full';

export interface HistoryPage {
  messages: ChatMessage[];
  /** Older messages exist before the first one. */
  more: boolean;
  /** Newer messages exist after the last one (only when paging forward or around). */
  newer: boolean;
}

export interface PageRequest {
  peerId: string;
  before?: string | undefined;
  after?: string | undefined;
  around?: string | undefined;
  limit: number;
}

export interface SearchRequest {
  text: string;
  peerId?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
  limit: number;
}

export interface SearchHit {
  message: ChatMessage;
  peerId: string;
  /** [start, end) UTF-16 offsets into the text. */
  ranges: [number, number][];
}

export interface StoredPeer {
  id: string;
  nick: string;
  group: string;
  user: string;
  host: string;
  client: string;
  announced: boolean;
  lastSeen: number;
}

/**
 * What a message counts against the budget: its text and extras three times over (the row,
 * and the full-text index, which holds CJK once as characters and once as pairs) plus the
 * rows' and indexes' overhead. An estimate of the file's growth, never a measurement.
 */
export function messageCost(m: ChatMessage, extra: string | null): number {
  return 256 + 3 * Buffer.byteLength(m.text) + (extra === null ? 0 : extra.length);
}

interface Row {
  seq: number;
  id: string;
  peer_id: string;
  direction: string;
  text: string;
  at: number;
  broadcast: number;
  delivery: string | null;
  extra: string | null;
  pinned: number;
  bytes: number;
}

/**
 * The history: every message in and out with its delivery state, the peers, the duplicate
 * filter's recent keys and the file transfers (transfer-rows.ts), in one SQLite database
 * (node:sqlite, built into Node 24 and Electron).
 * Synchronous on purpose: an incoming message is in the inbox journal (inbox-journal.ts)
 * before its ack is sent, with no await in between. The rest is written in batches, by a
 * writer thread with its own connection (writer-thread.ts) when the history is a file, so that
 * the engine's thread answers packets meanwhile; a reader waits for the batch under way, so
 * every read sees every message stored before it. WAL with synchronous=NORMAL: a commit, and a
 * journal record, survive the process being killed at any moment; a power cut can lose what
 * was written since the last `sync()` (run every 2 s by the engine), never the database's
 * consistency.
 */
export class HistoryStore {
  private readonly db: DatabaseSync;
  private readonly limits: HistoryLimits;
  private used = 0;
  /** Each conversation's newest message (seq), for the chat list. */
  private readonly lastOf = new Map<string, number>();
  private dirty = false;
  private readonly q: Record<string, StatementSync>;
  /** The batch's statements on this connection: a history in memory, a crash's rows, parts. */
  private readonly batchStatements: BatchStatements;
  /**
   * Written in batches (batch-write.ts), not one transaction each: our own messages, the
   * incoming ones (in the order they came), delivery states, and the full-text entries of
   * every message up to `indexedSeq`. Only an incoming message has to be kept before its ack,
   * and the journal takes it with one write; the rest would only slow that down. A crash loses
   * at most the last batch of our own messages' records; the journal's rows are written and
   * the full-text entries rebuilt from the rows at the next open.
   */
  private pending = new PendingRows();
  /** The duplicate filter's keys of the pending rows (pendingSeen holds them until written). */
  private pendingKeys: string[] = [];
  /** Delivery states settled since the last batch, by message id. */
  private pendingDelivery = new Map<string, DeliveryState>();
  /** The batch the writer thread is writing (one at a time: batches stay in order). */
  private inFlight:
    { id: number; batch: Batch; keys: string[]; segment: number | undefined } | undefined;
  /** The duplicate filter's keys of incoming rows not written yet (hasSeen must see them). */
  private readonly pendingSeen = new Set<string>();
  /** Every key in `seen` and the inbox, and some gone since: built at the first hasSeen. */
  private seenFilter: SeenFilter | undefined;
  /** Incoming messages between their ack and their batch (the owner of a file only). */
  private journal: InboxJournal | undefined;
  /** Writes the batches off the engine's thread (a file's owner, when it can start one). */
  private writer: WriterThread | undefined;
  /**
   * The full-text index holds every message up to this seq: a hint between transactions, read
   * again from `meta` inside each one that writes the index or deletes from it (another
   * connection on the file may have moved it), so that no entry is written twice.
   */
  private indexedSeq = 0;
  private lastSeq = 0;
  /** False beside the engine that owns the file (`pigeon history`): this store writes nothing. */
  private readonly owner: boolean;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private lastPrune = 0;
  /** A "delete everything" whose file rebuild failed: `sync` tries again. */
  private shrinkPending = false;
  /** Rebuilds under way in turns of the event loop (deleteAll). */
  private shrinking = 0;
  /** The file transfers' record (the files capability writes it on state changes). */
  readonly transfers: TransferRows;
  /** Parts of long messages acked before their message was complete (part-store.ts). */
  readonly parts: PartStore;

  /**
   * `file` is a path, or ':memory:' for a history that lives as long as the process.
   * `owner: false` opens it beside the engine that owns it (the `pigeon history` command):
   * nothing of that engine's state is touched (its queued messages are its own).
   */
  constructor(
    readonly file: string,
    limits: Partial<HistoryLimits> = {},
    options: { owner?: boolean } = {},
  ) {
    this.limits = { ...HISTORY_LIMITS, ...limits };
    this.owner = options.owner !== false;
    if (file !== ':memory:') createPrivate(file);
    this.db = new DatabaseSync(file);
    try {
      this.db.exec('PRAGMA journal_mode = WAL');
      this.db.exec('PRAGMA synchronous = NORMAL');
      this.db.exec('PRAGMA secure_delete = ON');
      this.db.exec('PRAGMA busy_timeout = 2000');
      migrate(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.q = this.prepare();
    this.batchStatements = prepareBatch(this.db);
    this.transfers = new TransferRows(this.db, file, file !== ':memory:', () => {
      this.dirty = true;
    });
    this.parts = new PartStore(
      this.db,
      () => {
        this.dirty = true;
      },
      // Its key goes into seen when its message is stored (finish): the filter knows it first.
      (packetNo, hash) => this.seenFilter?.add(packetNo, hash),
    );
    // Incoming messages a crash left, before anything. Beside a running engine they are its
    // own, written by its next batch.
    if (this.owner && file !== ':memory:') {
      this.journal = new InboxJournal(file + JOURNAL_SUFFIX);
      this.recover(this.journal);
    }
    this.used = Number((this.q.usedBytes as StatementSync).get()?.b ?? 0);
    for (const r of this.q.lastPerPeer?.all() ?? [])
      this.lastOf.set(String(r.peer_id), Number(r.seq));
    this.lastSeq = Number(this.stmt('maxSeq').get()?.seq ?? 0);
    this.indexedSeq = this.readIndexedSeq();
    if (!this.owner) return;
    // Left past the newest message by a delete before that was handled (lowerIndexedSeq): the
    // next message would take a seq counted as indexed.
    if (this.indexedSeq > this.lastSeq) {
      this.indexedSeq = this.lastSeq;
      this.setMeta('indexed-seq', String(this.lastSeq));
    }
    // Messages committed after the last batch of full-text entries (a crash): index them now.
    this.flush();
    // A "delete everything" the process did not live to finish: its freed pages still hold
    // what was deleted until the file is rebuilt.
    if (this.meta('shrink-pending') !== undefined) this.shrink();
    // Whatever was still queued when the last run stopped never went out.
    this.q.failQueued?.run(JSON.stringify({ state: 'failed', code: 'stopped', params: {} }));
    if (file !== ':memory:') this.startWriter();
  }

  /**
   * Writes what a crash left, in one transaction: the journal's rows, and the rows of the
   * inbox table that held incoming messages before the journal (schema 4) did.
   */
  private recover(into: InboxJournal): void {
    const journal = InboxJournal.read(into.dir);
    const legacy = this.stmt('inboxRows').all().map(fromInboxRow);
    if (legacy.length > 0 || journal.rows.length > 0) {
      const result = this.transaction(() => {
        const r = writeBatch(this.batchStatements, [...legacy, ...journal.rows], []);
        this.stmt('clearInbox').run();
        return r;
      });
      this.lastSeq = result.lastSeq;
      this.indexedSeq = result.indexedSeq;
    }
    if (journal.last > 0) into.release(journal.last);
  }

  private startWriter(): void {
    const writer = WriterThread.start(this.file, this.journal?.dir);
    if (!writer) return;
    writer.onAnswer = (a) => this.answered(a);
    // Crashed: the batch it had goes again, written here from now on.
    writer.onDeath = () => {
      this.writer = undefined;
      const f = this.inFlight;
      this.inFlight = undefined;
      if (f) this.requeue(f.batch, f.keys);
      this.flushSoon();
    };
    this.writer = writer;
  }

  /** Opens DIR/history.db, creating the directory owner-only if needed. */
  static inDataDir(dataDir: string, limits: Partial<HistoryLimits> = {}): HistoryStore {
    ensureDataDir(dataDir);
    return new HistoryStore(path.join(dataDir, HISTORY_FILE), limits);
  }

  private prepare(): Record<string, StatementSync> {
    const p = (sql: string) => this.db.prepare(sql);
    return {
      usedBytes: p(
        `SELECT (SELECT coalesce(sum(bytes), 0) FROM messages)
              + (SELECT coalesce(sum(bytes), 0) FROM inbox) AS b`,
      ),
      maxSeq: p('SELECT coalesce(max(seq), 0) AS seq FROM messages'),
      hourRange: p(
        'SELECT min(lo) AS lo, max(hi) AS hi FROM message_hours WHERE hour BETWEEN ? AND ?',
      ),
      lastPerPeer: p('SELECT peer_id, max(seq) AS seq FROM messages GROUP BY peer_id'),
      failQueued: p(
        `UPDATE messages SET delivery = ? WHERE substr(delivery, 1, 17) = '{"state":"queued"'`,
      ),
      inboxRows: p('SELECT * FROM inbox ORDER BY rowid'),
      clearInbox: p('DELETE FROM inbox'),
      insertSeen: p(
        'INSERT OR IGNORE INTO seen (peer_id, packet_no, hash, at) VALUES (?, ?, ?, ?)',
      ),
      bySeq: p('SELECT * FROM messages WHERE seq = ?'),
      byId: p('SELECT * FROM messages WHERE id = ?'),
      pageBefore: p(
        'SELECT * FROM messages WHERE peer_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
      ),
      pageAfter: p('SELECT * FROM messages WHERE peer_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      oldestUnpinned: p(
        'SELECT seq, peer_id, bytes, text FROM messages WHERE pinned = 0 ORDER BY seq LIMIT ?',
      ),
      deleteSeq: p('DELETE FROM messages WHERE seq = ?'),
      deleteFts: p(
        "INSERT INTO messages_fts (messages_fts, rowid, words, uni, bi) VALUES ('delete', ?, ?, ?, ?)",
      ),
      lastOfPeer: p('SELECT max(seq) AS seq FROM messages WHERE peer_id = ?'),
      seqsOfPeer: p('SELECT seq, bytes, text FROM messages WHERE peer_id = ?'),
      pin: p('UPDATE messages SET pinned = ? WHERE id = ?'),
      setExtra: p('UPDATE messages SET extra = ? WHERE id = ?'),
      recentSeen: p('SELECT peer_id, packet_no, hash FROM seen ORDER BY at DESC LIMIT ?'),
      // Message-id keys (SEEN_BY_ID) outlive the others: an outbox sends a copy days later.
      pruneSeenAge: p(`DELETE FROM seen WHERE at < ? AND (packet_no <> ${SEEN_BY_ID} OR at < ?)`),
      pruneSeenCount: p(
        'DELETE FROM seen WHERE at <= (SELECT at FROM seen ORDER BY at DESC LIMIT 1 OFFSET ?)',
      ),
      forgetSeen: p('DELETE FROM seen WHERE peer_id = ?'),
      hasSeen: p('SELECT 1 AS x FROM seen WHERE peer_id = ? AND packet_no = ? AND hash = ?'),
      allSeen: p('SELECT packet_no, hash FROM seen'),
      inboxSeen: p('SELECT packet_no, hash FROM inbox WHERE packet_no IS NOT NULL'),
      partsSeen: p('SELECT packet_no, hash FROM parts WHERE packet_no IS NOT NULL'),
      upsertPeer: p(
        `INSERT INTO peers (id, nick, grp, user, host, client, announced, last_seen)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET nick = excluded.nick, grp = excluded.grp,
           user = excluded.user, host = excluded.host, client = excluded.client,
           announced = max(announced, excluded.announced), last_seen = excluded.last_seen`,
      ),
      prunePeers: p(
        'DELETE FROM peers WHERE last_seen <= (SELECT last_seen FROM peers ORDER BY last_seen DESC LIMIT 1 OFFSET ?)',
      ),
      peer: p('SELECT * FROM peers WHERE id = ?'),
      peers: p('SELECT * FROM peers ORDER BY last_seen DESC'),
      getMeta: p('SELECT value FROM meta WHERE key = ?'),
      setMeta: p('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
    };
  }

  private stmt(name: string): StatementSync {
    const s = this.q[name];
    if (!s) throw new Error(`history: no statement ${name}`);
    return s;
  }

  /** Messages kept in all. */
  messageCount(): number {
    this.flush();
    return Number(this.db.prepare('SELECT count(*) AS c FROM messages').get()?.c ?? 0);
  }

  /** Bytes counted against the budget, and the budget. */
  usage(): { used: number; budget: number } {
    return { used: this.used, budget: this.limits.budgetBytes };
  }

  /**
   * Stores a message (and the duplicate filter's key for it): 'stored' once it is kept (in the
   * journal, for a file), 'full' when the budget cannot make room (only pinned messages are
   * left to give up). Throws when it cannot be kept (disk full, I/O error): nothing is stored
   * then. `also` runs in the transaction that writes it (a long message's parts leave their
   * table as it is stored): then it is written at once, after the batches before it.
   */
  insert(message: ChatMessage, seen?: SeenKey, also?: () => void): InsertOutcome {
    const extra = extraOf(message);
    const cost = messageCost(message, extra);
    if (cost > this.limits.budgetBytes) return 'full';
    // Rare on the way of incoming messages: the batch first (making room deletes full-text
    // entries, which must be there to delete), then the oldest out, in one transaction.
    if (this.used + cost > this.limits.budgetBytes && !this.roomFor(cost)) return 'full';
    const row = rowOf(message, extra, cost, seen);
    if (also !== undefined) {
      this.flush();
      const result = this.transaction(() => {
        also();
        return writeBatch(this.batchStatements, [row], []);
      });
      this.applyResult(result);
    } else {
      // The writer thread behind by megabytes (a flood of long messages): wait for it here,
      // as writing on this thread did. Throws, nothing stored, when the batches cannot be
      // written: a message that is not kept is not acked.
      if (this.unwrittenBytes() > UNWRITTEN_MAX) this.flush();
      // One write() to the journal: kept from a crash before the ack; the row's frame is the
      // record, encoded once and written from where it lies. A history in memory dies with
      // the process: nothing there outlives a crash, so it has no journal.
      const frame = this.pending.add(row, this.journal !== undefined);
      if (this.journal) {
        try {
          this.journal.append(frame.buffer, frame.at, frame.size);
        } catch (error) {
          this.pending.dropFrom(frame.at);
          throw error;
        }
      }
      if (seen) {
        const key = seenKey(seen);
        this.pendingSeen.add(key);
        this.pendingKeys.push(key);
      }
      this.flushSoon();
    }
    if (seen) this.seenFilter?.add(seen.packetNo, seen.hash);
    this.used += cost;
    this.dirty = true;
    return 'stored';
  }

  /** Deletes the oldest unpinned messages so that `cost` more fits; false (nothing deleted) if it cannot. */
  private roomFor(cost: number): boolean {
    this.flush();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.indexedSeq = this.readIndexedSeq();
      if (!this.makeRoom(cost)) {
        this.db.exec('ROLLBACK');
        this.reloadUsage();
        return false;
      }
      this.db.exec('COMMIT');
      return true;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      this.reloadUsage();
      throw error;
    }
  }

  /**
   * One of our own messages: written with the next batch (within 100 ms), not before anything
   * else happens. Reads see it at once (they flush first).
   */
  insertLater(message: ChatMessage): void {
    const extra = extraOf(message);
    const cost = messageCost(message, extra);
    const row = rowOf(message, extra, cost, undefined);
    this.pending.add(row, false);
    // Our own words are kept even past the budget: the next insert makes room.
    this.used += cost;
    this.flushSoon();
  }

  private flushSoon(): void {
    if (this.flushTimer !== undefined || !this.db.isOpen) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      // The batch under way has its answer start the next one.
      if (this.inFlight || !this.hasWork()) return;
      try {
        this.post();
      } catch {
        // Written here and failed: the next batch tries again; nothing acked depends on it.
        this.flushSoon();
      }
    }, 100);
    this.flushTimer.unref?.();
  }

  private hasWork(): boolean {
    return (
      this.pending.length > 0 || this.pendingDelivery.size > 0 || this.indexedSeq < this.lastSeq
    );
  }

  /**
   * Writes everything pending, and waits for it: our messages, incoming ones, delivery states,
   * full-text entries. Every read runs it first.
   */
  flush(): void {
    if (!this.owner) return;
    // Three rounds at most: the batch under way, what came before it, the index caught up.
    for (let round = 0; round < 3; round++) {
      if (this.inFlight) this.awaitInFlight();
      if (!this.hasWork()) return;
      this.post();
    }
  }

  /**
   * Hands what is pending to the writer thread, or writes it here (a history in memory, or no
   * writer thread). Throws, the batch pending again, when writing it here fails.
   */
  private post(): void {
    const batch: Batch = { frames: this.pending.take(), deliveries: [...this.pendingDelivery] };
    const keys = this.pendingKeys;
    this.pendingKeys = [];
    this.pendingDelivery = new Map();
    // The rows appended so far are all in the batch: their segments go once it is written.
    const segment = this.journal?.seal();
    if (this.writer?.running) {
      this.inFlight = { id: this.writer.post(batch), batch, keys, segment };
      return;
    }
    let result: BatchResult;
    try {
      result = this.transaction(() =>
        writeBatch(this.batchStatements, batchRows(batch), batch.deliveries),
      );
    } catch (error) {
      this.requeue(batch, keys);
      throw error;
    }
    this.settle(keys, segment, result);
  }

  /** Blocks until the writer thread answers the batch under way. */
  private awaitInFlight(): void {
    const f = this.inFlight;
    if (!f) return;
    const answer = this.writer?.wait(f.id);
    this.inFlight = undefined;
    if (answer === undefined || !('result' in answer || 'error' in answer)) {
      // The writer died: its batch is written here (again, if it got that far: no row twice).
      this.writer = undefined;
      this.requeue(f.batch, f.keys);
      return;
    }
    if ('error' in answer) {
      this.requeue(f.batch, f.keys);
      throw new Error(answer.error);
    }
    this.settle(f.keys, f.segment, answer.result);
  }

  /** An answer that came while nobody waited: the next batch, or the failed one again, soon. */
  private answered(a: WriterAnswer): void {
    const f = this.inFlight;
    if (!f || a.id !== f.id) return;
    this.inFlight = undefined;
    if ('result' in a) this.settle(f.keys, f.segment, a.result);
    else this.requeue(f.batch, f.keys);
    if (this.hasWork()) this.flushSoon();
  }

  /** A written batch: its journal segments, duplicate keys and states are no longer pending. */
  private settle(keys: string[], segment: number | undefined, result: BatchResult): void {
    this.applyResult(result);
    if (segment !== undefined) this.journal?.release(segment);
    for (const key of keys) this.pendingSeen.delete(key);
    this.dirty = true;
  }

  private applyResult(result: BatchResult): void {
    this.lastSeq = result.lastSeq;
    this.indexedSeq = result.indexedSeq;
    for (const [peerId, seq] of result.lastOf) this.lastOf.set(peerId, seq);
  }

  /** A batch that was not written: pending again, before what came since (a newer state wins). */
  private requeue(batch: Batch, keys: string[]): void {
    this.pending.putBack(batch.frames);
    this.pendingKeys = [...keys, ...this.pendingKeys];
    const newer = this.pendingDelivery;
    this.pendingDelivery = new Map(batch.deliveries);
    for (const [id, state] of newer) this.pendingDelivery.set(id, state);
  }

  private readIndexedSeq(): number {
    return Number(this.meta('indexed-seq') ?? 0);
  }

  /**
   * After deleting, within the same transaction: SQLite gives the next message the seq after
   * the largest left, so when the newest ones went, `indexed-seq` comes down with them (or
   * the next message would count as indexed already and never be found).
   */
  private lowerIndexedSeq(): void {
    const max = Number(this.stmt('maxSeq').get()?.seq ?? 0);
    this.lastSeq = max;
    if (this.indexedSeq <= max) return;
    this.indexedSeq = max;
    this.stmt('setMeta').run('indexed-seq', String(max));
  }

  /** A message seen without anything to store yet (a part, an offer of files alone). */
  noteSeen(seen: SeenKey, at: number): void {
    this.stmt('insertSeen').run(seen.peerId, seen.packetNo, seen.hash, at);
    this.seenFilter?.add(seen.packetNo, seen.hash);
    this.dirty = true;
  }

  /** The duplicate filter's keys, newest first. */
  recentSeen(limit = this.limits.seenMax): SeenKey[] {
    return this.stmt('recentSeen')
      .all(limit)
      .map((r) => ({
        peerId: String(r.peer_id),
        packetNo: Number(r.packet_no),
        hash: Number(r.hash),
      }));
  }

  /** Whether the key was recorded (within the duplicate filter's retention). */
  hasSeen(seen: SeenKey): boolean {
    const filter = this.seenFilter ?? this.loadSeenFilter();
    // Nearly every new message ends here: certainly not recorded.
    if (!filter.mayHave(seen.packetNo, seen.hash)) return false;
    if (this.pendingSeen.has(seenKey(seen))) return true;
    return this.stmt('hasSeen').get(seen.peerId, seen.packetNo, seen.hash) !== undefined;
  }

  /** The filter in front of hasSeen, from the keys recorded and those still in the inbox. */
  private loadSeenFilter(): SeenFilter {
    const filter = this.seenFilter ?? new SeenFilter();
    filter.reset();
    for (const r of this.stmt('allSeen').iterate()) filter.add(Number(r.packet_no), Number(r.hash));
    for (const r of this.stmt('inboxSeen').iterate())
      filter.add(Number(r.packet_no), Number(r.hash));
    // Parts held (their keys move into seen with their message).
    for (const r of this.stmt('partsSeen').iterate())
      filter.add(Number(r.packet_no), Number(r.hash));
    // Rows not written yet: in the journal, or (in memory) in the batch alone.
    for (const r of this.unwritten())
      if (r.packetNo !== null && r.hash !== null) filter.add(r.packetNo, r.hash);
    this.seenFilter = filter;
    return filter;
  }

  forgetSeen(peerId: string): void {
    // Its keys still in the inbox too.
    this.flush();
    this.stmt('forgetSeen').run(peerId);
  }

  /** Deletes the oldest unpinned messages until `cost` more fits; false if it cannot. */
  private makeRoom(cost: number): boolean {
    // Down to 95% of the budget at once: one batch of deletes rather than one per insert.
    const target = Math.min(this.limits.budgetBytes - cost, this.limits.budgetBytes * 0.95);
    while (this.used > target) {
      const batch = this.stmt('oldestUnpinned').all(256);
      if (batch.length === 0) return false;
      const touched = new Set<string>();
      for (const r of batch) {
        if (this.used <= target) break;
        this.removeSeq(Number(r.seq), Number(r.bytes), String(r.text));
        touched.add(String(r.peer_id));
      }
      for (const peerId of touched) this.refreshLast(peerId);
    }
    this.lowerIndexedSeq();
    return true;
  }

  private removeSeq(seq: number, bytes: number, text: string): void {
    if (seq <= this.indexedSeq) {
      const ix = indexText(text);
      this.stmt('deleteFts').run(seq, ix.words, ix.uni, ix.bi);
    }
    this.stmt('deleteSeq').run(seq);
    this.used -= bytes;
  }

  private refreshLast(peerId: string): void {
    const seq = this.stmt('lastOfPeer').get(peerId)?.seq;
    if (seq === null || seq === undefined) this.lastOf.delete(peerId);
    else this.lastOf.set(peerId, Number(seq));
  }

  private reloadUsage(): void {
    this.used = Number(this.stmt('usedBytes').get()?.b ?? 0);
    // And the rows on their way, which count from the moment they are stored.
    for (const r of this.unwritten()) this.used += r.bytes;
    this.lastOf.clear();
    for (const r of this.stmt('lastPerPeer').all())
      this.lastOf.set(String(r.peer_id), Number(r.seq));
  }

  /** Records a settled delivery state (delivered, unconfirmed, failed), with the next batch. */
  setDelivery(id: string, delivery: DeliveryState): void {
    this.pendingDelivery.set(id, delivery);
    this.flushSoon();
  }

  /**
   * A stored message's sealed state changed (opened, by us or by its reader): kept at once, so
   * a restart neither shows an opened message sealed again nor a sealed one's text.
   */
  setSealed(message: ChatMessage): void {
    this.flush();
    this.stmt('setExtra').run(extraOf(message), message.id);
  }

  get(id: string): ChatMessage | undefined {
    this.flush();
    const row = this.stmt('byId').get(id) as Row | undefined;
    return row ? toMessage(row) : undefined;
  }

  /**
   * A page of a conversation, oldest first: the newest `limit` (or those before `before`,
   * after `after`, or around `around`, which is included). Undefined when the cursor names
   * no message of that conversation.
   */
  page(req: PageRequest): HistoryPage | undefined {
    this.flush();
    const { peerId, limit } = req;
    const cursorOf = (id: string): number | undefined => {
      const row = this.stmt('byId').get(id) as Row | undefined;
      return row && row.peer_id === peerId ? row.seq : undefined;
    };
    const older = (seq: number, n: number) => {
      const rows = this.stmt('pageBefore').all(peerId, seq, n + 1) as unknown as Row[];
      const more = rows.length > n;
      return { rows: rows.slice(0, n).reverse(), more };
    };
    const newer = (seq: number, n: number) => {
      const rows = this.stmt('pageAfter').all(peerId, seq, n + 1) as unknown as Row[];
      return { rows: rows.slice(0, n), newer: rows.length > n };
    };
    if (req.after !== undefined) {
      const seq = cursorOf(req.after);
      if (seq === undefined) return undefined;
      const n = newer(seq, limit);
      return { messages: n.rows.map(toMessage), more: true, newer: n.newer };
    }
    if (req.around !== undefined) {
      const seq = cursorOf(req.around);
      if (seq === undefined) return undefined;
      const half = Math.max(1, Math.floor(limit / 2));
      const o = older(seq + 1, half);
      const n = newer(seq, limit - half);
      return { messages: [...o.rows, ...n.rows].map(toMessage), more: o.more, newer: n.newer };
    }
    let from = Number.MAX_SAFE_INTEGER;
    if (req.before !== undefined) {
      const seq = cursorOf(req.before);
      if (seq === undefined) return undefined;
      from = seq;
    }
    const o = older(from, limit);
    return { messages: o.rows.map(toMessage), more: o.more, newer: false };
  }

  /** The newest messages, of one conversation or all, within a time span; oldest first. */
  recent(req: {
    peerId?: string | undefined;
    since?: number | undefined;
    until?: number | undefined;
    limit: number;
  }): ChatMessage[] {
    this.flush();
    const filter = this.filterBy(req, 'seq', '');
    if (filter === 'none') return [];
    const { where, args } = filter;
    args.push(req.limit);
    const rows = this.db
      .prepare(
        `SELECT * FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY seq DESC LIMIT ?`,
      )
      .all(...args) as unknown as Row[];
    return rows.reverse().map(toMessage);
  }

  /** Each conversation with its newest message. */
  summaries(): { peerId: string; last: ChatMessage }[] {
    this.flush();
    const out: { peerId: string; last: ChatMessage }[] = [];
    for (const [peerId, seq] of this.lastOf) {
      const row = this.stmt('bySeq').get(seq) as Row | undefined;
      if (row) out.push({ peerId, last: toMessage(row) });
    }
    return out.sort((a, b) => a.last.at - b.last.at);
  }

  /** Every message of a conversation, oldest first, a page at a time (for exports). */
  *conversation(peerId: string, pageSize = 1000): Generator<ChatMessage> {
    this.flush();
    let after = 0;
    for (;;) {
      const rows = this.stmt('pageAfter').all(peerId, after, pageSize) as unknown as Row[];
      for (const r of rows) yield toMessage(r);
      if (rows.length < pageSize) return;
      after = (rows[rows.length - 1] as Row).seq;
    }
  }

  /** Full-text search, newest first (search.ts: how CJK is indexed). */
  search(req: SearchRequest): SearchHit[] {
    this.flush();
    const query = parseQuery(req.text);
    if (!query) return [];
    // The window on the index's rowid, which FTS5 seeks to rather than reading every hit after it.
    const filter = this.filterBy(req, 'messages_fts.rowid', 'm.');
    if (filter === 'none') return [];
    const where = ['messages_fts MATCH ?', ...filter.where];
    const args: SQLInputValue[] = [query.match, ...filter.args];
    args.push(req.limit);
    const rows = this.db
      .prepare(
        `SELECT m.* FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
         WHERE ${where.join(' AND ')} ORDER BY messages_fts.rowid DESC LIMIT ?`,
      )
      .all(...args) as unknown as Row[];
    return rows.map((r) => ({
      message: toMessage(r),
      peerId: r.peer_id,
      ranges: highlightRanges(r.text, query.terms),
    }));
  }

  /**
   * The conditions of a peer and date filter on the messages (`m` their columns' prefix), the
   * date's seq window on `seqColumn`; 'none' when no message can match.
   */
  private filterBy(
    req: { peerId?: string | undefined; since?: number | undefined; until?: number | undefined },
    seqColumn: string,
    m: '' | 'm.',
  ): { where: string[]; args: SQLInputValue[] } | 'none' {
    const window = this.seqWindow(req.since, req.until);
    if (window === 'none') return 'none';
    const where: string[] = [];
    const args: SQLInputValue[] = [];
    if (window) {
      where.push(`${seqColumn} BETWEEN ? AND ?`);
      args.push(window.lo, window.hi);
    }
    if (req.peerId !== undefined) {
      where.push(`${m}peer_id = ?`);
      args.push(req.peerId);
    }
    if (req.since !== undefined) {
      where.push(`${m}at >= ?`);
      args.push(req.since);
    }
    if (req.until !== undefined) {
      where.push(`${m}at < ?`);
      args.push(req.until);
    }
    return { where, args };
  }

  /**
   * The seqs that messages in [since, until) can have, from the hours they fall in
   * (message_hours, migration 7): a superset, so the `at` conditions still decide, but a date
   * far back reads its own rows rather than every newer one. Undefined without a date filter;
   * 'none' when no message falls in those hours.
   */
  private seqWindow(
    since: number | undefined,
    until: number | undefined,
  ): { lo: number; hi: number } | 'none' | undefined {
    if (since === undefined && until === undefined) return undefined;
    const from = since === undefined ? Number.MIN_SAFE_INTEGER : hourOf(since);
    const to = until === undefined ? Number.MAX_SAFE_INTEGER : hourOf(until - 1);
    if (from > to) return 'none';
    const r = this.stmt('hourRange').get(from, to);
    if (r?.lo === null || r?.lo === undefined) return 'none';
    return { lo: Number(r.lo), hi: Number(r.hi) };
  }

  /** Pins or unpins a message (pinned ones are never given up to the budget); false if unknown. */
  pin(id: string, pinned: boolean): boolean {
    this.flush();
    return Number(this.stmt('pin').run(pinned ? 1 : 0, id).changes) > 0;
  }

  /**
   * Deleted means gone: the row, its full-text entries (FTS5 secure-delete), the freed pages
   * overwritten (secure_delete), and the WAL checkpointed and truncated, so no old copy stays
   * in the -wal file either.
   */
  deleteMessage(id: string): boolean {
    this.flush();
    const row = this.stmt('byId').get(id) as Row | undefined;
    if (!row) return false;
    this.transaction(() => {
      this.removeSeq(row.seq, row.bytes, row.text);
      this.lowerIndexedSeq();
    });
    this.refreshLast(row.peer_id);
    this.scrub();
    return true;
  }

  deleteConversation(peerId: string): number {
    this.flush();
    const rows = this.stmt('seqsOfPeer').all(peerId);
    this.transaction(() => {
      for (const r of rows) this.removeSeq(Number(r.seq), Number(r.bytes), String(r.text));
      this.stmt('forgetSeen').run(peerId);
      this.lowerIndexedSeq();
    });
    this.lastOf.delete(peerId);
    this.scrub();
    return rows.length;
  }

  /**
   * Everything, in three turns of the event loop, so that packets are answered between them:
   * the rows go at once (secure_delete off: freeing the pages rather than overwriting each,
   * which held the engine ~0.5 s on 200,000 messages); the next turn rebuilds the file from
   * what is left (VACUUM: the outbox and the transfers, next to nothing, so milliseconds); the
   * one after checkpoints and truncates it and the WAL, so no page of the old file survives.
   * Resolves then. `shrink-pending`, committed with the delete, has the next open (or close)
   * finish the job if the process stops in between.
   */
  deleteAll(): Promise<void> {
    this.flush();
    this.db.exec('PRAGMA secure_delete = OFF');
    try {
      this.transaction(() => {
        this.db.exec(
          `DELETE FROM messages; INSERT INTO messages_fts (messages_fts) VALUES ('delete-all');
           DELETE FROM message_hours; DELETE FROM seen; DELETE FROM peers;`,
        );
        this.stmt('setMeta').run('indexed-seq', '0');
        this.stmt('setMeta').run('shrink-pending', '1');
      });
    } finally {
      this.db.exec('PRAGMA secure_delete = ON');
    }
    this.used = 0;
    this.lastOf.clear();
    this.lastSeq = 0;
    this.indexedSeq = 0;
    return this.shrinkInTurns();
  }

  private async shrinkInTurns(): Promise<void> {
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    this.shrinking++;
    try {
      await turn();
      // Closed meanwhile: close() did it.
      if (!this.db.isOpen) return;
      if (!this.rebuild()) {
        this.shrinkPending = true;
        return;
      }
      await turn();
      if (this.db.isOpen) this.finishShrink();
    } finally {
      this.shrinking--;
    }
  }

  /**
   * Rebuilds the file from its live rows and truncates it and the WAL, in one go (at open and
   * close, and from `sync` when an earlier try failed: a reader holding the file busy). Until
   * it runs, the deleted rows are gone from every query; their bytes wait in free pages.
   */
  private shrink(): void {
    if (this.rebuild()) this.finishShrink();
    else this.shrinkPending = true;
  }

  private rebuild(): boolean {
    try {
      this.db.exec('VACUUM');
      return true;
    } catch {
      return false;
    }
  }

  private finishShrink(): void {
    this.shrinkPending = false;
    this.db.exec("DELETE FROM meta WHERE key = 'shrink-pending'");
    this.scrub();
  }

  private scrub(): void {
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    this.dirty = false;
  }

  private transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.indexedSeq = this.readIndexedSeq();
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      this.reloadUsage();
      throw error;
    }
  }

  /** Remembers a peer we talked with or who announced itself. */
  notePeer(peer: Peer, at: number): void {
    this.stmt('upsertPeer').run(
      peer.id,
      peer.nick,
      peer.group,
      peer.user,
      peer.host,
      peer.client,
      peer.announced ? 1 : 0,
      at,
    );
    this.dirty = true;
  }

  peer(id: string): StoredPeer | undefined {
    const r = this.stmt('peer').get(id);
    return r ? toPeer(r) : undefined;
  }

  peers(): StoredPeer[] {
    return this.stmt('peers').all().map(toPeer);
  }

  meta(key: string): string | undefined {
    const r = this.stmt('getMeta').get(key);
    return r ? String(r.value) : undefined;
  }

  setMeta(key: string, value: string): void {
    this.stmt('setMeta').run(key, value);
  }

  /**
   * Called every few seconds: makes what was committed or journalled since the last call
   * survive a power cut (a checkpoint syncs the WAL, then the database; the journal is synced
   * on its own), and trims the duplicate filter's keys and the peers to their bounds. It does
   * not wait for the batch under way: that is the writer thread's.
   */
  sync(now: number): void {
    if (this.owner && !this.inFlight && this.hasWork()) this.post();
    // The flushes wait for the disk: the writer thread's, when there is one.
    const flushes = this.writer?.running ? this.writer : undefined;
    if (flushes) flushes.sync();
    else if (this.journal) InboxJournal.syncAll(this.journal.dir);
    if (this.shrinkPending && this.shrinking === 0) this.shrink();
    if (!this.dirty) return;
    this.dirty = false;
    // The bounds are scans of small tables: once a minute is plenty.
    if (now - this.lastPrune >= 60_000) {
      this.lastPrune = now;
      this.stmt('pruneSeenAge').run(now - this.limits.seenMaxAgeMs, now - SEEN_BY_ID_MAX_AGE_MS);
      this.stmt('pruneSeenCount').run(this.limits.seenMax);
      this.stmt('prunePeers').run(this.limits.peersMax);
      // Pruned keys stay in the filter: start it again from the table once it holds many.
      if (this.seenFilter && this.seenFilter.added > 2 * this.limits.seenMax) this.loadSeenFilter();
    }
    if (!flushes) this.db.exec('PRAGMA wal_checkpoint(PASSIVE)');
  }

  /**
   * `sync`, waited for: every batch written, the journal and the database flushed to the disk,
   * the writer thread idle. The engine runs it as it stops, so that nothing is being written
   * behind it (another process may open the file next).
   */
  syncAndWait(now: number): void {
    this.flush();
    this.sync(now);
    this.writer?.idle();
  }

  close(): void {
    if (!this.db.isOpen) return;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    try {
      this.flush();
      this.writer?.close();
      this.writer = undefined;
      if (this.shrinkPending || this.shrinking > 0) this.shrink();
    } finally {
      this.writer?.close();
      this.journal?.close();
      try {
        // A reader beside the engine leaves the checkpoints to it.
        if (this.owner) this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      } finally {
        this.db.close();
      }
    }
  }

  private unwrittenBytes(): number {
    return this.pending.length + (this.inFlight?.batch.frames.length ?? 0);
  }

  /** The rows not written yet (in the batch under way, or pending). */
  private unwritten(): BatchRow[] {
    return [...(this.inFlight ? batchRows(this.inFlight.batch) : []), ...this.pending.rows()];
  }

  /** Whether the batches are written by the writer thread (else on the engine's own). */
  get writesOffThread(): boolean {
    return this.writer?.running === true;
  }

  /** For tests and benchmarks: the database itself. */
  get raw(): DatabaseSync {
    return this.db;
  }
}

/** Runs the migrations the database has not seen, each in its own transaction. */
export function migrate(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get();
  const from = Number(row?.user_version ?? 0);
  if (from > SCHEMA_VERSION)
    throw new Error(
      `the history database is version ${from}, newer than this Pigeon knows (${SCHEMA_VERSION}); update Pigeon`,
    );
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${m.version}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
  return from;
}

/** The database file owner-only before SQLite opens it: its -wal and -shm take its mode. */
function createPrivate(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', DATA_FILE_MODE));
  if (process.platform !== 'win32') fs.chmodSync(file, DATA_FILE_MODE);
}

/** A row the inbox table (schema 4, before the journal) held when a crash stopped the engine. */
function fromInboxRow(r: Record<string, SQLInputValue>): BatchRow {
  return {
    id: String(r.id),
    peerId: String(r.peer_id),
    direction: r.direction === 'out' ? 'out' : 'in',
    text: String(r.text),
    at: Number(r.at),
    broadcast: Number(r.broadcast) === 1 ? 1 : 0,
    delivery: r.delivery === null ? null : String(r.delivery),
    extra: r.extra === null ? null : String(r.extra),
    bytes: Number(r.bytes),
    packetNo: r.packet_no === null ? null : Number(r.packet_no),
    hash: r.hash === null ? null : Number(r.hash),
  };
}

function seenKey(seen: SeenKey): string {
  return `${seen.packetNo} ${seen.hash} ${seen.peerId}`;
}

/** A message as the batch writes it. */
function rowOf(
  m: ChatMessage,
  extra: string | null,
  cost: number,
  seen: SeenKey | undefined,
): BatchRow {
  return {
    id: m.id,
    peerId: m.peerId,
    direction: m.direction,
    text: m.text,
    at: m.at,
    broadcast: m.broadcast ? 1 : 0,
    delivery: m.delivery ? JSON.stringify(m.delivery) : null,
    extra,
    bytes: cost,
    packetNo: seen ? seen.packetNo : null,
    hash: seen ? seen.hash : null,
  };
}

function extraOf(m: ChatMessage): string | null {
  if (!m.undecodable && !m.incomplete && !m.files && !m.sealed && !m.autoReply && !m.notice)
    return null;
  return JSON.stringify({
    ...(m.undecodable ? { undecodable: m.undecodable } : {}),
    ...(m.incomplete ? { incomplete: m.incomplete } : {}),
    ...(m.files ? { files: m.files } : {}),
    ...(m.sealed ? { sealed: m.sealed } : {}),
    ...(m.autoReply ? { autoReply: m.autoReply } : {}),
    ...(m.notice ? { notice: m.notice } : {}),
  });
}

function toMessage(r: Row): ChatMessage {
  const m: ChatMessage = {
    id: r.id,
    peerId: r.peer_id,
    direction: r.direction === 'out' ? 'out' : 'in',
    text: r.text,
    at: Number(r.at),
    broadcast: Number(r.broadcast) === 1,
  };
  if (r.delivery !== null) m.delivery = JSON.parse(r.delivery) as DeliveryState;
  if (r.extra !== null) Object.assign(m, JSON.parse(r.extra) as Partial<ChatMessage>);
  if (Number(r.pinned) === 1) m.pinned = true;
  return m;
}

function toPeer(r: Record<string, SQLInputValue>): StoredPeer {
  return {
    id: String(r.id),
    nick: String(r.nick),
    group: String(r.grp),
    user: String(r.user),
    host: String(r.host),
    client: String(r.client),
    announced: Number(r.announced) === 1,
    lastSeen: Number(r.last_seen),
  };
}
