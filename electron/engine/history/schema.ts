/**
 * The history database's schema, as the list of migrations that build it. A database records
 * the last one it ran in `PRAGMA user_version`; opening runs the ones after it, each in its own
 * transaction, so a crash mid-migration leaves the version before it. Never edit a migration
 * that shipped: add the next one (schema.test.ts builds every version from an older database).
 */
export interface Migration {
  version: number;
  /** What the migration does, for the log and the tests. */
  what: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'messages with delivery state, full-text index, peers, duplicate filter, settings',
    sql: `
      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,          -- insertion order: the paging cursor and the FTS rowid
        id TEXT NOT NULL UNIQUE,          -- the message id the contract uses
        peer_id TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        text TEXT NOT NULL,
        at INTEGER NOT NULL,
        broadcast INTEGER NOT NULL,
        delivery TEXT,                    -- JSON DeliveryState (outgoing)
        extra TEXT,                       -- JSON {undecodable, incomplete, files} when any
        pinned INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL            -- what it counts against the disk budget
      );
      -- Few indexes on purpose: every page an insert touches is written to the WAL before the
      -- ack leaves (a date filter reads rows, which is fast enough: see the benchmark).
      CREATE INDEX messages_by_peer ON messages (peer_id, seq);
      CREATE INDEX messages_pinned ON messages (seq) WHERE pinned = 1;
      -- Outgoing messages still queued when the engine stopped: failed on the next open.
      CREATE INDEX messages_queued ON messages (seq)
        WHERE substr(delivery, 1, 17) = '{"state":"queued"';
      -- Contentless: the text lives once, in messages, and a delete names the tokens it
      -- removes (contentless_delete would leave them in the index as a tombstone, where
      -- secure-delete cannot reach). 'words' holds the text with CJK taken
      -- out (unicode61 splits it), 'uni' and 'bi' its CJK as single characters and as
      -- overlapping pairs (search.ts explains why).
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        words, uni, bi,
        content = '',
        tokenize = 'unicode61 remove_diacritics 2'
      );
      INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
      CREATE TABLE peers (
        id TEXT PRIMARY KEY,              -- "address:port"
        nick TEXT NOT NULL,
        grp TEXT NOT NULL,
        user TEXT NOT NULL,
        host TEXT NOT NULL,
        client TEXT NOT NULL,
        announced INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX peers_by_seen ON peers (last_seen);
      -- Messages seen recently (peer, packet number, keyed body hash): a sender retrying after
      -- our crash gets its ack, not a second copy.
      CREATE TABLE seen (
        peer_id TEXT NOT NULL,
        packet_no INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (peer_id, packet_no, hash)
      ) WITHOUT ROWID;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    what: 'the outbox: messages waiting for their peer to come back (offline delivery)',
    sql: `
      -- The message row (messages) shows it; this holds what sending it again needs. The text
      -- is encoded again when it goes (the peer's encoding, fresh nonces, its id as PGID).
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,          -- the order it goes out in, per peer
        message_id TEXT NOT NULL UNIQUE,
        peer_id TEXT NOT NULL,            -- "address:port": only a peer there gets it
        address TEXT NOT NULL,
        port INTEGER NOT NULL,
        label TEXT NOT NULL,              -- how failure texts name the peer ("nick (address)")
        text TEXT NOT NULL,
        created INTEGER NOT NULL,         -- when it was written
        since INTEGER NOT NULL,           -- when it went into the outbox
        expires INTEGER NOT NULL,
        code TEXT NOT NULL                -- why it waits (OutboxCode)
      );
      CREATE INDEX outbox_by_peer ON outbox (peer_id, seq);
    `,
  },
  {
    version: 3,
    what: 'file transfers, both ways, with what a restart needs to serve and resume them',
    sql: `
      -- What DATA/transfers.json held (files/transfer-record.ts), one row per item; written on
      -- state changes, never per chunk (a partial file's size says how far a fetch got).
      CREATE TABLE transfers (
        seq INTEGER PRIMARY KEY,          -- first recorded first: the order the bounds prune in
        id TEXT NOT NULL UNIQUE,          -- the transfer id the contract uses
        kind TEXT NOT NULL CHECK (kind IN ('in', 'out')),
        transfer TEXT NOT NULL,           -- JSON Transfer (item, state, bytes...)
        peer TEXT NOT NULL,               -- JSON: ours, the recipient; theirs, the offerer
        packet_no INTEGER,                -- the offer's packet number (ours: null until sent)
        path TEXT,                        -- ours: the file or folder served
        message_id TEXT,                  -- ours: the chat message the offer went with
        into_dir TEXT,                    -- theirs: the folder it is saved into, once accepted
        part TEXT                         -- theirs: the partial file, once a fetch began
      );
    `,
  },
  {
    version: 4,
    what: 'incoming messages committed one page each before their ack, moved in batches',
    sql: `
      -- An incoming message is committed here before its ack: one row appended to a table
      -- without indexes, so the commit writes one page (into messages, with its indexes and the
      -- duplicate filter's key, it wrote four or five). The next batch (100 ms) moves the rows
      -- into messages and seen; the next open moves what a crash left.
      CREATE TABLE inbox (
        id TEXT NOT NULL,
        peer_id TEXT NOT NULL,
        direction TEXT NOT NULL,
        text TEXT NOT NULL,
        at INTEGER NOT NULL,
        broadcast INTEGER NOT NULL,
        delivery TEXT,
        extra TEXT,
        bytes INTEGER NOT NULL,
        packet_no INTEGER,                -- the duplicate filter's key, when it came with one
        hash INTEGER
      );
    `,
  },
  {
    version: 5,
    what: 'who announced which identity where (address-change notices) and moved outbox messages',
    sql: `
      -- A held message moved to another peer at the person's word (chat:redirect-queued) is a
      -- new message there that carries the first one's id as its PGID, so a Pigeon that got an
      -- earlier try still shows it once.
      ALTER TABLE outbox ADD COLUMN wire_id TEXT;
      -- The identity each peer last announced: a Pigeon's install id, or a hash of another
      -- client's user, host and nick (identity/address-changes.ts). Bounded like peers.
      CREATE TABLE identities (
        peer_id TEXT PRIMARY KEY,         -- "address:port"
        key TEXT NOT NULL,
        last_seen INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX identities_by_key ON identities (key, last_seen);
      -- When a notice was last written for a pair of peer ids: one per pair per period, across
      -- restarts, whoever flips between the two addresses.
      CREATE TABLE identity_notices (
        pair TEXT PRIMARY KEY,            -- the two peer ids, sorted, space-separated
        at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    what: 'parts of long messages acked before their message is complete',
    sql: `
      -- Each part of a long message (PGPART) that we ack before its message is complete is
      -- committed here first, one row each, and read back into the assembler at the next start:
      -- a kill -9 loses no part we acknowledged. A message's parts leave in the transaction
      -- that stores it (whole, or marked incomplete when the rest stopped coming), their
      -- duplicate filter keys moving into seen. Bounded by the assembler's budget (budgets.ts).
      CREATE TABLE parts (
        peer_id TEXT NOT NULL,
        part_id TEXT NOT NULL,            -- the sender's part id (PGPART)
        idx INTEGER NOT NULL,
        count INTEGER NOT NULL,
        text TEXT NOT NULL,               -- decoded, as the message will show it
        started INTEGER NOT NULL,         -- when its message's first part came
        packet_no INTEGER,                -- the duplicate filter's key, when it came with one
        hash INTEGER,
        PRIMARY KEY (peer_id, part_id, idx)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    what: 'the seqs of each hour, so that a date filter reads its own rows',
    sql: `
      -- A date far back used to read every newer row (at has no index: one per insert would
      -- cost every incoming message a page). Instead, per hour of 'at', the smallest and the
      -- largest seq written in it, kept by each batch (one row per hour it touched): a date
      -- filter turns into a seq window (the rowid range the full-text index seeks to). Deletes
      -- leave it alone: the window stays a superset, the 'at' conditions still decide.
      CREATE TABLE message_hours (
        hour INTEGER PRIMARY KEY,         -- floor(at / 3,600,000)
        lo INTEGER NOT NULL,
        hi INTEGER NOT NULL
      );
      INSERT INTO message_hours (hour, lo, hi)
        SELECT at / 3600000 - (at < 0 AND at % 3600000 <> 0), min(seq), max(seq)
        FROM messages GROUP BY 1;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
