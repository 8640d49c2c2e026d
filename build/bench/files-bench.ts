import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  FILES_CHILD_FLAG,
  type ChildCommand,
  type ChildLine,
  type ChildRole,
} from './files-bench-child';

/**
 * files.*: one 1 GiB file, then a folder of 10,000 small files, from one engine to another over
 * loopback, against bare Node on the same addresses in the same run: a server that streams the
 * file into the socket and a client that pipes the socket into a file and fsyncs it; for the
 * folder, `tar -c` into a socket and the socket into `tar -x` (what `tar -c | nc` does; nc is
 * not installed here). Pigeon's time runs from the receiver's accept to the transfer done: the
 * connection, the request, the bytes, the SHA-256 check, the fsync and the rename.
 *
 * Each of the four sides is a process of its own (files-bench-child.ts): on two cores the
 * sender and the receiver work at once, as on two machines, and each engine's peak RSS is its
 * own. Runs alternate between the two paths so that the machine's noise hits both alike.
 */
const SENDER = '127.0.77.1';
const RECEIVER = '127.0.77.2';
const PIGEON_PORT = 42_700;
const BARE_PORT = 42_701;
const FILE_BYTES = 1024 * 1024 * 1024;
const FOLDER_FILES = 10_000;

export interface FilesResult {
  file_mib: number;
  seconds: number;
  bare_seconds: number;
  ratio: number;
  mib_s: number;
  bare_mib_s: number;
  /** Of bare_seconds, the fsync (median): the disk's share, which both paths pay. */
  bare_sync_seconds: number;
  target_ratio: number;
  sender_peak_rss_mb: number;
  receiver_peak_rss_mb: number;
  peak_rss_mb: number;
  target_peak_rss_mb: number;
  folder_files: number;
  folder_mib: number;
  folder_seconds: number;
  folder_bare_seconds: number;
  folder_ratio: number;
  folder_peak_rss_mb: number;
  runs: number;
  /** Every run's seconds, in order, for the noise. */
  file_runs: { pigeon: number[]; bare: number[] };
  folder_runs: { pigeon: number[]; bare: number[] };
}

export interface FilesBenchOptions {
  runs?: number;
  file?: boolean;
  folder?: boolean;
}

