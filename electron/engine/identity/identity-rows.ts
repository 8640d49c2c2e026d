import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Bounds of the identity tables (schema version 5). */
export interface IdentityRowLimits {
  /** Peers whose last identity is remembered (as many as the history remembers peers). */
  peersMax: number;
  /** Pairs whose last notice time is remembered. */
  pairsMax: number;
}

export const IDENTITY_ROW_LIMITS: IdentityRowLimits = { peersMax: 20_000, pairsMax: 4096 };

/**
 * The history's record of who announced which identity where (identities) and when a notice
 * was last written for a pair of peers (identity_notices), so that both outlive a restart: the
 * old address of someone who moved is usually a peer of an earlier run. Each write is its own
 * small commit; the caller budgets how often it writes.
 */
export class IdentityRows {
  private readonly q: Record<
    'note' | 'others' | 'noticedAt' | 'setNoticed' | 'prunePeers' | 'prunePairs',
    StatementSync
  >;
  private writes = 0;

  constructor(
    db: DatabaseSync,
    private readonly limits: IdentityRowLimits = IDENTITY_ROW_LIMITS,
  ) {
    this.q = {
      note: db.prepare(
        `INSERT INTO identities (peer_id, key, last_seen) VALUES (?, ?, ?)
         ON CONFLICT (peer_id) DO UPDATE SET key = excluded.key, last_seen = excluded.last_seen`,
      ),
      // Only peers we talked with: a forger announcing one identity from a hundred addresses
      // must not push the real one out of a "most recent few". A notice row's extra is
      // '{"notice":…}' alone (history/store.ts extraOf): it is no conversation.
      others: db.prepare(
        `SELECT i.peer_id, i.last_seen FROM identities i
         WHERE i.key = ? AND i.peer_id <> ? AND i.last_seen >= ?
           AND EXISTS (SELECT 1 FROM messages m WHERE m.peer_id = i.peer_id
                       AND (m.extra IS NULL OR substr(m.extra, 1, 10) <> '{"notice":'))
         ORDER BY i.last_seen DESC LIMIT ?`,
      ),
      noticedAt: db.prepare('SELECT at FROM identity_notices WHERE pair = ?'),
      setNoticed: db.prepare('INSERT OR REPLACE INTO identity_notices (pair, at) VALUES (?, ?)'),
      prunePeers: db.prepare(
        `DELETE FROM identities WHERE last_seen <=
           (SELECT last_seen FROM identities ORDER BY last_seen DESC LIMIT 1 OFFSET ?)`,
      ),
      prunePairs: db.prepare(
        `DELETE FROM identity_notices WHERE at <=
           (SELECT at FROM identity_notices ORDER BY at DESC LIMIT 1 OFFSET ?)`,
      ),
    };
  }

  /** The identity `peerId` announced, as of `at`. */
  note(peerId: string, key: string, at: number): void {
    this.q.note.run(peerId, key, at);
    this.written();
  }

  /**
   * Other peers that announced `key` since `since` and have a conversation with us (a message
   * either way in the history's messages table: flush the history's batch first), most recent
   * first.
   */
  others(
    key: string,
    peerId: string,
    since: number,
    limit: number,
  ): { peerId: string; lastSeen: number }[] {
    return this.q.others
      .all(key, peerId, since, limit)
      .map((r) => ({ peerId: String(r.peer_id), lastSeen: Number(r.last_seen) }));
  }

  noticedAt(pair: string): number | undefined {
    const r = this.q.noticedAt.get(pair);
    return r ? Number(r.at) : undefined;
  }

  setNoticed(pair: string, at: number): void {
    this.q.setNoticed.run(pair, at);
    this.written();
  }

  /** Every few hundred writes the tables go back to their bounds (oldest first). */
  private written(): void {
    if (++this.writes % 256 !== 0) return;
    this.prune();
  }

  prune(): void {
    this.q.prunePeers.run(this.limits.peersMax);
    this.q.prunePairs.run(this.limits.pairsMax);
  }
}
