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
      expect.arrayContaining(['messages', 'messages_fts', 'peers', 'seen', 'meta', 'outbox']),
    );
  });

  it('bring each older version up, keeping its rows', () => {
    for (let from = 1; from < SCHEMA_VERSION; from++) {
      const db = new DatabaseSync(':memory:');
      for (const m of MIGRATIONS.slice(0, from)) db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${from}`);
      db.exec("INSERT INTO meta (key, value) VALUES ('probe', 'kept')");
      migrate(db);
      expect(version(db)).toBe(SCHEMA_VERSION);
      expect(db.prepare("SELECT value FROM meta WHERE key = 'probe'").get()?.value).toBe('kept');
    }
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
