import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { EngineEvent } from '../../shared/model';
import { terminate, waitExit, type HostRef, type Lan } from './netns-lan';

const REPO = path.resolve(__dirname, '..', '..');
/** The Node that ships inside Electron (devDependency `node`), falling back to this one. */
export const NODE = fs.existsSync(path.join(REPO, 'node_modules/.bin/node'))
  ? path.join(REPO, 'node_modules/.bin/node')
  : process.execPath;
export const PIGEON_CLI = path.join(REPO, 'out/cli/pigeon.cjs');

export function pigeonBuilt(): { ok: true } | { ok: false; reason: string } {
  return fs.existsSync(PIGEON_CLI)
    ? { ok: true }
    : { ok: false, reason: `${PIGEON_CLI} is missing: run npm run build first` };
}

type Result =
  { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/**
 * A `pigeon serve --json` running in one host of a namespace LAN, as a person would start it.
 * Its events are collected from stdout; requests go in on stdin (the UI's contract).
 */
export class PigeonProcess {
  readonly events: EngineEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly pending = new Map<number, (r: Result) => void>();
  private nextId = 1;
  readonly stderr: string[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
  ) {
    if (!child.stdout || !child.stdin) throw new Error('pigeon must be spawned with piped stdio');
    const out = readline.createInterface({ input: child.stdout });
    out.on('line', (line) => {
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        return;
      }
      const o = obj as { type?: string; id?: number; result?: Result };
      if (o.type === 'result' && typeof o.id === 'number') {
        this.pending.get(o.id)?.(o.result as Result);
        this.pending.delete(o.id);
        return;
      }
      this.events.push(obj as EngineEvent);
      for (const w of [...this.waiters]) w();
    });
    child.stderr?.on('data', (d: Buffer) => this.stderr.push(d.toString()));
  }

  static async start(
    lan: Lan,
    host: HostRef,
    /** No nick: the engine falls back to the login name and the UI asks for one (first run). */
    args: { nick?: string; group?: string; extra?: string[] },
  ): Promise<PigeonProcess> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-data-'));
    lan.onDestroy(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const child = lan.spawn(
      host,
      NODE,
      [
        PIGEON_CLI,
        'serve',
        '--json',
        ...(args.nick !== undefined ? ['--nick', args.nick] : []),
        ...(args.group ? ['--group', args.group] : []),
        '--broadcast',
        lan.broadcast,
        '--data',
        dataDir,
        ...(args.extra ?? []),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const p = new PigeonProcess(child, dataDir);
    await p.waitFor((e) => e.type === 'ready', 10_000, 'ready');
    return p;
  }

  of<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  }

  waitFor<T extends EngineEvent>(
    pred: (e: EngineEvent) => e is T,
    ms: number,
    what: string,
  ): Promise<T>;
  waitFor(pred: (e: EngineEvent) => boolean, ms: number, what: string): Promise<EngineEvent>;
  waitFor(pred: (e: EngineEvent) => boolean, ms: number, what: string): Promise<EngineEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.events.find(pred);
        if (!hit) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `timed out after ${ms} ms waiting for ${what}; stderr: ${this.stderr.join('').slice(-500)}`,
          ),
        );
      }, ms);
      if (!check()) this.waiters.add(check);
    });
  }

  /** One contract request over stdin; resolves with its result envelope. */
  request(ch: string, req: unknown = null, ms = 10_000): Promise<Result> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no result for ${ch} within ${ms} ms`)), ms);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.child.stdin?.write(`${JSON.stringify({ id, ch, req })}\n`);
    });
  }

  /** Send text and return the message ids (one per recipient). */
  async send(to: string[], text: string): Promise<string[]> {
    const r = await this.request('chat:send', { to, text });
    if (!r.ok) throw new Error(`chat:send refused: ${r.error.message}`);
    return (r.value as { id: string }[]).map((m) => m.id);
  }

  /** The final delivery state of a message (delivered or failed). */
  async finalDelivery(messageId: string | undefined, ms = 15_000) {
    if (messageId === undefined) throw new Error('no message id: chat:send returned no message');
    const e = await this.waitFor(
      (x): x is Extract<EngineEvent, { type: 'delivery' }> =>
        x.type === 'delivery' &&
        x.messageId === messageId &&
        (x.delivery.state === 'delivered' || x.delivery.state === 'failed'),
      ms,
      `final delivery of ${messageId}`,
    );
    return e.delivery;
  }

  /** SIGTERM: the engine says goodbye (BR_EXIT) and exits. */
  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    if (!(await waitExit(this.child, 5000))) await terminate(this.child, 1000);
  }

  /** SIGKILL: the host vanishes without a word (cable pulled, crash). */
  async vanish(): Promise<void> {
    this.child.kill('SIGKILL');
    await waitExit(this.child, 5000);
  }
}
