import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContractEvent } from '../../../shared/contract';
import type { Transfer } from '../../../shared/model';
import type { EngineContext } from '../context';
import { HistoryStore } from '../history/store';
import { FILE_LIMITS } from './file-limits';
import {
  fileScratch,
  pairPort,
  startFileNode,
  writeRandomFile,
  type FileNode,
} from './testing/file-pair';
import type { InRecord, OutRecord, TransferRecord } from './transfer-record';
import { TransferTable } from './transfer-table';

/**
 * The record of transfers lives in the history database: what an older Pigeon's
 * transfers.json held is imported on the first start with it, and set aside, never lost.
 */
const scratch = fileScratch('pigeon-transfer-record-');
const { nodes, tempDir } = scratch;

afterEach(() => scratch.cleanup());

let host = 30 + Math.floor(Math.random() * 150);

/** One engine alone on 127.0.x.1, announcing only to 127.0.x.2 (where nobody listens). */
async function start(
  dataDir: string,
  downloads: string,
  options: Parameters<typeof startFileNode>[4] = {},
): Promise<FileNode> {
  host += 1;
  const node = await startFileNode(
    `127.0.${host % 250}.1`,
    `127.0.${host % 250}.2`,
    pairPort(),
    { dataDir, downloads },
    options,
  );
  nodes.push(node);
  return node;
}

async function stop(node: FileNode): Promise<void> {
  await node.engine.stop();
  nodes.splice(nodes.indexOf(node), 1);
}

function transfer(id: string, direction: 'in' | 'out', state: Transfer['state']): Transfer {
  const now = Date.now();
  return {
    id,
    peerId: '127.0.0.99:2425',
    direction,
    offerId: '777',
    item: {
      fileId: direction === 'out' ? 5 : 6,
      name: `${id}.bin`,
      kind: 'file',
      size: 5000,
      mtime: 0,
    },
    state,
    bytes: 0,
    at: now - 1000,
    expiresAt: now + 3600_000,
  };
}

/** What an older Pigeon left: an offer it serves, a fetch cut part-way, a finished one. */
function olderRecord(src: string, downloads: string) {
  const file = writeRandomFile(src, 'served.bin', 5000);
  const part = writeRandomFile(downloads, 'fetched.bin.pigeon-part', 1234);
  const peer = { address: '127.0.0.99', port: 2425, user: 'u', host: 'h' };
  const out: OutRecord = {
    kind: 'out',
    transfer: transfer('old-f1', 'out', { state: 'offered' }),
    path: file,
    recipient: peer,
    packetNo: 777,
    messageId: 'old-m1',
  };
  const cut: InRecord = {
    kind: 'in',
    transfer: transfer('old-f2', 'in', { state: 'transferring' }),
    from: { ...peer, client: 'pigeon', encoding: 'utf-8', utf8: true },
    packetNo: 888,
    into: downloads,
    part,
  };
  const done: InRecord = {
    ...cut,
    transfer: {
      ...transfer('old-f3', 'in', { state: 'done', at: 1_700_000_000_000 }),
      bytes: 5000,
    },
    packetNo: 889,
  };
  delete done.part;
  return { version: 1, records: [out, cut, done] };
}

function writeJson(dataDir: string, data: unknown): string {
  const file = path.join(dataDir, 'transfers.json');
  fs.writeFileSync(file, JSON.stringify(data));
  return file;
}

function rowIds(dataDir: string): string[] {
  const db = new DatabaseSync(path.join(dataDir, 'history.db'));
  try {
    return db
      .prepare('SELECT id FROM transfers ORDER BY seq')
      .all()
      .map((r) => String(r.id));
  } finally {
    db.close();
  }
}

function errors(events: ContractEvent[]): string[] {
  return events.flatMap((e) => (e.channel === 'engine:error' ? [e.payload.code] : []));
}

