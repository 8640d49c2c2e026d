import dgram from 'node:dgram';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Mode,
  Opt,
  buildDatagram,
  buildMessageBody,
  makeCommand,
  parseAck,
  parseDatagram,
  pigeonVersionField,
  utf8Bytes,
} from '../../../shared/protocol';
import { bundleChild } from '../testing/child-bundle';
import { killHard, sleep, startCrashChild } from '../testing/crash-runs';
import { PIGEON_VERSION } from '../version';
import { HistoryStore } from './store';

/**
 * Nothing acknowledged is lost, long messages included: Pigeon senders on loopback send long
 * messages (numbered parts, with their PGID) among short ones, retrying every part not acked,
 * to an engine in a child process that is killed with SIGKILL at random moments and started
 * again on the same data directory. After each restart a sender sends some of its unfinished
 * long messages again from the first part, with new packet numbers, as a Pigeon's outbox does
 * when the peer comes back. At the end every long message is stored once and whole (every part
 * ever acked in it), every acked short message once, no part is left waiting, and the
 * database is whole.
 */
const ENGINE = '127.0.0.3';
const CYCLES = 10;
const SENDERS = 3;
/** Long messages a sender has under way at once: within the assembler's per-peer bound (4). */
const IN_FLIGHT = 2;

let bundled: Awaited<ReturnType<typeof bundleChild>>;
let entry: string;

beforeAll(async () => {
  bundled = await bundleChild(
    path.join(import.meta.dirname, '..', 'testing', 'crash-child.ts'),
    'pigeon-crash-parts-',
  );
  entry = bundled.entry;
});
afterAll(() => bundled.remove());

/** Part `index` of long message `n`: numbered, with CJK, a few hundred bytes. */
const partText = (n: number, index: number, count: number) =>
  `[L${n} ${index + 1}/${count} 长消息的一部分 ${'·'.repeat(60)}]`;
const longText = (n: number, count: number) =>
  Array.from({ length: count }, (_, i) => partText(n, i, count)).join('');

interface Long {
  n: number;
  count: number;
  /** Indexes acked so far. */
  acked: Set<number>;
}

/** Something sent and not acked yet: a short message, or one part of a long one. */
type Sent = { short: number } | { long: Long; index: number };

