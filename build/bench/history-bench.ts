/**
 * The history's benchmarks (`--only history` runs them alone):
 *
 * - insert_ratio: HistoryStore.insert as the engine uses it (one record per message appended
 *   to the inbox journal before the ack; the rows written into messages and seen and the
 *   full-text entries by the writer thread in batches, flushed before the clock stops) against bare
 *   node:sqlite prepared statements doing the straightforward writes into the same schema with
 *   the same pragmas: a transaction per message for the row and the key, the full-text entries
 *   in transactions of 1,000. The bare side gets its full-text columns tokenized beforehand, so
 *   the ratio includes the tokenizing the store does (target >= 0.5).
 * - latency on a database of 1,000,000 messages (10 conversations of 100,000): opening the
 *   store, the newest page of a conversation, a page deep in it, and searches (Chinese of one,
 *   two and four characters, English, with a peer and a date filter), medians in ms (target
 *   < 100 ms each). Plus the alternative the index design rejected, for the record: a
 *   two-character Chinese query as a phrase of single characters (no bigram column).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import type { ChatMessage } from '../../shared/model';
import { MIGRATIONS, SCHEMA_VERSION } from '../../electron/engine/history/schema';
import { indexText } from '../../electron/engine/history/search';
import { HistoryStore, messageCost } from '../../electron/engine/history/store';

/** Words people type, Chinese and English, so that queries hit at realistic rates. */
const ZH_WORDS = [
  '会议',
  '明天',
  '下午',
  '项目',
  '报告',
  '测试',
  '服务器',
  '上线',
  '文件',
  '发一下',
  '谢谢',
  '好的',
  '没问题',
  '吃饭',
  '周末',
  '客户',
  '需求',
  '版本',
  '部署',
  '数据库',
  '网络',
  '打印机',
  '老板',
  '加班',
  '请假',
  '同事',
  '代码',
  '评审',
  '合同',
  '预算',
  '王总',
  '李工',
  '小张',
  '开会',
];
const ZH_CHARS =
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质';
const EN_WORDS = [
  'meeting',
  'deploy',
  'server',
  'lunch',
  'report',
  'review',
  'build',
  'release',
  'printer',
  'please',
  'thanks',
  'tomorrow',
  'budget',
  'client',
  'the',
  'is',
  'ok',
  'done',
  'check',
  'log',
];

/** Deterministic: the same texts every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function makeText(r: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const parts: string[] = [];
  const n = 2 + Math.floor(r() * 8);
  for (let i = 0; i < n; i++) {
    const x = r();
    if (x < 0.35) parts.push(pick(ZH_WORDS));
    else if (x < 0.7) {
      let s = '';
      for (let j = 1 + Math.floor(r() * 4); j > 0; j--)
        s += ZH_CHARS[Math.floor(r() * ZH_CHARS.length)];
      parts.push(s);
    } else parts.push(` ${pick(EN_WORDS)} `);
  }
  return parts.join('');
}

function makeMessage(i: number, peers: number, r: () => number, start: number): ChatMessage {
  return {
    id: `bench-${i}`,
    peerId: `10.0.${Math.floor((i % peers) / 250)}.${((i % peers) % 250) + 1}:2425`,
    direction: i % 3 === 0 ? 'out' : 'in',
    text: makeText(r),
    at: start + i * 1000,
    broadcast: false,
    ...(i % 3 === 0 ? { delivery: { state: 'delivered' as const, at: start + i * 1000 + 5 } } : {}),
  };
}

function freshDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-history-bench-'));
}

/** The same pragmas the store sets. */
function openBare(file: string): DatabaseSync {
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA secure_delete = ON');
  for (const m of MIGRATIONS) db.exec(m.sql);
  // The last version, not the count: migration numbers may leave gaps.
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  return db;
}

