import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  err,
  errorToInfo,
  eventLine,
  MAX_REQUEST_FRAME_BYTES,
  ok,
  parseRequestFrame,
  refuseTooLarge,
  resultLine,
  type EventListener,
  type PickedItem,
  type RequestChannel,
  type RequestHandler,
  type RequestId,
  type Result,
} from '../../shared/contract';
import { boundedLines, type LineItem } from '../cli/bounded-lines';
import { writeDataFile } from '../engine/io/data-dir';
import {
  controlPath,
  privateSocketDir,
  processControlEnv,
  type ControlPathEnv,
} from './control-path';
import {
  CONTROL_TOKEN_FILE,
  MAX_PENDING_OUTPUT_BYTES,
  type ControlWelcome,
} from './control-protocol';

/** What the server needs of a running engine. */
export interface ControlledEngine {
  request: RequestHandler;
  subscribe: (listener: EventListener) => () => void;
  /** engine.files.picks.add: throws a ContractError when the path cannot be offered. */
  addPick: (path: string) => PickedItem;
  welcome: () => ControlWelcome;
}

export type ControlServerStart =
  | { ok: true; server: ControlServer }
  /** Another live engine already serves this data directory; or the socket cannot be made. */
  | { ok: false; reason: 'taken' | 'failed'; message: string };

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Serve the engine to `pigeon` commands on the same data directory (control-path.ts): owner-only
 * socket (0600 in a 0700 folder) or named pipe, plus the token of control-protocol.ts. A socket
 * file left by a crash is found stale (nobody answers a connect) and replaced; a live one means
 * another engine serves the directory, and this one runs without a control socket.
 */
export async function startControlServer(
  dataDir: string,
  engine: ControlledEngine,
  env: ControlPathEnv = processControlEnv(),
): Promise<ControlServerStart> {
  const where = controlPath(dataDir, env);
  const token = randomBytes(32).toString('hex');
  const clients = new Set<net.Socket>();
  const server = net.createServer((socket) => serveClient(socket, engine, token, clients));
  try {
    if (where.kind === 'private-dir') privateSocketDir(where.dir);
    if (where.kind !== 'pipe') await replaceStale(where.path);
    await listen(server, where.path);
  } catch (error) {
    server.close();
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EADDRINUSE'
      ? { ok: false, reason: 'taken', message: `another Pigeon serves ${dataDir} (${where.path})` }
      : { ok: false, reason: 'failed', message: `${where.path}: ${(error as Error).message}` };
  }
  const tokenFile = path.join(dataDir, CONTROL_TOKEN_FILE);
  try {
    if (where.kind !== 'pipe') fs.chmodSync(where.path, 0o600);
    writeDataFile(tokenFile, `${token}\n`);
  } catch (error) {
    server.close();
    if (where.kind !== 'pipe') fs.rmSync(where.path, { force: true });
    return { ok: false, reason: 'failed', message: `${tokenFile}: ${(error as Error).message}` };
  }
  return {
    ok: true,
    server: {
      path: where.path,
      close: async () => {
        for (const c of clients) c.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // Only what is still ours: a newer engine may have replaced both meanwhile.
        if (readToken(tokenFile) === token) fs.rmSync(tokenFile, { force: true });
      },
    },
  };
}

/** A socket file nobody answers on is what a crash left behind: remove it. */
async function replaceStale(socketPath: string): Promise<void> {
  if (!fs.existsSync(socketPath)) return;
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw Object.assign(new Error('in use'), { code: 'EADDRINUSE' });
  const st = fs.lstatSync(socketPath);
  // Never delete what is not a socket (a file someone named control.sock).
  if (!st.isSocket()) throw new Error(`${socketPath} exists and is not a socket`);
  fs.rmSync(socketPath);
}

function listen(server: net.Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function readToken(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function sameToken(given: unknown, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function serveClient(
  socket: net.Socket,
  engine: ControlledEngine,
  token: string,
  clients: Set<net.Socket>,
): void {
  clients.add(socket);
  let unsubscribe: (() => void) | undefined;
  const send = (value: unknown): void => {
    if (socket.destroyed) return;
    // A reader that stopped reading must not make the engine hold its events for ever.
    if (socket.writableLength > MAX_PENDING_OUTPUT_BYTES) return void socket.destroy();
    socket.write(`${JSON.stringify(value)}\n`);
  };
  const answer = (ch: string | null, id: RequestId | null, result: Result<unknown>) =>
    send(resultLine(ch as RequestChannel | null, result as never, id));
  const reader = boundedLines(MAX_REQUEST_FRAME_BYTES);
  reader.on('data', (item: LineItem) => {
    if (item.kind === 'too-long') {
      const refusal = refuseTooLarge(MAX_REQUEST_FRAME_BYTES);
      return answer(null, refusal.id, refusal.result);
    }
    if (!item.text.trim()) return;
    const parsed = parseRequestFrame(item.text, { idRequired: true });
    if (!parsed.ok) return answer(null, parsed.refusal.id, parsed.refusal.result);
    const { id, ch, req } = parsed.frame;
    if (!unsubscribe) {
      const given = (req as { token?: unknown } | null)?.token;
      if (ch !== 'control:hello' || !sameToken(given, token)) {
        answer(ch, id, err('unauthorized', 'say control:hello with the token first'));
        return void socket.end();
      }
      unsubscribe = engine.subscribe((e) => send(eventLine(e)));
      return answer(ch, id, ok(engine.welcome()));
    }
    if (ch === 'control:pick') {
      const p = (req as { path?: unknown } | null)?.path;
      if (typeof p !== 'string' || !path.isAbsolute(p) || p.length > 4096)
        return answer(ch, id, err('invalid-request', 'control:pick wants {path}, absolute'));
      try {
        return answer(ch, id, ok(engine.addPick(p)));
      } catch (error) {
        return answer(ch, id, { ok: false, error: errorToInfo(error) });
      }
    }
    // The contract's dispatcher validates channel and payload and never rejects.
    void engine.request(ch, req).then((result) => answer(ch, id, result));
  });
  socket.pipe(reader);
  const done = () => {
    unsubscribe?.();
    clients.delete(socket);
  };
  socket.on('close', done);
  socket.on('error', () => socket.destroy());
}
