import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';
import { migrate } from './store';

const version = (db: DatabaseSync) => Number(db.prepare('PRAGMA user_version').get()?.user_version);

describe('history schema migrations', () => {
  it('are numbered 1, 2, 3… with nothing skipped', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('build an empty database up to the current version, and are idempotent after', () => {
    const db = new DatabaseSync(':memory:');
    expect(migrate(db)).toBe(0);
    expect(version(db)).toBe(SCHEMA_VERSION);
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'messages',
        'messages_fts',
        'peers',
        'seen',
        'meta',
        'outbox',
        'parts',
      ]),
    );
  });

  it('bring each older version up, keeping its rows', () => {
    for (let n = 1; n < MIGRATIONS.length; n++) {
      const db = new DatabaseSync(':memory:');
      for (const m of MIGRATIONS.slice(0, n)) db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${MIGRATIONS[n - 1]?.version}`);
      db.exec("INSERT INTO meta (key, value) VALUES ('probe', 'kept')");
      migrate(db);
      expect(version(db)).toBe(SCHEMA_VERSION);
      expect(db.prepare("SELECT value FROM meta WHERE key = 'probe'").get()?.value).toBe('kept');
      // Migration 6: the table held parts of long messages wait in.
      expect(db.prepare('SELECT count(*) AS n FROM parts').get()?.n).toBe(0);
    }
  });

  it("7 fills message_hours with each hour's seqs from the rows already there", () => {
    const db = new DatabaseSync(':memory:');
    const before = MIGRATIONS.filter((m) => m.version < 7);
    for (const m of before) db.exec(m.sql);
    db.exec(`PRAGMA user_version = ${before[before.length - 1]?.version}`);
    const put = db.prepare(
      `INSERT INTO messages (seq, id, peer_id, direction, text, at, broadcast, bytes)
       VALUES (?, ?, 'p', 'in', 't', ?, 0, 1)`,
    );
    const H = 3_600_000;
    // Two in hour 10 with one of hour 11 between them (the clock went back), one before 1970.
    put.run(1, 'a', 10 * H + 5);
    put.run(2, 'b', 11 * H);
    put.run(3, 'c', 10 * H + H - 1);
    put.run(4, 'd', -1);
    migrate(db);
    const hours = db.prepare('SELECT hour, lo, hi FROM message_hours ORDER BY hour').all();
    expect(hours.map((r) => [r.hour, r.lo, r.hi])).toEqual([
      [-1, 4, 4],
      [10, 1, 3],
      [11, 2, 2],
    ]);
  });

  it('version 5 keeps the outbox rows of version 4, with no wire id of their own', () => {
    const db = new DatabaseSync(':memory:');
    for (const m of MIGRATIONS.slice(0, 4)) db.exec(m.sql);
    db.exec('PRAGMA user_version = 4');
    db.exec(
      `INSERT INTO outbox (message_id, peer_id, address, port, label, text, created, since,
         expires, code) VALUES ('m1', '10.0.0.5:2425', '10.0.0.5', 2425, 'bob', 'hi', 1, 2, 3,
         'outbox-no-ack')`,
    );
    migrate(db);
    expect(db.prepare('SELECT message_id, wire_id FROM outbox').all()).toEqual([
      { message_id: 'm1', wire_id: null },
    ]);
    db.exec("INSERT INTO identities (peer_id, key, last_seen) VALUES ('10.0.0.5:2425', 'i:x', 1)");
    db.exec("INSERT INTO identity_notices (pair, at) VALUES ('a b', 1)");
  });

  it('refuse a database newer than this Pigeon knows, changing nothing', () => {
    const db = new DatabaseSync(':memory:');
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(/newer than this Pigeon knows/);
    expect(db.prepare('SELECT count(*) AS c FROM sqlite_schema').get()?.c).toBe(0);
  });

  it('roll a failed migration back whole: the version and the tables stay as they were', () => {
    const db = new DatabaseSync(':memory:');
    // A table in the way makes migration 1 fail half-way through.
    db.exec('CREATE TABLE seen (x)');
    expect(() => migrate(db)).toThrow();
    expect(version(db)).toBe(0);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all();
    expect(tables.map((r) => r.name)).toEqual(['seen']);
  });
});
