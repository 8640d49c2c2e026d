import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/model';
import { tempDirsRemovedAfterEach } from '../testing/temp-dirs';
import { HistoryStore } from './store';
import { WriterThread } from './writer-thread';

const tempDir = tempDirsRemovedAfterEach('pigeon-writer-');
const A = '10.0.0.1:2425';
let n = 0;
function msg(text: string, extra: Partial<ChatMessage> = {}): ChatMessage {
  n++;
  return {
    id: `w${n}`,
    peerId: A,
    direction: 'in',
    text,
    at: 1_000 + n,
    broadcast: false,
    ...extra,
  };
}
const rows = (s: HistoryStore) =>
  Number(s.raw.prepare('SELECT count(*) AS c FROM messages').get()?.c);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The store's writer thread (private: these tests stop it or look at it from outside). */
const writerOf = (s: HistoryStore) => (s as unknown as { writer: WriterThread }).writer;

describe('the history writer thread', () => {
  it('writes the batches off the engine thread; a read waits for the batch under way', async () => {
    const s = HistoryStore.inDataDir(tempDir());
    expect(s.writesOffThread).toBe(true);
    for (let i = 0; i < 200; i++) s.insert(msg(`otter ${i}`), { peerId: A, packetNo: i, hash: i });
    s.insertLater(msg('ours', { direction: 'out', delivery: { state: 'queued' } }));
    // Nothing written on this connection: the rows are in the journal and the batch.
    expect(rows(s)).toBe(0);
    // The batch timer posts them; the writer commits them on its own connection.
    for (let i = 0; i < 50 && rows(s) < 201; i++) await sleep(20);
    expect(rows(s)).toBe(201);
    // A read right after an insert sees it: it waits for that batch.
    const last = msg('otter last');
    s.insert(last);
    expect(s.search({ text: 'otter', limit: 1 }).map((h) => h.message.id)).toEqual([last.id]);
    expect(s.summaries()[0]?.last.id).toBe(last.id);
    s.close();
  });

  it('keeps a batch the writer could not write, and writes it once the cause is gone', () => {
    const s = HistoryStore.inDataDir(tempDir());
    s.raw.exec(
      "CREATE TRIGGER no_room BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'disk'); END",
    );
    const m = msg('kept through a failure', { direction: 'out', delivery: { state: 'queued' } });
    s.insertLater(m);
    s.setDelivery(m.id, { state: 'delivered', at: 7 });
    expect(() => s.flush()).toThrow(/disk/);
    s.raw.exec('DROP TRIGGER no_room');
    expect(s.get(m.id)?.delivery).toEqual({ state: 'delivered', at: 7 });
    s.close();
  });

  it('writes on the engine thread when the writer thread dies, losing nothing', async () => {
    const dir = tempDir();
    const s = HistoryStore.inDataDir(dir);
    const before = msg('before the crash');
    s.insert(before);
    s.flush();
    // The thread ends as a crash would end it.
    await (
      writerOf(s) as unknown as { worker: { terminate(): Promise<number> } }
    ).worker.terminate();
    for (let i = 0; i < 50 && s.writesOffThread; i++) await sleep(10);
    expect(s.writesOffThread).toBe(false);
    const after = msg('after the crash');
    s.insert(after);
    expect(s.recent({ limit: 10 }).map((x) => x.id)).toEqual([before.id, after.id]);
    s.close();
    const again = HistoryStore.inDataDir(dir);
    expect(again.messageCount()).toBe(2);
    again.close();
  });

  it('writes a batch the writer was given when it died, once: not lost, not twice', async () => {
    const s = HistoryStore.inDataDir(tempDir());
    const sent = Array.from({ length: 500 }, (_, i) => msg(`in flight ${i}`));
    for (const m of sent) s.insert(m, { peerId: A, packetNo: 10_000 + n, hash: 1 });
    // Handed over, and the thread ended at once: whether it committed first is a race.
    (s as unknown as { post(): void }).post();
    void (
      writerOf(s) as unknown as { worker: { terminate(): Promise<number> } }
    ).worker.terminate();
    await sleep(50);
    expect(s.recent({ limit: 1000 }).map((x) => x.id)).toEqual(sent.map((m) => m.id));
    expect(rows(s)).toBe(500);
    s.close();
  });

  it('makes an incoming message wait for the writer once megabytes are waiting for it', () => {
    const s = HistoryStore.inDataDir(tempDir());
    const unwritten = () => (s as unknown as { unwrittenBytes(): number }).unwrittenBytes();
    let most = 0;
    // Faster than any timer: without the bound, all 48 MB would wait in memory.
    for (let i = 0; i < 160; i++) {
      s.insert(msg(`${i} ${'长'.repeat(100_000)}`));
      most = Math.max(most, unwritten());
    }
    expect(most).toBeLessThanOrEqual(16 * 1024 * 1024 + 300_100);
    expect(s.messageCount()).toBe(160);
    s.close();
  });

  it('takes a writer that cannot open its file for dead, so that its caller writes instead', async () => {
    const missing = `/nonexistent-pigeon-${process.pid}/history.db`;
    // Waited for: the answer says it can never write, and the thread is ended.
    const waited = WriterThread.start(missing, undefined);
    if (!waited) throw new Error('no writer thread to test');
    expect(waited.wait(waited.post({ frames: new Uint8Array(0), deliveries: [] }))).toBeUndefined();
    expect(waited.running).toBe(false);
    // Not waited for: the event loop hears it and says it died.
    const heard = WriterThread.start(missing, undefined);
    if (!heard) throw new Error('no writer thread to test');
    const died = new Promise<void>((resolve) => (heard.onDeath = resolve));
    heard.post({ frames: new Uint8Array(0), deliveries: [] });
    await died;
    expect(heard.running).toBe(false);
  });
});
