import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';
import { migrate } from './store';

const version = (db: DatabaseSync) => Number(db.prepare('PRAGMA user_version').get()?.user_version);

describe('history schema migrations', () => {
  it('are numbered 1, 2, 3… with nothing skipped', () => {
    // 5 is another branch's migration, merged beside this one: with it, the list is 1-6 again
    // (then `MIGRATIONS.map((_, i) => i + 1)`, as before).
    expect(MIGRATIONS.map((m) => m.version)).toEqual([1, 2, 3, 4, 6]);
    expect(SCHEMA_VERSION).toBe(6);
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
    for (let ran = 1; ran < MIGRATIONS.length; ran++) {
      const db = new DatabaseSync(':memory:');
      for (const m of MIGRATIONS.slice(0, ran)) db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${MIGRATIONS[ran - 1]?.version}`);
      db.exec("INSERT INTO meta (key, value) VALUES ('probe', 'kept')");
      migrate(db);
      expect(version(db)).toBe(SCHEMA_VERSION);
      expect(db.prepare("SELECT value FROM meta WHERE key = 'probe'").get()?.value).toBe('kept');
      // Migration 6: the table held parts of long messages wait in.
      expect(db.prepare('SELECT count(*) AS n FROM parts').get()?.n).toBe(0);
    }
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