function bareInserter(db: DatabaseSync) {
  const insert = db.prepare(
    `INSERT INTO messages (id, peer_id, direction, text, at, broadcast, delivery, extra, bytes)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
  );
  const fts = db.prepare('INSERT INTO messages_fts (rowid, words, uni, bi) VALUES (?, ?, ?, ?)');
  const seen = db.prepare(
    'INSERT OR IGNORE INTO seen (peer_id, packet_no, hash, at) VALUES (?, ?, ?, ?)',
  );
  return {
    row: (m: ChatMessage, i: number): number => {
      const row = insert.get(
        m.id,
        m.peerId,
        m.direction,
        m.text,
        m.at,
        0,
        m.delivery ? JSON.stringify(m.delivery) : null,
        null,
        messageCost(m, null),
      );
      seen.run(m.peerId, i, i * 7919, m.at);
      return Number(row?.seq);
    },
    fts: (seq: number, words: string, uni: string, bi: string) => fts.run(seq, words, uni, bi),
  };
}

/** Store inserts per second against bare inserts, interleaved rounds, medians. */
export function benchInsert(count = 5000, rounds = 3) {
  const r = rng(1);
  const start = Date.UTC(2026, 0, 1);
  const messages = Array.from({ length: count }, (_, i) => makeMessage(i, 10, r, start));
  const tokens = messages.map((m) => indexText(m.text));
  const storeRates: number[] = [];
  const bareRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    {
      const dir = freshDir();
      const db = openBare(path.join(dir, 'bare.db'));
      const put = bareInserter(db);
      const t0 = performance.now();
      const seqs: number[] = [];
      const index = (from: number, to: number) => {
        db.exec('BEGIN IMMEDIATE');
        for (let j = from; j < to; j++) {
          const ix = tokens[j] as (typeof tokens)[number];
          put.fts(seqs[j] ?? 0, ix.words, ix.uni, ix.bi);
        }
        db.exec('COMMIT');
      };
      for (let i = 0; i < count; i++) {
        db.exec('BEGIN IMMEDIATE');
        seqs.push(put.row(messages[i] as ChatMessage, i));
        db.exec('COMMIT');
        if ((i + 1) % 1000 === 0) index(i + 1 - 1000, i + 1);
      }
      index(count - (count % 1000), count);
      bareRates.push(count / ((performance.now() - t0) / 1000));
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    {
      const dir = freshDir();
      const store = HistoryStore.inDataDir(dir);
      const t0 = performance.now();
      for (let i = 0; i < count; i++) {
        const m = messages[i] as ChatMessage;
        store.insert(m, { peerId: m.peerId, packetNo: i, hash: i * 7919 });
      }
      store.flush();
      storeRates.push(count / ((performance.now() - t0) / 1000));
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const store = median(storeRates);
  const bare = median(bareRates);
  return {
    store_per_s: Math.round(store),
    bare_per_s: Math.round(bare),
    insert_ratio: round3(store / bare),
    us_per_message: Math.round(1e6 / store),
    target_ratio: 0.5,
  };
}

/** Builds a database of `total` messages in `peers` conversations with bare batched inserts. */
function buildLarge(file: string, total: number, peers: number): number {
  const db = openBare(file);
  const put = bareInserter(db);
  const r = rng(2);
  const start = Date.UTC(2025, 0, 1);
  const t0 = performance.now();
  for (let i = 0; i < total; i += 10_000) {
    db.exec('BEGIN');
    for (let j = i; j < Math.min(total, i + 10_000); j++) {
      const m = makeMessage(j, peers, r, start);
      const ix = indexText(m.text);
      put.fts(put.row(m, j), ix.words, ix.uni, ix.bi);
    }
    db.exec('COMMIT');
  }
  // Everything is indexed: the store has nothing to catch up on when it opens.
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('indexed-seq', ?)").run(
    String(total),
  );
  // The hours' seq windows, as the store's batches keep them (migration 7 fills them the same way).
  db.exec(`INSERT INTO message_hours (hour, lo, hi)
           SELECT at / 3600000, min(seq), max(seq) FROM messages GROUP BY 1`);
  db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')");
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  return Math.round(performance.now() - t0);
}

function timed(fn: () => unknown, runs = 15): { ms: number; result: unknown } {
  fn();
  const ms: number[] = [];
  let result: unknown;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = fn();
    ms.push(performance.now() - t0);
  }
  return { ms: round3(median(ms)), result };
}

export function benchLatency(total = 1_000_000, peers = 10) {
  const dir = freshDir();
  const file = path.join(dir, 'history.db');
  try {
    const build_ms = buildLarge(file, total, peers);
    const file_mb = Math.round(fs.statSync(file).size / 1024 / 1024);
    const t0 = performance.now();
    const store = new HistoryStore(file, { budgetBytes: 1e12 });
    const open_ms = Math.round(performance.now() - t0);
    const peer = '10.0.0.1:2425';
    const newest = timed(() => store.page({ peerId: peer, limit: 100 }));
    const mid = store.page({ peerId: peer, limit: 1 })?.messages[0];
    // A cursor half-way down the conversation (50,000 messages back).
    const deepCursor = `bench-${Number(mid?.id.split('-')[1]) - (total / 2 - ((total / 2) % peers))}`;
    const deep = timed(() => store.page({ peerId: peer, before: deepCursor, limit: 100 }));
    const search = (text: string, extra: Record<string, unknown> = {}) => {
      const t = timed(() => store.search({ text, limit: 50, ...extra }));
      return { ms: t.ms, hits: (t.result as unknown[]).length };
    };
    // One day half-way through the history (messages are a second apart from 2025-01-01).
    const midDay = Date.UTC(2025, 0, 1) + (total * 1000) / 2;
    const lines = {
      zh2: search('会议'),
      zh1: search('会'),
      zh4: search('数据库会'),
      zh2_rare: search('研质'),
      en: search('deploy'),
      en_zh: search('deploy 服务器'),
      zh2_peer: search('会议', { peerId: peer }),
      zh2_dates: search('会议', { since: midDay, until: midDay + 86_400_000 }),
    };
    // The rejected design: a two-character word as a phrase of single characters.
    const uniPhrase = timed(
      () =>
        store.raw
          .prepare(
            `SELECT m.* FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
             WHERE messages_fts MATCH 'uni : "会 议"' ORDER BY messages_fts.rowid DESC LIMIT 50`,
          )
          .all().length,
    );
    const uniRare = timed(
      () =>
        store.raw
          .prepare(
            `SELECT m.seq FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
             WHERE messages_fts MATCH 'uni : "研 质"' ORDER BY messages_fts.rowid DESC LIMIT 50`,
          )
          .all().length,
    );
    store.close();
    return {
      messages: total,
      conversations: peers,
      build_s: Math.round(build_ms / 100) / 10,
      file_mb,
      open_ms,
      open_conversation_ms: newest.ms,
      page_deep_ms: deep.ms,
      search: lines,
      rejected_unigram_phrase_ms: { zh2: uniPhrase.ms, zh2_rare: uniRare.ms },
      target_ms: 100,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * "Delete everything" on a database of `total` messages: the longest the main thread is held
 * (the event loop's longest delay, sampled every millisecond, while the delete runs: its
 * transaction, then the rebuild and the checkpoint in turns of their own), the time until the
 * file is rebuilt, and the file before and after.
 */
export async function benchDeleteAll(total = 200_000, peers = 10) {
  const dir = freshDir();
  const file = path.join(dir, 'history.db');
  try {
    buildLarge(file, total, peers);
    const store = new HistoryStore(file, { budgetBytes: 1e12 });
    const file_mb_before = round3(fs.statSync(file).size / 1024 / 1024);
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    // The histogram's first sample starts after this turn.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const t0 = performance.now();
    const done = store.deleteAll();
    const call_ms = round3(performance.now() - t0);
    await done;
    const done_ms = round3(performance.now() - t0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    loop.disable();
    const file_mb_after = round3(fs.statSync(file).size / 1024 / 1024);
    store.close();
    return {
      messages: total,
      call_ms,
      longest_stall_ms: round3(loop.max / 1e6),
      done_ms,
      file_mb_before,
      file_mb_after,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchHistory(total?: number) {
  const insert = benchInsert();
  const latency = benchLatency(total);
  return { ...insert, latency, delete_all: await benchDeleteAll() };
}

export function historyRows(
  h: Awaited<ReturnType<typeof benchHistory>>,
): [string, string, string, string][] {
  const l = h.latency;
  const s = l.search;
  const d = h.delete_all;
  return [
    [
      'history, insert',
      `${h.store_per_s}/s stored (${h.us_per_message} us each)`,
      `${h.bare_per_s}/s bare node:sqlite`,
      `insert_ratio ${h.insert_ratio} (target >= 0.5)`,
    ],
    [
      `history, ${l.messages} messages`,
      `open conversation ${l.open_conversation_ms} ms`,
      `page 50,000 back ${l.page_deep_ms} ms; store opens in ${l.open_ms} ms`,
      `target < 100 ms (${l.file_mb} MB file)`,
    ],
    [
      'history, search zh',
      `会议 ${s.zh2.ms} ms, 会 ${s.zh1.ms} ms`,
      `数据库会 ${s.zh4.ms} ms, 研质 ${s.zh2_rare.ms} ms`,
      `target < 100 ms (unigram phrase instead: ${l.rejected_unigram_phrase_ms.zh2} / ${l.rejected_unigram_phrase_ms.zh2_rare} ms)`,
    ],
    [
      'history, search en, filters',
      `deploy ${s.en.ms} ms, deploy 服务器 ${s.en_zh.ms} ms`,
      `会议 by peer ${s.zh2_peer.ms} ms, in one day ${s.zh2_dates.ms} ms`,
      'target < 100 ms',
    ],
    [
      `history, delete all of ${d.messages}`,
      `longest stall ${d.longest_stall_ms} ms (the call ${d.call_ms} ms)`,
      `file rebuilt after ${d.done_ms} ms`,
      `${d.file_mb_before} MB -> ${d.file_mb_after} MB`,
    ],
  ];
}
