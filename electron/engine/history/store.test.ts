import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/model';
import { HISTORY_FILE, HistoryStore } from './store';
import { tempDirsRemovedAfterEach } from '../testing/temp-dirs';

const tempDir = tempDirsRemovedAfterEach('pigeon-history-');

let n = 0;
function msg(peerId: string, text: string, extra: Partial<ChatMessage> = {}): ChatMessage {
  n++;
  return { id: `m${n}`, peerId, direction: 'in', text, at: 1_000 + n, broadcast: false, ...extra };
}

/** Every file under `dir` (the journal's segments too), as paths relative to it. */
function filesIn(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => fs.statSync(path.join(dir, f)).isFile());
}

const A = '10.0.0.1:2425';
const B = '10.0.0.2:2425';

describe('HistoryStore', () => {
  it('keeps messages across a reopen, owner-only, in WAL mode', () => {
    const dir = tempDir();
    const s = HistoryStore.inDataDir(dir);
    const m = msg(A, '你好', { direction: 'out', delivery: { state: 'queued' }, files: ['f1'] });
    expect(s.insert(m)).toBe('stored');
    s.setDelivery(m.id, { state: 'delivered', at: 5 });
    expect(s.raw.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
    s.close();
    const file = path.join(dir, HISTORY_FILE);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = HistoryStore.inDataDir(dir);
    expect(again.get(m.id)).toEqual({ ...m, delivery: { state: 'delivered', at: 5 } });
    expect(again.summaries()).toEqual([{ peerId: A, last: again.get(m.id) }]);
    again.close();
  });

  it('makes -wal and -shm owner-only too', () => {
    if (process.platform === 'win32') return;
    const dir = tempDir();
    const s = HistoryStore.inDataDir(dir);
    s.insert(msg(A, 'x'));
    // The journal's folder and its segment too (the message is in it until its batch).
    const entries = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' });
    expect(entries.some((f) => f.endsWith('.log'))).toBe(true);
    for (const f of entries) {
      const stat = fs.statSync(path.join(dir, f));
      expect([f, stat.mode & 0o777]).toEqual([f, stat.isDirectory() ? 0o700 : 0o600]);
    }
    s.close();
  });

  it('fails, on the next open, what was still queued when the last run stopped', () => {
    const dir = tempDir();
    const s = HistoryStore.inDataDir(dir);
    const m = msg(A, 'pending', { direction: 'out', delivery: { state: 'queued' } });
    s.insert(m);
    s.close();
    const again = HistoryStore.inDataDir(dir);
    expect(again.get(m.id)?.delivery).toEqual({ state: 'failed', code: 'stopped', params: {} });
    again.close();
  });

  it('pages backwards from the newest, forwards, and around a message', () => {
    const s = new HistoryStore(':memory:');
    const ms = Array.from({ length: 25 }, (_, i) => msg(A, `m ${i}`));
    for (const m of ms) {
      s.insert(m);
      s.insert(msg(B, 'other'));
    }
    const ids = (p: { messages: ChatMessage[] } | undefined) => p?.messages.map((m) => m.text);
    const first = s.page({ peerId: A, limit: 10 });
    expect(ids(first)).toEqual(ms.slice(15).map((m) => m.text));
    expect(first?.more).toBe(true);
    const second = s.page({ peerId: A, before: ms[15]?.id, limit: 10 });
    expect(ids(second)).toEqual(ms.slice(5, 15).map((m) => m.text));
    const last = s.page({ peerId: A, before: ms[5]?.id, limit: 10 });
    expect(ids(last)).toEqual(ms.slice(0, 5).map((m) => m.text));
    expect(last?.more).toBe(false);
    const around = s.page({ peerId: A, around: ms[12]?.id, limit: 6 });
    expect(ids(around)).toEqual(ms.slice(10, 16).map((m) => m.text));
    expect([around?.more, around?.newer]).toEqual([true, true]);
    const after = s.page({ peerId: A, after: ms[20]?.id, limit: 10 });
    expect(ids(after)).toEqual(ms.slice(21).map((m) => m.text));
    expect(after?.newer).toBe(false);
    // A cursor from another conversation is not a cursor of this one.
    expect(s.page({ peerId: B, before: ms[3]?.id, limit: 10 })).toBeUndefined();
  });

  it('finds Chinese words of one, two and more characters, and English by prefix', () => {
    const s = new HistoryStore(':memory:');
    const texts = [
      '明天的会议改到三点',
      '会',
      '开会吗',
      'The meeting moved',
      '议会大厦',
      '甲会，议乙',
    ];
    for (const t of texts) s.insert(msg(A, t));
    const found = (text: string) => s.search({ text, limit: 10 }).map((h) => h.message.text);
    expect(found('会议')).toEqual(['明天的会议改到三点']);
    expect(found('会').sort()).toEqual(
      ['明天的会议改到三点', '会', '开会吗', '议会大厦', '甲会，议乙'].sort(),
    );
    expect(found('议会')).toEqual(['议会大厦']);
    expect(found('会议改到')).toEqual(['明天的会议改到三点']);
    expect(found('meet')).toEqual(['The meeting moved']);
    expect(found('MEETING 会')).toEqual([]);
    const [hit] = s.search({ text: '三点', limit: 1 });
    expect(hit?.ranges).toEqual([[7, 9]]);
  });

  it('filters search by peer and date, newest first', () => {
    const s = new HistoryStore(':memory:');
    const a1 = msg(A, 'lunch?', { at: 100 });
    const b1 = msg(B, 'lunch now', { at: 200 });
    const a2 = msg(A, 'lunch later', { at: 300 });
    for (const m of [a1, b1, a2]) s.insert(m);
    const ids = (r: { message: ChatMessage }[]) => r.map((h) => h.message.id);
    expect(ids(s.search({ text: 'lunch', limit: 10 }))).toEqual([a2.id, b1.id, a1.id]);
    expect(ids(s.search({ text: 'lunch', peerId: A, limit: 10 }))).toEqual([a2.id, a1.id]);
    expect(ids(s.search({ text: 'lunch', since: 150, until: 300, limit: 10 }))).toEqual([b1.id]);
  });

  it('gives up the oldest unpinned messages to the budget, and refuses when only pinned are left', () => {
    const s = new HistoryStore(':memory:', { budgetBytes: 10 * (256 + 3 * 10) });
    const first = msg(A, '0123456789');
    s.insert(first);
    s.pin(first.id, true);
    const rest = Array.from({ length: 30 }, () => msg(A, '0123456789'));
    for (const m of rest) expect(s.insert(m)).toBe('stored');
    expect(s.usage().used).toBeLessThanOrEqual(s.usage().budget);
    expect(s.get(first.id)?.pinned).toBe(true);
    expect(s.get(rest[0]?.id ?? '')).toBeUndefined();
    expect(s.get(rest[29]?.id ?? '')).toBeDefined();
    // The evicted are gone from the index too.
    expect(s.search({ text: '0123456789', limit: 100 })).toHaveLength(
      Number(s.raw.prepare('SELECT count(*) AS c FROM messages').get()?.c),
    );
    for (const m of s.page({ peerId: A, limit: 100 })?.messages ?? []) s.pin(m.id, true);
    expect(s.insert(msg(A, '0123456789'))).toBe('full');
  });

  it('refuses a message larger than the whole budget', () => {
    const s = new HistoryStore(':memory:', { budgetBytes: 1000 });
    expect(s.insert(msg(A, 'x'.repeat(1000)))).toBe('full');
  });

  it('deletes a message, a conversation, or everything, from the index and the file', async () => {
    const dir = tempDir();
    const s = HistoryStore.inDataDir(dir);
    const secret = msg(A, 'zebrasecret 秘密');
    const keep = msg(A, 'keep this');
    s.insert(secret);
    s.insert(keep);
    s.insert(msg(B, 'bee zebrasecret'));
    expect(s.deleteMessage(secret.id)).toBe(true);
    expect(s.get(secret.id)).toBeUndefined();
    expect(s.search({ text: '秘密', limit: 5 })).toEqual([]);
    expect(s.search({ text: 'zebrasecret', limit: 5 }).map((h) => h.peerId)).toEqual([B]);
    expect(s.deleteConversation(B)).toBe(1);
    expect(s.summaries().map((x) => x.peerId)).toEqual([A]);
    const holding = (needle: string) =>
      filesIn(dir).filter((f) => fs.readFileSync(path.join(dir, f)).includes(needle));
    expect(holding('zebrasecret')).toEqual([]);
    expect(holding('秘密')).toEqual([]);
    const gone = s.deleteAll();
    // Out of every query at once; out of the file when it resolves.
    expect(s.summaries()).toEqual([]);
    expect(s.search({ text: 'keep', limit: 5 })).toEqual([]);
    await gone;
    expect(holding('keep this')).toEqual([]);
    s.close();
  });

  it('finishes a "delete everything" still under way when the store closes', async () => {
    const dir = tempDir();
    const s = HistoryStore.inDataDir(dir);
    for (let i = 0; i < 50; i++) s.insert(msg(A, `puffinneedle ${i}`));
    s.flush();
    const gone = s.deleteAll();
    s.close();
    await gone;
    const holding = filesIn(dir).filter((f) =>
      fs.readFileSync(path.join(dir, f)).includes('puffinneedle'),
    );
    expect(holding).toEqual([]);
    const again = HistoryStore.inDataDir(dir);
    expect(again.meta('shrink-pending')).toBeUndefined();
    expect(again.messageCount()).toBe(0);
    again.close();
  });

  it('finishes a "delete everything" that a crash cut short at the next open', () => {
    const dir = tempDir();
    const s = HistoryStore.inDataDir(dir);
    for (let i = 0; i < 50; i++) s.insert(msg(A, `walrusneedle ${i}`));
    s.close();
    // What deleteAll commits before it rebuilds the file: the rows freed, not overwritten.
    const db = new DatabaseSync(path.join(dir, HISTORY_FILE));
    db.exec('PRAGMA secure_delete = OFF');
    db.exec(`BEGIN; DELETE FROM messages; INSERT INTO messages_fts (messages_fts) VALUES ('delete-all');
             INSERT OR REPLACE INTO meta (key, value) VALUES ('indexed-seq', '0'), ('shrink-pending', '1');
             COMMIT; PRAGMA wal_checkpoint(TRUNCATE);`);
    db.close();
    const holding = () =>
      filesIn(dir).filter((f) => fs.readFileSync(path.join(dir, f)).includes('walrusneedle'));
    expect(holding()).toEqual([HISTORY_FILE]);
    const again = HistoryStore.inDataDir(dir);
    expect(holding()).toEqual([]);
    expect(again.meta('shrink-pending')).toBeUndefined();
    again.close();
  });

  it('finds the message stored after the newest one was deleted (SQLite gives it the same seq)', () => {
    const s = new HistoryStore(':memory:');
    s.insert(msg(A, 'first'));
    const newest = msg(A, 'second');
    s.insert(newest);
    s.flush();
    expect(s.deleteMessage(newest.id)).toBe(true);
    const next = msg(A, 'third narwhal');
    s.insert(next);
    expect(s.search({ text: 'narwhal', limit: 5 }).map((h) => h.message.id)).toEqual([next.id]);
  });

  it('brings indexed-seq down to the newest message at open (a delete before this was handled)', () => {
    const dir = tempDir();
    const s = HistoryStore.inDataDir(dir);
    s.insert(msg(A, 'first'));
    s.flush();
    s.setMeta('indexed-seq', '2');
    s.close();
    const again = HistoryStore.inDataDir(dir);
    const next = msg(A, 'second pelican');
    again.insert(next);
    expect(again.search({ text: 'pelican', limit: 5 }).map((h) => h.message.id)).toEqual([next.id]);
    again.close();
  });

  it('filters by a date far back through the hours, exactly, a clock that went back included', () => {
    const s = new HistoryStore(':memory:');
    const H = 3_600_000;
    const day = 24 * H;
    const at = (d: number, h: number) => Date.UTC(2026, 0, 1) + d * day + h * H;
    const all: ChatMessage[] = [];
    for (let d = 0; d < 30; d++)
      for (let h = 0; h < 24; h += 6)
        all.push(msg(d % 2 ? A : B, `standup ${d}`, { at: at(d, h) }));
    // Written on day 29, dated day 2 (the clock was set back, then forward again).
    const skewed = msg(A, 'standup skewed', { at: at(2, 7) });
    all.push(skewed, msg(A, 'standup after', { at: at(29, 23) }));
    for (const m of all) s.insert(m);
    const since = at(2, 0);
    const until = at(3, 0);
    const expected = all.filter((m) => m.at >= since && m.at < until);
    const ids = (ms: { id: string }[]) => ms.map((m) => m.id).sort();
    const hits = s.search({ text: 'standup', since, until, limit: 100 }).map((h) => h.message);
    expect(ids(hits)).toEqual(ids(expected));
    expect(hits.map((m) => m.id)).toContain(skewed.id);
    expect(ids(s.recent({ since, until, limit: 100 }))).toEqual(ids(expected));
    expect(ids(s.recent({ peerId: A, since, until, limit: 100 }))).toEqual(
      ids(expected.filter((m) => m.peerId === A)),
    );
    expect(s.search({ text: 'standup', since: at(40, 0), limit: 5 })).toEqual([]);
    expect(s.search({ text: 'standup', until: at(0, 0), limit: 5 })).toEqual([]);
    expect(s.search({ text: 'standup', since: at(5, 0), until: at(5, 0), limit: 5 })).toEqual([]);
    // Each hour written has its seq window (every batch keeps them).
    const hours = new Set(all.map((m) => Math.floor(m.at / H)));
    expect(s.raw.prepare('SELECT count(*) AS c FROM message_hours').get()?.c).toBe(hours.size);
    // The filter is a window on the index's rowids: a day reads that day's hits, not all after.
    const plan = s.raw
      .prepare(
        `EXPLAIN QUERY PLAN SELECT m.* FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
         WHERE messages_fts MATCH 'standup' AND messages_fts.rowid BETWEEN 1 AND 2`,
      )
      .all()
      .map((r) => String(r.detail));
    expect(plan.join('\n')).toMatch(/VIRTUAL TABLE INDEX \d+:[^\n]*[<>]/);
  });

  it('indexes each message once with two stores on one file; the reading one writes nothing', () => {
    const dir = tempDir();
    const file = path.join(dir, HISTORY_FILE);
    const engine = HistoryStore.inDataDir(dir);
    engine.insert(msg(A, 'otter one'));
    engine.flush();
    // Rows committed without their full-text entries (a run that died between the two).
    const other = new DatabaseSync(file);
    other.exec(`INSERT INTO messages (id, peer_id, direction, text, at, broadcast, bytes)
                VALUES ('x1', '${A}', 'in', 'otter two', 5000, 0, 1)`);
    other.close();
    const changes = (st: HistoryStore) =>
      Number(st.raw.prepare('SELECT total_changes() AS c').get()?.c);
    const reader = new HistoryStore(file, {}, { owner: false });
    const readerChanges = changes(reader);
    expect(reader.search({ text: 'otter', limit: 10 })).toHaveLength(1);
    reader.recent({ limit: 10 });
    expect(changes(reader)).toBe(readerChanges);
    expect(engine.meta('indexed-seq')).toBe('1');
    // A second writer indexes them, then the engine writes its next batch: its own idea of
    // indexed-seq is stale, the one in meta is not.
    const second = new HistoryStore(file);
    second.insertLater(msg(B, 'otter three'));
    second.flush();
    engine.insertLater(msg(A, 'otter four'));
    engine.flush();
    const entries = engine.raw
      .prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'otter' ORDER BY rowid")
      .all()
      .map((r) => Number(r.rowid));
    expect(entries).toEqual([1, 2, 3, 4]);
    expect(engine.search({ text: 'otter', limit: 10 })).toHaveLength(4);
    expect(reader.search({ text: 'otter', limit: 10 })).toHaveLength(4);
    expect(changes(reader)).toBe(readerChanges);
    for (const st of [reader, second, engine]) st.close();
  });

  it('keeps an incoming message in the journal before any batch, and writes it at the next open after a crash', () => {
    const dir = tempDir();
    const crashed = HistoryStore.inDataDir(dir);
    const own = msg(A, 'ours first', {
      direction: 'out',
      delivery: { state: 'sent', attempts: 1 },
    });
    crashed.insertLater(own);
    const m = msg(A, '会议 at noon');
    const key = { peerId: A, packetNo: 41, hash: 99 };
    expect(crashed.insert(m, key)).toBe('stored');
    // In the journal, not in the database, before any batch ran: the duplicate filter knows it.
    const journal = path.join(dir, `${HISTORY_FILE}-inbox`);
    const segments = () => fs.readdirSync(journal);
    expect(segments()).toEqual(['1.log']);
    expect(fs.readFileSync(path.join(journal, '1.log')).includes('会议 at noon')).toBe(true);
    const count = (s: HistoryStore) =>
      Number(s.raw.prepare('SELECT count(*) AS c FROM messages').get()?.c);
    expect(count(crashed)).toBe(0);
    expect(crashed.hasSeen(key)).toBe(true);
    expect(crashed.hasSeen({ ...key, hash: 98 })).toBe(false);
    // Opened again without a close or a batch in between, as after kill -9.
    const again = HistoryStore.inDataDir(dir);
    expect(segments()).toEqual([]);
    expect(count(again)).toBe(1);
    expect(again.get(m.id)).toEqual(m);
    expect(again.get(own.id)).toBeUndefined();
    expect(again.hasSeen(key)).toBe(true);
    expect(again.search({ text: '会议', limit: 10 }).map((h) => h.message.id)).toEqual([m.id]);
    expect(again.usage().used).toBeGreaterThan(0);
    again.close();
    // The crashed one's batch finds its row written already: nothing twice.
    crashed.close();
    const last = HistoryStore.inDataDir(dir);
    expect(last.page({ peerId: A, limit: 10 })?.messages.map((x) => x.id)).toEqual([m.id, own.id]);
    last.close();
  });

  it('reads a journal up to a torn or damaged record, and the rows of the inbox table an older version left', () => {
    const dir = tempDir();
    const s = HistoryStore.inDataDir(dir);
    const whole = msg(A, 'whole record');
    const torn = msg(A, 'torn record');
    s.insert(whole, { peerId: A, packetNo: 1, hash: 1 });
    s.insert(torn, { peerId: A, packetNo: 2, hash: 2 });
    // The database as a version with the inbox table (schema 4) left it after a crash.
    s.raw
      .prepare(
        `INSERT INTO inbox (id, peer_id, direction, text, at, broadcast, delivery, extra, bytes,
           packet_no, hash) VALUES ('old-1', ?, 'in', 'from the inbox table', 5, 0, NULL, NULL, 300, 3, 3)`,
      )
      .run(A);
    const segment = path.join(dir, `${HISTORY_FILE}-inbox`, '1.log');
    const bytes = fs.readFileSync(segment);
    // The second record cut short, as a power cut can leave it.
    fs.writeFileSync(segment, bytes.subarray(0, bytes.length - 5));
    const again = HistoryStore.inDataDir(dir);
    expect(again.get(whole.id)?.text).toBe('whole record');
    expect(again.get(torn.id)).toBeUndefined();
    expect(again.get('old-1')?.text).toBe('from the inbox table');
    expect(again.hasSeen({ peerId: A, packetNo: 3, hash: 3 })).toBe(true);
    expect(Number(again.raw.prepare('SELECT count(*) AS c FROM inbox').get()?.c)).toBe(0);
    again.close();
    // A flipped byte in a record's text: its CRC no longer matches, and it is not written.
    const dir2 = tempDir();
    const t = HistoryStore.inDataDir(dir2);
    t.insert(msg(A, 'flipped byte'));
    const segment2 = path.join(dir2, `${HISTORY_FILE}-inbox`, '1.log');
    const damaged = fs.readFileSync(segment2);
    const at = damaged.indexOf('flipped');
    damaged[at] = 'F'.charCodeAt(0);
    fs.writeFileSync(segment2, damaged);
    const reopened = HistoryStore.inDataDir(dir2);
    expect(reopened.messageCount()).toBe(0);
    reopened.close();
    s.close();
    t.close();
  });

  it('writes our messages and incoming ones in the order they happened', () => {
    const s = HistoryStore.inDataDir(tempDir());
    const a = msg(A, 'in 1');
    const b = msg(A, 'out 2', { direction: 'out', delivery: { state: 'sent', attempts: 1 } });
    const c = msg(A, 'in 3');
    s.insert(a, { peerId: A, packetNo: 1, hash: 1 });
    s.insertLater(b);
    s.insert(c, { peerId: A, packetNo: 2, hash: 2 });
    expect(s.page({ peerId: A, limit: 10 })?.messages.map((x) => x.id)).toEqual([a.id, b.id, c.id]);
    expect(s.recentSeen().length).toBe(2);
    s.close();
  });

  it('finds every duplicate filter key, in the inbox, the table, or noted, after a reopen too', () => {
    const dir = tempDir();
    const s = HistoryStore.inDataDir(dir);
    const k1 = { peerId: A, packetNo: 1, hash: 11 };
    s.insert(msg(A, 'before the filter is built'), k1);
    expect(s.hasSeen(k1)).toBe(true);
    const k2 = { peerId: A, packetNo: 2, hash: 22 };
    const k3 = { peerId: B, packetNo: -1, hash: 33 };
    s.insert(msg(A, 'after'), k2);
    s.noteSeen(k3, 5_000);
    for (const k of [k1, k2, k3]) expect(s.hasSeen(k)).toBe(true);
    s.flush();
    for (const k of [k1, k2, k3]) expect(s.hasSeen(k)).toBe(true);
    expect(s.hasSeen({ ...k2, peerId: B })).toBe(false);
    expect(s.hasSeen({ ...k2, hash: 23 })).toBe(false);
    s.close();
    const again = HistoryStore.inDataDir(dir);
    for (const k of [k1, k2, k3]) expect(again.hasSeen(k)).toBe(true);
    again.close();
  });

  it('in memory, finds the keys of messages not written yet, and writes them with the batch', () => {
    const s = new HistoryStore(':memory:');
    const k = { peerId: A, packetNo: 5, hash: 55 };
    const m = msg(A, '内存 only');
    expect(s.insert(m, k)).toBe('stored');
    expect(s.raw.prepare('SELECT count(*) AS c FROM messages').get()?.c).toBe(0);
    expect(s.hasSeen(k)).toBe(true);
    expect(s.hasSeen({ ...k, hash: 56 })).toBe(false);
    expect(s.get(m.id)).toEqual(m);
    expect(s.hasSeen(k)).toBe(true);
    expect(s.recentSeen()).toEqual([k]);
    expect(s.search({ text: '内存', limit: 5 }).map((h) => h.message.id)).toEqual([m.id]);
    s.close();
  });

  it('indexes a message that takes the place of the newest one deleted', () => {
    const s = HistoryStore.inDataDir(tempDir());
    const a = msg(A, 'alpha first');
    const b = msg(A, 'bravo second');
    s.insert(a);
    s.insert(b);
    s.flush();
    expect(s.deleteMessage(b.id)).toBe(true);
    const c = msg(A, 'charlie third');
    s.insert(c);
    expect(s.search({ text: 'charlie', limit: 5 }).map((h) => h.message.id)).toEqual([c.id]);
    expect(s.search({ text: 'alpha', limit: 5 }).map((h) => h.message.id)).toEqual([a.id]);
    s.close();
  });

  it('stores a message of ours with the state it settled in before its batch', () => {
    const dir = tempDir();
    const s = HistoryStore.inDataDir(dir);
    const m = msg(A, 'ours', { direction: 'out', delivery: { state: 'queued' } });
    s.insertLater(m);
    s.setDelivery(m.id, { state: 'delivered', at: 9 });
    expect(s.get(m.id)?.delivery).toEqual({ state: 'delivered', at: 9 });
    s.setDelivery(m.id, { state: 'unconfirmed', at: 10, code: 'forged-acks', params: {} });
    s.close();
    const again = HistoryStore.inDataDir(dir);
    expect(again.get(m.id)?.delivery).toEqual({
      state: 'unconfirmed',
      at: 10,
      code: 'forged-acks',
      params: {},
    });
    again.close();
  });

  it('remembers the duplicate filter keys and the peers', () => {
    const dir = tempDir();
    const s = HistoryStore.inDataDir(dir);
    s.insert(msg(A, 'hi'), { peerId: A, packetNo: 7, hash: 123 });
    s.noteSeen({ peerId: A, packetNo: 8, hash: 456 }, 2_000);
    s.close();
    const again = HistoryStore.inDataDir(dir);
    expect(again.recentSeen()).toEqual([
      { peerId: A, packetNo: 8, hash: 456 },
      { peerId: A, packetNo: 7, hash: 123 },
    ]);
    again.close();
  });
});