export async function benchFiles(
  entry: URL,
  options: FilesBenchOptions = {},
): Promise<FilesResult> {
  const runs = options.runs ?? 3;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-files-bench-'));
  const children: Child[] = [];
  /** Everything fetched, kept until the end: see `fresh`. */
  const leftovers: string[] = [work];
  const start = async (role: ChildRole) => {
    const c = startChild(entry, role);
    children.push(c);
    const ready = (await c.next('ready')) as Extract<ChildLine, { t: 'ready' }>;
    leftovers.push(...ready.dirs);
    return c;
  };
  /**
   * Each run fetches into a new place. Folders are deleted only at the end: on this machine's
   * ext4, creating 10,000 files right after deleting 10,000 costs 5-8 s instead of 0.5 (inode
   * allocation), which would land on whichever path ran next. A 1 GiB file is deleted after its
   * run (they would add up), and every run starts after a `sync`, with no dirty pages
   * left by the one before to be written back during it.
   */
  let fetches = 0;
  const fresh = () => path.join(work, `bare-${fetches++}`);
  try {
    const bareServer = await start({ role: 'bare-server', address: SENDER, port: BARE_PORT });
    const bareClient = await start({
      role: 'bare-client',
      address: RECEIVER,
      server: SENDER,
      port: BARE_PORT,
    });
    const bare = async (mode: 'file' | 'tar', src: string) => {
      bareServer.send({ cmd: 'serve', mode, path: src });
      await bareServer.next('serving');
      const dest = fresh();
      bareClient.send({ cmd: 'fetch', mode, dest });
      const got = (await bareClient.next('fetched')) as Extract<ChildLine, { t: 'fetched' }>;
      if (mode === 'file') fs.rmSync(dest, { force: true });
      return got;
    };
    /**
     * A fresh pair of engines for each part, so that a peak RSS is that part's. Their first
     * transfer, `warmUp`, is left out of the figures (JIT, sockets, page cache).
     */
    const engines = async (warmUp: string) => {
      const [sender, receiver] = await Promise.all([
        start({ role: 'pigeon-sender', address: SENDER, peer: RECEIVER, port: PIGEON_PORT }),
        start({ role: 'pigeon-receiver', address: RECEIVER, peer: SENDER, port: PIGEON_PORT }),
      ]);
      const transfer = async (src: string) => {
        sender.send({ cmd: 'offer', path: src });
        await sender.next('offered');
        receiver.send({ cmd: 'accept' });
        const got = (await receiver.next('received')) as Extract<ChildLine, { t: 'received' }>;
        const sent = (await sender.next('sent')) as Extract<ChildLine, { t: 'sent' }>;
        if (got.verified !== 'hash') throw new Error(`files bench: verified by ${got.verified}`);
        if (fs.statSync(got.savedAs).isFile()) fs.rmSync(got.savedAs, { force: true });
        return { ...got, senderRssMb: sent.maxRssMb };
      };
      await transfer(warmUp);
      const stop = async () => {
        for (const c of [sender, receiver]) c.send({ cmd: 'bye' });
        await Promise.all([sender.exited, receiver.exited]);
      };
      return { transfer, stop };
    };
    /** Runs alternate which path goes first, so that a noisy spell does not favour one. */
    const alternate = async (bareRun: () => Promise<number>, pigeonRun: () => Promise<number>) => {
      const out = { pigeon: [] as number[], bare: [] as number[] };
      const settled = <T>(run: () => Promise<T>) => {
        spawnSync('sync');
        return run();
      };
      for (let r = 0; r < runs; r++) {
        if (r % 2 === 0) out.bare.push(await settled(bareRun));
        out.pigeon.push(await settled(pigeonRun));
        if (r % 2 === 1) out.bare.push(await settled(bareRun));
      }
      return out;
    };

    const file = path.join(work, 'one-gib.bin');
    const small = path.join(work, 'warm-up.bin');
    const folder = path.join(work, 'small-files');
    writeRandomFile(file, FILE_BYTES);
    writeRandomFile(small, 64 << 20);
    const folderBytes = writeSmallFiles(folder, FOLDER_FILES);
    await bare('file', small);

    let fileRuns = { pigeon: [] as number[], bare: [] as number[] };
    const bareSync: number[] = [];
    let senderRss = 0;
    let receiverRss = 0;
    if (options.file !== false) {
      const pair = await engines(small);
      fileRuns = await alternate(
        async () => {
          const got = await bare('file', file);
          if (got.bytes !== FILE_BYTES) throw new Error(`bare fetch moved ${got.bytes} bytes`);
          bareSync.push(got.syncSeconds);
          return got.seconds;
        },
        async () => {
          const got = await pair.transfer(file);
          if (got.bytes !== FILE_BYTES) throw new Error(`Pigeon moved ${got.bytes} bytes`);
          senderRss = Math.max(senderRss, got.senderRssMb);
          receiverRss = Math.max(receiverRss, got.maxRssMb);
          return got.seconds;
        },
      );
      await pair.stop();
    }
    let folderRuns = { pigeon: [] as number[], bare: [] as number[] };
    let folderRss = 0;
    if (options.folder !== false) {
      await bare('tar', folder);
      const pair = await engines(folder);
      folderRuns = await alternate(
        async () => (await bare('tar', folder)).seconds,
        async () => {
          const got = await pair.transfer(folder);
          if (got.files !== FOLDER_FILES || got.bytes !== folderBytes)
            throw new Error(`Pigeon moved ${got.files} files, ${got.bytes} bytes`);
          folderRss = Math.max(folderRss, got.maxRssMb, got.senderRssMb);
          return got.seconds;
        },
      );
      await pair.stop();
    }
    for (const c of [bareServer, bareClient]) c.send({ cmd: 'bye' });
    await Promise.all([bareServer.exited, bareClient.exited]);
    const secs = median(fileRuns.pigeon);
    const bareSecs = median(fileRuns.bare);
    const mib = FILE_BYTES / 2 ** 20;
    const folderSecs = median(folderRuns.pigeon);
    const folderBare = median(folderRuns.bare);
    return {
      file_mib: mib,
      seconds: round(secs, 3),
      bare_seconds: round(bareSecs, 3),
      ratio: round(bareSecs / secs, 3),
      mib_s: Math.round(mib / secs),
      bare_mib_s: Math.round(mib / bareSecs),
      bare_sync_seconds: round(median(bareSync), 3),
      target_ratio: 0.8,
      sender_peak_rss_mb: Math.round(senderRss),
      receiver_peak_rss_mb: Math.round(receiverRss),
      peak_rss_mb: Math.round(Math.max(senderRss, receiverRss)),
      target_peak_rss_mb: 200,
      folder_files: FOLDER_FILES,
      folder_mib: round(folderBytes / 2 ** 20, 1),
      folder_seconds: round(folderSecs, 3),
      folder_bare_seconds: round(folderBare, 3),
      folder_ratio: round(folderBare / folderSecs, 3),
      folder_peak_rss_mb: Math.round(folderRss),
      runs,
      file_runs: {
        pigeon: fileRuns.pigeon.map((s) => round(s, 3)),
        bare: fileRuns.bare.map((s) => round(s, 3)),
      },
      folder_runs: {
        pigeon: folderRuns.pigeon.map((s) => round(s, 3)),
        bare: folderRuns.bare.map((s) => round(s, 3)),
      },
    };
  } finally {
    for (const c of children) c.kill();
    await Promise.all(children.map((c) => c.exited));
    for (const d of leftovers) fs.rmSync(d, { recursive: true, force: true });
  }
}

