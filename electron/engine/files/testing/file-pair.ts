import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ContractEvent } from '../../../../shared/contract';
import type { Transfer } from '../../../../shared/model';
import { createEngine, type Engine, type EngineOptions } from '../../engine';
import { defaultSettings } from '../../settings/settings';

/** One engine of a loopback pair: its own address, data and download folders, its events. */
export interface FileNode {
  engine: Engine;
  address: string;
  id: string;
  dataDir: string;
  downloads: string;
  events: ContractEvent[];
  transfers(): Transfer[];
  /** Resolves with the transfer once `pred` holds for one of its events (or its current state). */
  waitTransfer(pred: (t: Transfer) => boolean, ms?: number): Promise<Transfer>;
}

/**
 * What a test made (engines, temp folders), stopped and removed by `cleanup()` (its afterEach).
 * `nodes` is the list to push a (re)started engine to, and to take a stopped one out of.
 */
export function fileScratch(prefix: string) {
  const nodes: FileNode[] = [];
  const dirs: string[] = [];
  return {
    nodes,
    dirs,
    tempDir(): string {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    async cleanup(): Promise<void> {
      for (const n of nodes.splice(0)) await n.engine.stop();
      for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

let lastPort = 20_000 + Math.floor(Math.random() * 20_000);

/** A port for one test's pair; both engines bind it on their own 127.0.0.x address. */
export function pairPort(): number {
  lastPort += 1 + Math.floor(Math.random() * 7);
  if (lastPort > 60_000) lastPort = 20_000;
  return lastPort;
}

/** Engine on 127.0.0.x:port that announces to `peer` only: never a broadcast. */
export async function startFileNode(
  address: string,
  peer: string,
  port: number,
  dirs: { dataDir?: string; downloads?: string } = {},
  options: EngineOptions = {},
): Promise<FileNode> {
  const dataDir = dirs.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-files-data-'));
  const downloads = dirs.downloads ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-files-dl-'));
  const engine = createEngine(
    defaultSettings({
      nick: `nick-${address}`,
      user: 'tester',
      host: `host-${address.replace(/\./g, '-')}`,
      bind: address,
      port,
      broadcast: [peer],
      dataDir,
      downloadDir: downloads,
    }),
    // The history on disk: it keeps the record of transfers, which the restart tests need.
    { entryRepeatMs: 0, presenceCheckMs: 0, history: { where: 'disk' }, ...options },
  );
  const events: ContractEvent[] = [];
  const waiters = new Set<() => void>();
  engine.subscribe((e) => {
    events.push(e);
    for (const w of [...waiters]) w();
  });
  await engine.start();
  const transfers = () => engine.files.list();
  return {
    engine,
    address,
    id: `${address}:${port}`,
    dataDir,
    downloads,
    events,
    transfers,
    waitTransfer: (pred, ms = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = transfers().find(pred);
          if (!hit) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const seen = transfers()
            .map((t) => `${t.direction} ${t.item.name} ${t.state.state} ${t.bytes}`)
            .join('; ');
          reject(new Error(`no matching transfer within ${ms} ms; transfers: ${seen || 'none'}`));
        }, ms);
        if (!check()) waiters.add(check);
      }),
  };
}

/** Random bytes in a file under `dir`; returns its path. */
export function writeRandomFile(dir: string, name: string, bytes: number): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  for (let left = bytes; left > 0;) {
    const n = Math.min(left, 1 << 20);
    fs.writeSync(fd, randomBytes(n));
    left -= n;
  }
  fs.closeSync(fd);
  return file;
}

/** Every entry under a folder as relative path → SHA-256 of its content ('/' for a folder). */
export function treeOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out[r] = '/';
        walk(path.join(d, e.name), r);
      } else
        out[r] = createHash('sha256')
          .update(fs.readFileSync(path.join(d, e.name)))
          .digest('hex');
    }
  };
  walk(dir, '');
  return out;
}
