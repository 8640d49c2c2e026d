import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { MessagePart } from '../../../shared/protocol';
import type { SeenKey } from './store';

/** A part of a long message held for its message (schema version 6). */
export interface HeldPart {
  peerId: string;
  partId: string;
  index: number;
  count: number;
  text: string;
  startedAt: number;
}

/**
 * The parts table of the history database: the parts of long messages that were acked before
 * their message was complete (messaging/part-assembler.ts keeps them in memory too, and bounds
 * them). `hold` is one statement, its own commit, made before the ack; `finish` runs inside the
 * transaction that stores the message the parts make up.
 */
export class PartStore {
  private readonly q: Record<'hold' | 'moveSeen' | 'drop' | 'all', StatementSync>;

  constructor(
    db: DatabaseSync,
    private readonly changed: () => void = () => {},
    /** A duplicate filter key held with a part: the store's filter in front of `seen` learns it. */
    private readonly keyHeld: (packetNo: number, hash: number) => void = () => {},
  ) {
    this.q = {
      hold: db.prepare(
        `INSERT OR IGNORE INTO parts
           (peer_id, part_id, idx, count, text, started, packet_no, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      moveSeen: db.prepare(
        `INSERT OR IGNORE INTO seen (peer_id, packet_no, hash, at)
         SELECT peer_id, packet_no, hash, ? FROM parts
         WHERE peer_id = ? AND part_id = ? AND packet_no IS NOT NULL`,
      ),
      drop: db.prepare('DELETE FROM parts WHERE peer_id = ? AND part_id = ?'),
      all: db.prepare('SELECT * FROM parts ORDER BY started, peer_id, part_id, idx'),
    };
  }

  /** Commits a part (and the duplicate filter's key it came with); throws when it cannot. */
  hold(
    peerId: string,
    part: MessagePart,
    text: string,
    startedAt: number,
    seen: SeenKey | undefined,
  ): void {
    this.q.hold.run(
      peerId,
      part.id,
      part.index,
      part.count,
      text,
      startedAt,
      seen ? seen.packetNo : null,
      seen ? seen.hash : null,
    );
    if (seen) this.keyHeld(seen.packetNo, seen.hash);
    this.changed();
  }

  /**
   * A message's parts are done with (it was stored): they go, and their keys join the
   * duplicate filter's, so a late copy of one is acked and not taken for a new message.
   * Meant for the transaction that stores the message.
   */
  finish(peerId: string, partId: string, at: number): void {
    this.q.moveSeen.run(at, peerId, partId);
    this.q.drop.run(peerId, partId);
    this.changed();
  }

  /** Every part held, by message in the order they began, then by index. */
  all(): HeldPart[] {
    return this.q.all.all().map((r) => ({
      peerId: String(r.peer_id),
      partId: String(r.part_id),
      index: Number(r.idx),
      count: Number(r.count),
      text: String(r.text),
      startedAt: Number(r.started),
    }));
  }
}
