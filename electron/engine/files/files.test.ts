import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineOptions } from '../engine';
import {
  fileScratch,
  pairPort,
  startFileNode,
  treeOf,
  writeRandomFile,
  type FileNode,
} from './testing/file-pair';

/**
 * Two real engines on loopback (127.0.0.x, one port each, real UDP and TCP), offering and
 * fetching files and folders as two people would.
 */
const scratch = fileScratch('pigeon-files-src-');
const { nodes, dirs, tempDir } = scratch;

afterEach(() => scratch.cleanup());

let host = 30 + Math.floor(Math.random() * 150);

async function pair(
  bOptions: EngineOptions = {},
): Promise<{ a: FileNode; b: FileNode; port: number }> {
  const port = pairPort();
  host += 2;
  const aIp = `127.0.${host % 250}.1`;
  const bIp = `127.0.${host % 250}.2`;
  const a = await startFileNode(aIp, bIp, port);
  const b = await startFileNode(bIp, aIp, port, {}, bOptions);
  nodes.push(a, b);
  dirs.push(a.dataDir, a.downloads, b.dataDir, b.downloads);
  // Each has heard the other's entry: both know the other is a Pigeon.
  await waitFor(() => a.engine.handlers['peers:list']().some((p) => p.client === 'pigeon'));
  await waitFor(() => b.engine.handlers['peers:list']().some((p) => p.client === 'pigeon'));
  return { a, b, port };
}

/**
 * a offers b 64 MiB, b accepts, and a's side of the connection is cut once a has sent its
 * first MiB (hashed on both sides, the rest takes far longer): b ends up interrupted part-way.
 * The sender's byte count is read directly: its progress events come at most every 250 ms.
 */
