import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { Transfer } from '../../shared/model';
import { startFileNode, type FileNode } from '../../electron/engine/files/testing/file-pair';

/**
 * The processes of the files benchmark (files-bench.ts). Each side of a transfer runs in a
 * process of its own: the sender's reads and hashing and the receiver's writes and hashing run
 * on two cores at once, as on two machines, and each process's peak RSS is its own. The parent
 * speaks to a child in JSON lines on stdin, and the child answers in JSON lines on stdout.
 */
export const FILES_CHILD_FLAG = '--pigeon-files-child';

export type ChildRole =
  | { role: 'pigeon-sender'; address: string; peer: string; port: number }
  | { role: 'pigeon-receiver'; address: string; peer: string; port: number }
  | { role: 'bare-server'; address: string; port: number }
  | { role: 'bare-client'; address: string; server: string; port: number };

export type ChildCommand =
  /** Sender: offer this file or folder to the peer, answer once the peer fetched it. */
  | { cmd: 'offer'; path: string }
  /** Receiver: accept the next offer and fetch it (into the engine's download folder). */
  | { cmd: 'accept' }
  /** Bare server: what the next connection gets (a file's bytes, or `tar -c` of a folder). */
  | { cmd: 'serve'; mode: 'file' | 'tar'; path: string }
  /** Bare client: fetch into a file (then fsync), or through `tar -x` into a folder. */
  | { cmd: 'fetch'; mode: 'file' | 'tar'; dest: string }
  | { cmd: 'bye' };

export type ChildLine =
  /** `dirs`: the engine's data and download folders, deleted by the parent at the very end. */
  | { t: 'ready'; rssMb: number; dirs: string[] }
  | { t: 'offered' }
  | { t: 'sent'; maxRssMb: number }
  | {
      t: 'received';
      seconds: number;
      savedAs: string;
      verified: string;
      bytes: number;
      files: number;
      maxRssMb: number;
    }
  | { t: 'serving' }
  /** `syncSeconds`: of `seconds`, the fsync of the fetched file. */
  | { t: 'fetched'; seconds: number; syncSeconds: number; bytes: number; maxRssMb: number }
  | { t: 'failed'; error: string };

export function isFilesChild(): boolean {
  return process.argv.includes(FILES_CHILD_FLAG);
}

const say = (line: ChildLine) => process.stdout.write(`${JSON.stringify(line)}\n`);
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;
const rssMb = () => process.memoryUsage().rss / 2 ** 20;