describe('a killed engine, long messages', () => {
  it(
    `keeps every acked part and stores each long message once and whole (${CYCLES} kill -9 under traffic)`,
    { timeout: 120_000 },
    async () => {
      const dataDir = path.join(bundled.dir, 'data');
      const port = 20_000 + Math.floor(Math.random() * 30_000);
      const version = pigeonVersionField(PIGEON_VERSION);
      const command = makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.UTF8OPT);
      let packetNo = 1;
      let nextShort = 1;
      let nextLong = 1;
      const shortAcked = new Set<number>();
      const longs: Long[] = [];

      const senders = await Promise.all(
        Array.from({ length: SENDERS }, async (_, k) => {
          // Each on an address of its own: from one address, the engine takes another port
          // for the same peer (IPMsg clients send from other ports), as it should.
          const socket = dgram.createSocket('udp4');
          await new Promise<void>((r) => socket.bind(0, `127.0.1.${k + 1}`, r));
          /** By packet number: what is waiting for its ack, and since when. */
          const pending = new Map<number, { what: Sent; at: number }>();
          const flying: Long[] = [];
          socket.on('message', (bytes) => {
            const parsed = parseDatagram(bytes);
            if (!parsed.ok || (parsed.value.command & 0xff) !== Mode.RECVMSG) return;
            const no = parseAck(parsed.value.extra).packetNo;
            const sent = pending.get(no);
            if (!sent) return;
            pending.delete(no);
            if ('short' in sent.what) shortAcked.add(sent.what.short);
            else sent.what.long.acked.add(sent.what.index);
          });
          const extraOf = (what: Sent) =>
            'short' in what
              ? utf8Bytes(`short ${what.short} 短消息\0`)
              : buildMessageBody(utf8Bytes(partText(what.long.n, what.index, what.long.count)), {
                  part: { id: `l${what.long.n}`, index: what.index, count: what.long.count },
                  id: `L-${what.long.n}`,
                });
          const send = (what: Sent, no = packetNo++) => {
            pending.set(no, { what, at: Date.now() });
            socket.send(
              buildDatagram({
                version,
                packetNo: no,
                user: utf8Bytes('pig'),
                host: utf8Bytes('sty'),
                command,
                extra: extraOf(what),
              }),
              port,
              ENGINE,
            );
          };
          return {
            socket,
            pending,
            /** New traffic: a short message, and a long one when fewer than IN_FLIGHT fly. */
            round() {
              send({ short: nextShort++ });
              for (let i = flying.length - 1; i >= 0; i--)
                if (flying[i]?.acked.size === flying[i]?.count) flying.splice(i, 1);
              if (flying.length < IN_FLIGHT) {
                const long: Long = { n: nextLong++, count: 3 + (nextLong % 6), acked: new Set() };
                longs.push(long);
                flying.push(long);
                for (let index = 0; index < long.count; index++) send({ long, index });
              }
            },
            /** Again, under its own number, whatever waited over `ms` for its ack. */
            retry(ms: number) {
              for (const [no, { what, at }] of pending)
                if (Date.now() - at > ms) {
                  pending.delete(no);
                  send(what, no);
                }
            },
            /** The outbox after the peer came back: unfinished long messages from part 0. */
            resend() {
              for (const long of flying) {
                if (Math.random() < 0.5) continue;
                for (const [no, { what }] of pending)
                  if ('long' in what && what.long === long) pending.delete(no);
                for (let index = 0; index < long.count; index++) send({ long, index });
              }
            },
          };
        }),
      );

      let kills = 0;
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const child = await startCrashChild(entry, dataDir, ENGINE, port);
        if (cycle > 0) for (const s of senders) s.resend();
        const until = Date.now() + 150 + Math.random() * 500;
        while (Date.now() < until) {
          for (const s of senders) {
            s.round();
            s.retry(50);
          }
          await sleep(5);
        }
        await killHard(child);
        kills++;
      }
      // One last run with no kill until everything pending is acked.
      const last = await startCrashChild(entry, dataDir, ENGINE, port);
      for (let i = 0; i < 400 && senders.some((s) => s.pending.size > 0); i++) {
        for (const s of senders) s.retry(0);
        await sleep(25);
      }
      await killHard(last);
      for (const s of senders) s.socket.close();
      expect(kills).toBe(CYCLES);
      expect(senders.map((s) => s.pending.size)).toEqual(senders.map(() => 0));

      const store = new HistoryStore(path.join(dataDir, 'history.db'));
      const db = store.raw;
      expect(db.prepare('PRAGMA integrity_check').get()?.integrity_check).toBe('ok');
      const rows = db
        .prepare('SELECT text, extra, count(*) AS n FROM messages GROUP BY text, extra')
        .all()
        .map((r) => ({ text: String(r.text), extra: r.extra, n: Number(r.n) }));
      const stored = new Map(rows.map((r) => [r.text, r.n]));
      const partsAcked = longs.reduce((n, l) => n + l.acked.size, 0);
      const lost = longs.filter(
        (l) => l.acked.size > 0 && stored.get(longText(l.n, l.count)) !== 1,
      );
      const shortLost = [...shortAcked].filter((n) => stored.get(`short ${n} 短消息`) !== 1);
      const twice = rows.filter((r) => r.n > 1);
      const marked = rows.filter((r) => r.extra !== null);
      console.log(
        `crash test (long messages): ${kills} kills, ${longs.length} long messages ` +
          `(${partsAcked} parts acked), ${shortAcked.size} short acked, ${rows.length} stored, ` +
          `${lost.length + shortLost.length} lost, ${twice.length} stored twice, ` +
          `${marked.length} marked incomplete`,
      );
      expect(longs.length).toBeGreaterThan(20);
      expect(lost.map((l) => l.n)).toEqual([]);
      expect(shortLost).toEqual([]);
      expect(twice).toEqual([]);
      expect(marked).toEqual([]);
      expect(rows).toHaveLength(longs.length + shortAcked.size);
      // Nothing waits: every part left with its message.
      expect(db.prepare('SELECT count(*) AS n FROM parts').get()?.n).toBe(0);
      store.close();
    },
  );
});