async function cutPartWay(a: FileNode, b: FileNode) {
  const file = writeRandomFile(tempDir(), 'big.bin', 64 * 1024 * 1024);
  const [outId] = a.engine.files.offerPaths(b.id, [file]).transferIds;
  const t = await b.waitTransfer((x) => x.direction === 'in');
  const watch = setInterval(() => {
    const sent = a.engine.files.table.get(outId as string)?.transfer.bytes ?? 0;
    if (sent < 1024 * 1024) return;
    clearInterval(watch);
    a.engine.files.server.cut(outId as string);
  }, 1);
  await b.engine.request('files:accept', { transferIds: [t.id] });
  const cut = await b.waitTransfer((x) => x.id === t.id && x.state.state === 'interrupted');
  return { file, outId, t, cut };
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('files between two Pigeons on loopback', () => {
  it('offers files (0 B, 1 B, 3 MiB, a Chinese name with spaces and colons), fetched byte-identical with hash, mtime kept', async () => {
    const { a, b } = await pair();
    const src = tempDir();
    const files = [
      writeRandomFile(src, 'empty.bin', 0),
      writeRandomFile(src, 'one.bin', 1),
      writeRandomFile(src, '季度 报告: 终稿.pdf', 3 * 1024 * 1024 + 7),
    ];
    const mtime = 1_600_000_000;
    fs.utimesSync(files[2] as string, mtime, mtime);
    const { transferIds } = a.engine.files.offerPaths(b.id, files, '三个文件');
    expect(transferIds).toHaveLength(3);

    const offered = await b.waitTransfer(
      (t) => t.direction === 'in' && t.item.name === '季度 报告: 终稿.pdf',
    );
    expect(offered.state).toEqual({ state: 'offered' });
    expect(offered.item.size).toBe(3 * 1024 * 1024 + 7);
    expect(offered.resumes).toBe(true);
    const incoming = b.transfers().filter((t) => t.direction === 'in');
    expect(incoming).toHaveLength(3);
    // The offer's text arrives as a message listing the transfers.
    const msg = b.events.find(
      (e) => e.channel === 'chat:message' && e.payload.message.direction === 'in',
    );
    expect(msg?.channel === 'chat:message' && msg.payload.message.text).toBe('三个文件');
    expect(msg?.channel === 'chat:message' && msg.payload.message.files?.sort()).toEqual(
      incoming.map((t) => t.id).sort(),
    );

    await b.engine.request('files:accept', { transferIds: incoming.map((t) => t.id) });
    for (const t of incoming) {
      const done = await b.waitTransfer((x) => x.id === t.id && x.state.state === 'done');
      expect(done.verified).toBe('hash');
      const source = files.find((f) => path.basename(f) === t.item.name);
      const saved = done.savedAs as string;
      expect(path.dirname(saved)).toBe(b.downloads);
      // The name arrives as sent; only the saved file's name loses what Windows forbids.
      expect(path.basename(saved)).toBe(t.item.name.replace(/:/g, '_'));
      expect(fs.readFileSync(saved).equals(fs.readFileSync(source as string))).toBe(true);
    }
    const big = b.transfers().find((t) => t.item.size > 1000);
    expect(Math.floor(fs.statSync(big?.savedAs as string).mtimeMs / 1000)).toBe(mtime);
    // The sender saw each one fetched, and no part files are left behind.
    for (const id of transferIds)
      await a.waitTransfer((t) => t.id === id && t.state.state === 'done');
    expect(fs.readdirSync(b.downloads).filter((n) => n.endsWith('.pigeon-part'))).toEqual([]);
  });

  it('an offer of many files is split over several datagrams, each a safe size', async () => {
    const { a, b } = await pair();
    const src = tempDir();
    const files = Array.from({ length: 300 }, (_, i) =>
      writeRandomFile(
        src,
        `${String(i).padStart(3, '0')} 一个相当长的文件名，用来填满数据报 ${'x'.repeat(20)}.txt`,
        3,
      ),
    );
    a.engine.files.offerPaths(b.id, files, 'lots');
    await waitFor(() => b.transfers().length === 300, 10_000);
    const offers = new Set(b.transfers().map((t) => t.offerId));
    expect(offers.size).toBeGreaterThan(10);
    // One message lists them all on our side; the receiver gets one message per datagram.
    const carriers = b.events.filter(
      (e) => e.channel === 'chat:message' && (e.payload.message.files?.length ?? 0) > 0,
    );
    expect(carriers.length).toBe(offers.size);
    expect(new Set(b.transfers().map((t) => t.item.name)).size).toBe(300);
  });

  it('a name already taken is never overwritten: the second copy gets a number', async () => {
    const { a, b } = await pair();
    const src = tempDir();
    const file = writeRandomFile(src, 'notes.txt', 1000);
    fs.writeFileSync(path.join(b.downloads, 'notes.txt'), 'mine, keep me');
    a.engine.files.offerPaths(b.id, [file]);
    const t = await b.waitTransfer((x) => x.direction === 'in');
    await b.engine.request('files:accept', { transferIds: [t.id] });
    const done = await b.waitTransfer((x) => x.id === t.id && x.state.state === 'done');
    expect(path.basename(done.savedAs as string)).toBe('notes (2).txt');
    expect(fs.readFileSync(path.join(b.downloads, 'notes.txt'), 'utf8')).toBe('mine, keep me');
  });

  it('a folder tree (nested, Chinese names, an empty file and an empty folder) arrives whole', async () => {
    const { a, b } = await pair();
    const src = tempDir();
    const root = path.join(src, '项目 资料');
    writeRandomFile(root, 'README.md', 2000);
    writeRandomFile(root, '文档/设计.txt', 50_000);
    writeRandomFile(root, '文档/深/更深/数据.bin', 300_000);
    writeRandomFile(root, 'empty.txt', 0);
    fs.mkdirSync(path.join(root, '空文件夹'));
    a.engine.files.offerPaths(b.id, [root]);
    const t = await b.waitTransfer((x) => x.direction === 'in');
    expect(t.item).toMatchObject({ name: '项目 资料', kind: 'folder', size: -1 });
    await b.engine.request('files:accept', { transferIds: [t.id] });
    const done = await b.waitTransfer((x) => x.id === t.id && x.state.state === 'done', 20_000);
    expect(done.savedAs).toBe(path.join(b.downloads, '项目 资料'));
    expect(treeOf(done.savedAs as string)).toEqual(treeOf(root));
    expect(done.files).toBe(4);
    expect(done.verified).toBe('hash');
  });

  it('an auto-accept quota that refuses the whole offer tells the sender at once (RELEASEFILES)', async () => {
    const inbox = tempDir();
    const { a, b } = await pair({
      files: { autoAccept: { dir: inbox, perPeerBytes: 1024 * 1024, totalBytes: 1024 ** 3 } },
    });
    const file = writeRandomFile(tempDir(), 'two MiB.bin', 2 * 1024 * 1024);
    const [id] = a.engine.files.offerPaths(b.id, [file]).transferIds;
    const refused = await b.waitTransfer((t) => t.direction === 'in' && t.state.state === 'failed');
    expect(refused.state).toMatchObject({ code: 'file-too-large' });
    // Without the release, `pigeon send --file` would wait for its --wait (10 minutes by default).
    await a.waitTransfer((t) => t.id === id && t.state.state === 'declined');
    expect(fs.readdirSync(inbox)).toEqual([]);
  });

  it('declining tells the sender (RELEASEFILES); its offer is no longer served', async () => {
    const { a, b } = await pair();
    const file = writeRandomFile(tempDir(), 'x.bin', 10);
    const [id] = a.engine.files.offerPaths(b.id, [file]).transferIds;
    const t = await b.waitTransfer((x) => x.direction === 'in');
    await b.engine.request('files:decline', { transferIds: [t.id] });
    expect(b.transfers().find((x) => x.id === t.id)?.state.state).toBe('declined');
    await a.waitTransfer((x) => x.id === id && x.state.state === 'declined');
  });

  it('the sender cancels: the Pigeon receiver is told, and a fetch is refused', async () => {
    const { a, b } = await pair();
    const file = writeRandomFile(tempDir(), 'x.bin', 10);
    const [id] = a.engine.files.offerPaths(b.id, [file]).transferIds;
    const t = await b.waitTransfer((x) => x.direction === 'in');
    await a.engine.request('files:cancel', { transferId: id as string });
    await b.waitTransfer((x) => x.id === t.id && x.state.state === 'cancelled');
    expect(b.transfers().find((x) => x.id === t.id)?.state).toEqual({
      state: 'cancelled',
      by: 'peer',
    });
  });

  it('an interrupted fetch resumes from its offset after the sender restarts', async () => {
    const { a, b, port } = await pair();
    // The connection breaks part-way, then the sender quits; its record of the offer stays in
    // its data directory.
    const { file, outId, t, cut } = await cutPartWay(a, b);
    expect(cut.bytes).toBeGreaterThan(0);
    expect(cut.bytes).toBeLessThan(64 * 1024 * 1024);
    await a.engine.stop();
    nodes.splice(nodes.indexOf(a), 1);
    // ...and comes back on the same data directory: the offer is served again.
    const a2 = await startFileNode(a.address, b.address, port, {
      dataDir: a.dataDir,
      downloads: a.downloads,
    });
    nodes.push(a2);
    expect(a2.transfers().find((x) => x.id === outId)?.state.state).not.toBe('expired');
    const bytesBefore = cut.bytes;
    await b.engine.request('files:retry', { transferId: t.id });
    // The first progress after the retry starts where the cut left off, not at 0.
    const resumed = await b.waitTransfer(
      (x) => x.id === t.id && x.state.state === 'transferring' && x.bytes > 0,
    );
    expect(resumed.bytes).toBeGreaterThanOrEqual(bytesBefore);
    const done = await b.waitTransfer((x) => x.id === t.id && x.state.state === 'done', 30_000);
    expect(done.verified).toBe('hash');
    expect(fs.readFileSync(done.savedAs as string).equals(fs.readFileSync(file))).toBe(true);
  });

  it('after a kill, an interrupted fetch shows the bytes its partial file really has, not the last saved count', async () => {
    const { a, b, port } = await pair();
    const { t } = await cutPartWay(a, b);
    await b.engine.stop();
    nodes.splice(nodes.indexOf(b), 1);
    const part = fs.readdirSync(b.downloads).find((n) => n.endsWith('.pigeon-part')) as string;
    const onDisk = fs.statSync(path.join(b.downloads, part)).size;
    expect(onDisk).toBeGreaterThan(0);
    // As after a kill -9: the record last saved the transfer before most of its bytes came.
    const db = new DatabaseSync(path.join(b.dataDir, 'history.db'));
    const changed = db
      .prepare("UPDATE transfers SET transfer = json_set(transfer, '$.bytes', 0) WHERE id = ?")
      .run(t.id).changes;
    db.close();
    expect(changed).toBe(1);
    const b2 = await startFileNode(b.address, a.address, port, {
      dataDir: b.dataDir,
      downloads: b.downloads,
    });
    nodes.push(b2);
    expect(b2.transfers().find((x) => x.id === t.id)?.bytes).toBe(onDisk);
  });

  it('the receiver restarts: the offer and its partial file are still there', async () => {
    const { a, b, port } = await pair();
    const file = writeRandomFile(tempDir(), 'report.bin', 20_000);
    a.engine.files.offerPaths(b.id, [file]);
    const t = await b.waitTransfer((x) => x.direction === 'in');
    await b.engine.stop();
    nodes.splice(nodes.indexOf(b), 1);
    const b2 = await startFileNode(b.address, a.address, port, {
      dataDir: b.dataDir,
      downloads: b.downloads,
    });
    nodes.push(b2);
    const again = b2.transfers().find((x) => x.id === t.id);
    expect(again?.state).toEqual({ state: 'offered' });
    await b2.engine.request('files:accept', { transferIds: [t.id] });
    const done = await b2.waitTransfer((x) => x.id === t.id && x.state.state === 'done');
    expect(fs.readFileSync(done.savedAs as string).equals(fs.readFileSync(file))).toBe(true);
  });
});