export async function runFilesChild(): Promise<void> {
  const spec = JSON.parse(
    process.argv[process.argv.indexOf(FILES_CHILD_FLAG) + 1] ?? '{}',
  ) as ChildRole;
  const commands = readline.createInterface({ input: process.stdin });
  if (spec.role === 'pigeon-sender' || spec.role === 'pigeon-receiver') {
    const node = await startFileNode(spec.address, spec.peer, spec.port);
    await waitForPigeon(node);
    say({ t: 'ready', rssMb: rssMb(), dirs: [node.dataDir, node.downloads] });
    for await (const line of commands) {
      const c = JSON.parse(line) as ChildCommand;
      try {
        if (c.cmd === 'offer') await offer(node, `${spec.peer}:${spec.port}`, c.path);
        else if (c.cmd === 'accept') await accept(node);
        else if (c.cmd === 'bye') {
          await node.engine.stop();
          process.exit(0);
        }
      } catch (error) {
        say({ t: 'failed', error: String(error) });
      }
    }
    return;
  }
  if (spec.role === 'bare-server') {
    let next: Extract<ChildCommand, { cmd: 'serve' }> | undefined;
    const server = net.createServer((socket) => {
      const what = next;
      next = undefined;
      if (!what) return socket.destroy();
      void serveBare(socket, what).catch((error: unknown) => {
        console.error(`bare server: ${String(error)}`);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(spec.port, spec.address, resolve));
    say({ t: 'ready', rssMb: rssMb(), dirs: [] });
    for await (const line of commands) {
      const c = JSON.parse(line) as ChildCommand;
      if (c.cmd === 'serve') {
        next = c;
        say({ t: 'serving' });
      } else if (c.cmd === 'bye') process.exit(0);
    }
    return;
  }
  say({ t: 'ready', rssMb: rssMb(), dirs: [] });
  for await (const line of commands) {
    const c = JSON.parse(line) as ChildCommand;
    if (c.cmd === 'fetch') {
      try {
        const started = performance.now();
        const { bytes, syncMs } = await fetchBare(spec, c);
        say({
          t: 'fetched',
          seconds: (performance.now() - started) / 1000,
          syncSeconds: syncMs / 1000,
          bytes,
          maxRssMb: maxRssMb(),
        });
      } catch (error) {
        say({ t: 'failed', error: String(error) });
      }
    } else if (c.cmd === 'bye') process.exit(0);
  }
}

async function waitForPigeon(node: FileNode): Promise<void> {
  const end = Date.now() + 10_000;
  while (!node.engine.handlers['peers:list']().some((p) => p.client === 'pigeon')) {
    if (Date.now() > end) throw new Error(`${node.address} never heard its Pigeon peer`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const TRANSFER_MS = 600_000;

async function offer(node: FileNode, to: string, item: string): Promise<void> {
  const [id] = node.engine.files.offerPaths(to, [item]).transferIds;
  say({ t: 'offered' });
  const t = await node.waitTransfer((x) => x.id === id && finished(x), TRANSFER_MS);
  if (t.state.state !== 'done') throw new Error(`sending ended ${JSON.stringify(t.state)}`);
  say({ t: 'sent', maxRssMb: maxRssMb() });
}

/** Pigeon's time: from the person's accept to the file verified, synced and in its place. */
async function accept(node: FileNode): Promise<void> {
  const offered = await node.waitTransfer(
    (x) => x.direction === 'in' && x.state.state === 'offered',
    TRANSFER_MS,
  );
  const started = performance.now();
  await node.engine.request('files:accept', { transferIds: [offered.id] });
  const t = await node.waitTransfer((x) => x.id === offered.id && finished(x), TRANSFER_MS);
  const seconds = (performance.now() - started) / 1000;
  if (t.state.state !== 'done') throw new Error(`receiving ended ${JSON.stringify(t.state)}`);
  say({
    t: 'received',
    seconds,
    savedAs: t.savedAs ?? '',
    verified: t.verified ?? 'none',
    bytes: t.bytes,
    files: t.files ?? 1,
    maxRssMb: maxRssMb(),
  });
}

function finished(t: Transfer): boolean {
  return !['offered', 'waiting', 'transferring'].includes(t.state.state);
}

/** The baseline's server: Node streams the file, or tar's output, straight into the socket. */
async function serveBare(
  socket: net.Socket,
  what: Extract<ChildCommand, { cmd: 'serve' }>,
): Promise<void> {
  if (what.mode === 'file') {
    await pipeline(fs.createReadStream(what.path), socket);
    return;
  }
  const tar = spawn('tar', ['-cf', '-', '-C', path.dirname(what.path), path.basename(what.path)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await pipeline(tar.stdout, socket);
}

/**
 * The baseline's client: connect, pipe the socket into a file and fsync it (Pigeon syncs a
 * file before calling it done, so the bare path lands the same bytes on disk), or into `tar -x`.
 */
async function fetchBare(
  spec: Extract<ChildRole, { role: 'bare-client' }>,
  what: Extract<ChildCommand, { cmd: 'fetch' }>,
): Promise<{ bytes: number; syncMs: number }> {
  const socket = net.connect({ host: spec.server, port: spec.port, localAddress: spec.address });
  if (what.mode === 'file') {
    const out = fs.createWriteStream(what.dest);
    await pipeline(socket, out);
    const syncing = performance.now();
    const fd = fs.openSync(what.dest, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    return { bytes: socket.bytesRead, syncMs: performance.now() - syncing };
  }
  fs.mkdirSync(what.dest, { recursive: true });
  const tar = spawn('tar', ['-xf', '-', '-C', what.dest], { stdio: ['pipe', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => tar.once('exit', resolve));
  await pipeline(socket, tar.stdin);
  const code = await exited;
  if (code !== 0) throw new Error(`tar -x exited with ${code}`);
  return { bytes: socket.bytesRead, syncMs: 0 };
}
