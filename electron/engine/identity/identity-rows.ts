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
      others: db.prepare(
        `SELECT peer_id, last_seen FROM identities
         WHERE key = ? AND peer_id <> ? AND last_seen >= ?
         ORDER BY last_seen DESC LIMIT ?`,
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

  /** Other peers that announced `key` since `since`, most recent first. */
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