export function filesRows(f: FilesResult): [string, string, string, string][] {
  return [
    [
      `files, one ${f.file_mib} MiB file`,
      `${f.seconds} s (${f.mib_s} MiB/s, SHA-256 checked)`,
      `${f.bare_seconds} s bare (${f.bare_mib_s} MiB/s, ${f.bare_sync_seconds} s of it fsync)`,
      `ratio ${f.ratio} (target >= ${f.target_ratio})`,
    ],
    [
      'files, engines while sending',
      `peak RSS ${f.peak_rss_mb} MB`,
      `sender ${f.sender_peak_rss_mb} MB, receiver ${f.receiver_peak_rss_mb} MB`,
      `target < ${f.target_peak_rss_mb} MB`,
    ],
    [
      `files, folder of ${f.folder_files} files (${f.folder_mib} MiB)`,
      `${f.folder_seconds} s`,
      `${f.folder_bare_seconds} s tar | tcp | tar`,
      `ratio ${f.folder_ratio} (peak RSS ${f.folder_peak_rss_mb} MB)`,
    ],
  ];
}

interface Child {
  send(c: ChildCommand): void;
  next(t: ChildLine['t']): Promise<ChildLine>;
  kill(): void;
  exited: Promise<void>;
}

function startChild(entry: URL, role: ChildRole): Child {
  // PIGEON_BENCH_CPU_PROF=DIR: each engine's process writes a .cpuprofile there.
  const prof = process.env.PIGEON_BENCH_CPU_PROF;
  const flags =
    prof && role.role.startsWith('pigeon') ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...flags, fileURLToPath(entry), FILES_CHILD_FLAG, JSON.stringify(role)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const queue: ChildLine[] = [];
  let wake: (() => void) | undefined;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      wake?.();
      resolve();
    }),
  );
  if (!child.stdout || !child.stdin) throw new Error('files bench: no pipes to the child');
  const stdin = child.stdin;
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    queue.push(JSON.parse(line) as ChildLine);
    wake?.();
  });
  return {
    send: (c) => stdin.write(`${JSON.stringify(c)}\n`),
    async next(t) {
      for (;;) {
        const failed = queue.find((l) => l.t === 'failed');
        if (failed && failed.t === 'failed')
          throw new Error(`files bench, ${role.role}: ${failed.error}`);
        const i = queue.findIndex((l) => l.t === t);
        if (i >= 0) return queue.splice(i, 1)[0] as ChildLine;
        if (exited) throw new Error(`files bench: the ${role.role} ended before '${t}'`);
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    kill: () => {
      if (!exited) child.kill();
    },
    exited: exit,
  };
}

function writeRandomFile(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (let left = bytes; left > 0;) {
      const n = Math.min(left, 16 << 20);
      fs.writeSync(fd, randomBytes(n));
      left -= n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** 1 to 8 KiB each, 500 to a subfolder; returns the bytes written. */
function writeSmallFiles(dir: string, count: number): number {
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
  const pool = randomBytes(8192 + 4096);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `part-${String(Math.floor(i / 500)).padStart(2, '0')}`);
    if (i % 500 === 0) fs.mkdirSync(sub, { recursive: true });
    const size = 1024 + (next() % (7 * 1024 + 1));
    const at = next() % 4096;
    fs.writeFileSync(
      path.join(sub, `file-${String(i).padStart(5, '0')}.bin`),
      pool.subarray(at, at + size),
    );
    total += size;
  }
  return total;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
