import dgram from 'node:dgram';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Mode,
  Opt,
  buildDatagram,
  makeCommand,
  parseAck,
  parseDatagram,
  utf8Bytes,
} from '../../../shared/protocol';
import { bundleChild } from '../testing/child-bundle';
import { killHard, sleep, startCrashChild } from '../testing/crash-runs';
import { HistoryStore } from './store';

/**
 * Nothing acknowledged is lost: an engine in a child process on loopback takes a stream of
 * messages from a sender that retries what was not acked (as IPMsg clients do), and is killed
 * with SIGKILL at random moments, then started again on the same data directory. At the end,
 * every message that was ever acked is in the database exactly once, and the database is whole.
 */
const ENGINE = '127.0.0.2';
const CYCLES = 12;

let bundled: Awaited<ReturnType<typeof bundleChild>>;
let entry: string;

beforeAll(async () => {
  bundled = await bundleChild(
    path.join(import.meta.dirname, '..', 'testing', 'crash-child.ts'),
    'pigeon-crash-',
  );
  entry = bundled.entry;
});
afterAll(() => bundled.remove());

const startChild = (dataDir: string, port: number) => startCrashChild(entry, dataDir, ENGINE, port);

describe('a killed engine', () => {
  it(
    `loses no acknowledged message and stores none twice (${CYCLES} kill -9 under traffic)`,
    { timeout: 120_000 },
    async () => {
      const dataDir = path.join(bundled.dir, 'data');
      const port = 20_000 + Math.floor(Math.random() * 30_000);
      const sender = dgram.createSocket('udp4');
      await new Promise<void>((r) => sender.bind(0, '127.0.0.1', r));
      const acked = new Set<number>();
      const pending = new Map<number, number>();
      sender.on('message', (bytes) => {
        const parsed = parseDatagram(bytes);
        if (!parsed.ok || (parsed.value.command & 0xff) !== Mode.RECVMSG) return;
        const no = parseAck(parsed.value.extra).packetNo;
        if (pending.delete(no)) acked.add(no);
      });
      const command = makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, Opt.UTF8OPT);
      const send = (no: number) =>
        sender.send(
          buildDatagram({
            version: '1',
            packetNo: no,
            user: utf8Bytes('tester'),
            host: utf8Bytes('box'),
            command,
            extra: utf8Bytes(`message ${no} 消息\0`),
          }),
          port,
          ENGINE,
        );
      let next = 1;
      let kills = 0;
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const child = await startChild(dataDir, port);
        const until = Date.now() + 150 + Math.random() * 500;
        while (Date.now() < until) {
          // Ten new messages a round, and again whatever waited over 50 ms for its ack.
          for (let i = 0; i < 10; i++) {
            pending.set(next, Date.now());
            send(next++);
          }
          for (const [no, at] of pending) if (Date.now() - at > 50) send(no);
          await sleep(5);
        }
        await killHard(child);
        kills++;
      }
      // One last run with no kill until everything pending is acked: then retries are done.
      const last = await startChild(dataDir, port);
      for (let i = 0; i < 200 && pending.size > 0; i++) {
        for (const no of pending.keys()) send(no);
        await sleep(25);
      }
      await killHard(last);
      sender.close();
      expect(kills).toBe(CYCLES);
      expect(pending.size).toBe(0);

      const store = new HistoryStore(path.join(dataDir, 'history.db'));
      const db = store.raw;
      expect(db.prepare('PRAGMA integrity_check').get()?.integrity_check).toBe('ok');
      const texts = db
        .prepare('SELECT text, count(*) AS n FROM messages GROUP BY text')
        .all()
        .map((r) => [String(r.text), Number(r.n)] as const);
      const counts = new Map(texts);
      const missing = [...acked].filter((no) => !counts.has(`message ${no} 消息`));
      const twice = texts.filter(([, n]) => n > 1);
      console.log(
        `crash test: ${kills} kills, ${next - 1} messages sent, ${acked.size} acked, ` +
          `${counts.size} stored, ${missing.length} missing, ${twice.length} stored twice`,
      );
      expect(acked.size).toBeGreaterThan(500);
      expect(missing).toEqual([]);
      expect(twice).toEqual([]);
      // The index agrees with the table.
      expect(store.search({ text: '消息', limit: 500 })).toHaveLength(Math.min(500, counts.size));
      store.close();
    },
  );
});