describe('the record of transfers in the history database', () => {
  it('imports an older transfers.json once, sets it aside, and keeps offers and partial files', async () => {
    const [dataDir, downloads, src] = [tempDir(), tempDir(), tempDir()];
    const json = writeJson(dataDir, olderRecord(src, downloads));
    const a = await start(dataDir, downloads);
    const byId = (node: FileNode, id: string) => node.transfers().find((t) => t.id === id);
    expect(byId(a, 'old-f1')?.state).toEqual({ state: 'offered' });
    expect(a.engine.files.table.servedItem(777, 5)?.transfer.id).toBe('old-f1');
    // Written before the upgrade while fetching: interrupted now, at what the part holds.
    expect(byId(a, 'old-f2')?.state.state).toBe('interrupted');
    expect(byId(a, 'old-f2')?.bytes).toBe(1234);
    expect(byId(a, 'old-f3')?.state).toEqual({ state: 'done', at: 1_700_000_000_000 });
    expect(fs.existsSync(json)).toBe(false);
    expect(fs.existsSync(`${json}.imported`)).toBe(true);
    expect(errors(a.events)).toEqual([]);
    await stop(a);
    expect(rowIds(dataDir)).toEqual(['old-f1', 'old-f2', 'old-f3']);

    // The next start reads the database alone: nothing twice, the part still there.
    const b = await start(dataDir, downloads);
    expect(b.transfers().map((t) => t.id)).toEqual(['old-f1', 'old-f2', 'old-f3']);
    expect(byId(b, 'old-f2')?.state.state).toBe('interrupted');
    expect(b.engine.files.table.servedItem(777, 5)?.transfer.id).toBe('old-f1');
    await stop(b);
    expect(rowIds(dataDir)).toEqual(['old-f1', 'old-f2', 'old-f3']);
  });

  it('with the history in memory, reads transfers.json but leaves it where it is and writes nothing', async () => {
    const [dataDir, downloads, src] = [tempDir(), tempDir(), tempDir()];
    const json = writeJson(dataDir, olderRecord(src, downloads));
    const before = fs.readFileSync(json, 'utf8');
    const a = await start(dataDir, downloads, { history: { where: 'memory' } });
    expect(a.transfers().map((t) => t.id)).toEqual(['old-f1', 'old-f2', 'old-f3']);
    await stop(a);
    expect(fs.readFileSync(json, 'utf8')).toBe(before);
    expect(fs.readdirSync(dataDir).sort()).toEqual(
      expect.not.arrayContaining(['history.db', 'transfers.json.imported']),
    );
  });

  it('a corrupt database: a clear message, a safe start, and transfers.json kept for the next start', async () => {
    const [dataDir, downloads, src] = [tempDir(), tempDir(), tempDir()];
    const json = writeJson(dataDir, olderRecord(src, downloads));
    fs.writeFileSync(path.join(dataDir, 'history.db'), Buffer.alloc(8192, 0x5a));
    const a = await start(dataDir, downloads);
    expect(errors(a.events)).toEqual(['history-unavailable']);
    expect(a.transfers().map((t) => t.id)).toEqual(['old-f1', 'old-f2', 'old-f3']);
    await stop(a);
    expect(fs.existsSync(json)).toBe(true);
    expect(fs.existsSync(`${json}.imported`)).toBe(false);
  });

  it('a transfers.json that is not JSON is moved aside and told, and the engine starts empty', async () => {
    const [dataDir, downloads] = [tempDir(), tempDir()];
    const json = writeJson(dataDir, 'x');
    fs.writeFileSync(json, '{"version": 1, "records": [');
    const a = await start(dataDir, downloads);
    expect(errors(a.events)).toEqual(['transfers-record']);
    expect(a.transfers()).toEqual([]);
    expect(fs.existsSync(json)).toBe(false);
    const aside = fs.readdirSync(dataDir).find((n) => n.startsWith('transfers.json.broken-'));
    expect(aside && fs.readFileSync(path.join(dataDir, aside), 'utf8')).toBe(
      '{"version": 1, "records": [',
    );
  });

  it('an offer made in this run is in the database after stop, with its recipient and path', async () => {
    const [dataDir, downloads, src] = [tempDir(), tempDir(), tempDir()];
    const a = await start(dataDir, downloads);
    const file = writeRandomFile(src, 'new.bin', 100);
    const peerAddress = a.address.replace(/\.1$/, '.2');
    const [id] = a.engine.files.offerPaths(peerAddress, [file]).transferIds;
    await stop(a);
    const db = new DatabaseSync(path.join(dataDir, 'history.db'));
    const row = db.prepare('SELECT * FROM transfers WHERE id = ?').get(id as string);
    db.close();
    expect(row?.kind).toBe('out');
    expect(row?.path).toBe(file);
    expect(JSON.parse(String(row?.peer))).toMatchObject({ address: peerAddress });
  });
});

describe('the transfer table over the rows', () => {
  const ctx = (): EngineContext =>
    ({
      clock: { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => {} },
      emit: () => {},
      isRunning: () => false,
      dataDir: '/nonexistent/pigeon-transfer-record',
    }) as unknown as EngineContext;

  it('keeps the newest 500 finished transfers: the rows of those pruned are deleted', () => {
    const store = new HistoryStore(':memory:');
    const table = new TransferTable(ctx(), FILE_LIMITS, 'i', store.transfers);
    const records: TransferRecord[] = [];
    for (let i = 0; i < 503; i++) {
      const r: InRecord = {
        kind: 'in',
        transfer: transfer(table.newId(), 'in', { state: 'declined' }),
        from: {
          address: '127.0.0.9',
          port: 2425,
          user: 'u',
          host: 'h',
          client: 'pigeon',
          encoding: 'utf-8',
          utf8: true,
        },
        packetNo: i,
      };
      records.push(r);
      table.add(r);
      // Saved now and then: rows written, then pruned, must go from the database too.
      if (i % 100 === 0) table.save();
    }
    table.save();
    const ids = store.transfers.load().records.map((r) => r.transfer.id);
    expect(ids).toHaveLength(500);
    expect(ids).toEqual(records.slice(3).map((r) => r.transfer.id));
    store.close();
  });

  it('a failed write is told as transfers-record and written by the next save', () => {
    const store = new HistoryStore(':memory:');
    const told: unknown[] = [];
    const table = new TransferTable(
      {
        ...ctx(),
        emit: (channel: string, payload: unknown) => told.push([channel, payload]),
      } as unknown as EngineContext,
      FILE_LIMITS,
      'i',
      store.transfers,
    );
    table.add({
      kind: 'in',
      transfer: transfer(table.newId(), 'in', { state: 'offered' }),
      from: {
        address: '127.0.0.9',
        port: 2425,
        user: 'u',
        host: 'h',
        client: 'pigeon',
        encoding: 'utf-8',
        utf8: true,
      },
      packetNo: 1,
    });
    store.raw.exec('BEGIN');
    table.save();
    store.raw.exec('ROLLBACK');
    expect(
      told.filter((t) => (t as [string, { code: string }])[1]?.code === 'transfers-record'),
    ).toHaveLength(1);
    expect(store.transfers.load().records).toHaveLength(0);
    table.save();
    expect(store.transfers.load().records).toHaveLength(1);
    store.close();
  });
});
