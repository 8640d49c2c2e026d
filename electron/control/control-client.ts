import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  err,
  type ContractEvent,
  type EventListener,
  type PickedItem,
  type RequestChannel,
  type Req,
  type Res,
  type Result,
} from '../../shared/contract';
import { boundedLines, type LineItem } from '../cli/bounded-lines';
import { controlPath, processControlEnv, type ControlPathEnv } from './control-path';
import {
  CONTROL_TOKEN_FILE,
  MAX_PENDING_OUTPUT_BYTES,
  type ControlWelcome,
} from './control-protocol';

/** The engine a command works with: its own, or the one running on its data directory. */
export interface EngineLink {
  request<C extends RequestChannel>(ch: C, req: Req<C>): Promise<Result<Res<C>>>;
  subscribe(listener: EventListener): () => void;
  /** A path the person typed, as a pick for files:offer. */
  pick(path: string): Promise<Result<PickedItem>>;
}

export interface ControlClient extends EngineLink {
  readonly welcome: ControlWelcome;
  close(): void;
}

/** Longest line the client takes from the engine (a peers:list of 20,000 peers fits). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * Connect to the engine serving `dataDir`, or undefined when none does (no socket, a stale
 * one, no token, a refused hello): the command then works on its own.
 */
export async function connectControl(
  dataDir: string,
  options: { env?: ControlPathEnv; timeoutMs?: number } = {},
): Promise<ControlClient | undefined> {
  const where = controlPath(dataDir, options.env ?? processControlEnv());
  if (where.kind !== 'pipe' && !fs.existsSync(where.path)) return undefined;
  let token: string;
  try {
    token = fs.readFileSync(path.join(dataDir, CONTROL_TOKEN_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
  const socket = await new Promise<net.Socket | undefined>((resolve) => {
    const s = net.connect(where.path);
    const timer = setTimeout(() => {
      s.destroy();
      resolve(undefined);
    }, options.timeoutMs ?? 2000);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  if (!socket) return undefined;
  const client = new SocketLink(socket);
  const hello = await client.call<ControlWelcome>('control:hello', { token });
  if (!hello.ok) {
    client.close();
    return undefined;
  }
  return Object.assign(client, { welcome: hello.value });
}

class SocketLink {
  private nextId = 1;
  private readonly pending = new Map<number, (r: Result<unknown>) => void>();
  private readonly listeners = new Set<EventListener>();
  /** Events that came before anyone subscribed are not kept: a command subscribes first. */
  private closed = false;
  /** Events read after an answer, told once its awaiter has gone on (see the reader). */
  private held: ContractEvent[] | undefined;

  private tell(event: ContractEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  constructor(private readonly socket: net.Socket) {
    const reader = boundedLines(MAX_ANSWER_BYTES);
    reader.on('data', (item: LineItem) => {
      if (item.kind !== 'line' || !item.text.trim()) return;
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(item.text) as Record<string, unknown>;
      } catch {
        return;
      }
      if (typeof line.event === 'string') {
        const event = { channel: line.event, payload: line.payload } as ContractEvent;
        if (this.held) this.held.push(event);
        else this.tell(event);
      } else if (typeof line.id === 'number') {
        const resolve = this.pending.get(line.id);
        this.pending.delete(line.id);
        resolve?.(line.result as Result<unknown>);
        // Whoever awaits this answer goes on in a microtask, while an event read in the same
        // chunk would be told now: held to the next turn, so what the command prints keeps
        // the engine's order (its answer, then the delivery that came right after it).
        if (resolve && !this.held) {
          this.held = [];
          setImmediate(() => {
            const held = this.held ?? [];
            this.held = undefined;
            for (const event of held) this.tell(event);
          });
        }
      }
    });
    socket.pipe(reader);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.closed = true;
      for (const resolve of this.pending.values())
        resolve(err('transport', 'the running Pigeon closed the control connection'));
      this.pending.clear();
    });
  }

  call<T>(ch: string, req: unknown): Promise<Result<T>> {
    if (this.closed)
      return Promise.resolve(err('transport', 'the running Pigeon closed the control connection'));
    const id = this.nextId++;
    return new Promise<Result<T>>((resolve) => {
      this.pending.set(id, resolve as (r: Result<unknown>) => void);
      if (this.socket.writableLength > MAX_PENDING_OUTPUT_BYTES) this.socket.destroy();
      else this.socket.write(`${JSON.stringify({ id, ch, req })}\n`);
    });
  }

  request<C extends RequestChannel>(ch: C, req: Req<C>): Promise<Result<Res<C>>> {
    return this.call<Res<C>>(ch, req);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  pick(p: string): Promise<Result<PickedItem>> {
    return this.call<PickedItem>('control:pick', { path: path.resolve(p) });
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }
}
