import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { ContractEvent, EventChannel, EventMap } from '../../shared/contract';
import type { DeliveryState } from '../../shared/model';
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

/** The browser UI the CLI serves: its page and the bridge script the page loads. */
export function uiBuilt(): { ok: true } | { ok: false; reason: string } {
  for (const built of ['out/renderer/index.html', 'out/ui-bridge/bridge.js']) {
    if (!fs.existsSync(path.join(REPO, built)))
      return { ok: false, reason: `${built} is missing: run npm run build` };
  }
  return { ok: true };
}

type Result =
  { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/** Other lines `serve --json` prints: `{"event": "cli:ui", ...}`. */
export type CliLine = { event: string; payload: unknown };

/**
 * A `pigeon serve --json` running in one host of a namespace LAN, as a person would start it.
 * Its events are collected from stdout (`{"event", "payload"}` lines, as the contract's
 * `{channel, payload}`); requests go in on stdin (the UI's contract).
 */
export class PigeonProcess {
  readonly events: ContractEvent[] = [];
  /** Lines that are not contract events (the CLI's own, such as cli:ui). */
  readonly cliLines: CliLine[] = [];
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
      const o = obj as { event?: string; payload?: unknown; id?: number; result?: Result };
      if (o.result !== undefined && typeof o.id === 'number') {
        this.pending.get(o.id)?.(o.result);
        this.pending.delete(o.id);
        return;
      }
      if (typeof o.event !== 'string') return;
      if (o.event.startsWith('cli:')) this.cliLines.push({ event: o.event, payload: o.payload });
      else this.events.push({ channel: o.event, payload: o.payload } as ContractEvent);
      for (const w of [...this.waiters]) w();
    });
    child.stderr?.on('data', (d: Buffer) => this.stderr.push(d.toString()));
  }

  static async start(
    lan: Lan,
    host: HostRef,
    /** No nick: the engine falls back to the login name and the UI asks for one (first run). */
    args: { nick?: string; group?: string; extra?: string[]; dataDir?: string },
  ): Promise<PigeonProcess> {
    // A given data directory is the caller's (a restart on the same record); ours goes with the LAN.
    let dataDir = args.dataDir;
    if (dataDir === undefined) {
      const own = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-data-'));
      lan.onDestroy(() => fs.rmSync(own, { recursive: true, force: true }));
      dataDir = own;
    }
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
    await p.waitFor('engine:ready', () => true, 10_000, 'ready');
    return p;
  }

  /**
   * A `pigeon serve --json` the caller spawned itself (on loopback, without a namespace LAN;
   * see e2e/support/loopback-pigeon.ts), once its engine is ready.
   */
  static async adopt(child: ChildProcess, dataDir: string): Promise<PigeonProcess> {
    const p = new PigeonProcess(child, dataDir);
    await p.waitFor('engine:ready', () => true, 10_000, 'ready');
    return p;
  }

  /** The payloads of one event channel, in order. */
  of<C extends EventChannel>(channel: C): EventMap[C][] {
    return this.events.filter((e) => e.channel === channel).map((e) => e.payload as EventMap[C]);
  }

  /** The first payload of `channel` that `pred` accepts, past or future. */
  async waitFor<C extends EventChannel>(
    channel: C,
    pred: (payload: EventMap[C]) => boolean,
    ms: number,
    what: string,
  ): Promise<EventMap[C]> {
    const hit = await this.waitForEvent(
      (e) => e.channel === channel && pred(e.payload as EventMap[C]),
      ms,
      what,
    );
    return hit.payload as EventMap[C];
  }

  /** The first event of any channel that `pred` accepts, past or future. */
  waitForEvent(
    pred: (event: ContractEvent) => boolean,
    ms: number,
    what: string,
  ): Promise<ContractEvent> {
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
            `timed out after ${ms} ms waiting for ${what}; last events: ${JSON.stringify(
              this.events.slice(-4),
            ).slice(0, 2000)}; stderr: ${this.stderr.join('').slice(-500)}`,
          ),
        );
      }, ms);
      if (!check()) this.waiters.add(check);
    });
  }

  /** Until `check` holds (it is asked again after every event). */
  waitUntil(check: () => boolean, ms: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const test = () => {
        if (!check()) return false;
        this.waiters.delete(test);
        clearTimeout(timer);
        resolve();
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(test);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      if (!test()) this.waiters.add(test);
    });
  }

  /** The first of the CLI's own lines named `event` (cli:ui ...), past or future. */
  async waitForCli(event: string, ms: number): Promise<unknown> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.cliLines.find((l) => l.event === event);
      if (hit) return hit.payload;
      if (Date.now() > deadline) throw new Error(`no ${event} line within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
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
    return (r.value as { ids: string[] }).ids;
  }

  /** Text of the incoming messages so far. */
  texts(): string[] {
    return this.of('chat:message')
      .filter((e) => e.message.direction === 'in')
      .map((e) => e.message.text);
  }

  /** The first incoming message whose text `match` accepts (and its sender). */
  waitForMessage(match: (text: string) => boolean, ms: number, what: string) {
    return this.waitFor(
      'chat:message',
      (e) => e.message.direction === 'in' && match(e.message.text),
      ms,
      what,
    );
  }

  /**
   * The final delivery state of a message (delivered, unconfirmed or failed), or `outbox`, where
   * serve keeps one its peer did not answer (it moves on when the peer is back).
   */
  async finalDelivery(messageId: string | undefined, ms = 15_000): Promise<DeliveryState> {
    if (messageId === undefined) throw new Error('no message id: chat:send returned no message');
    const final = (d: DeliveryState | undefined) =>
      d?.state === 'delivered' ||
      d?.state === 'unconfirmed' ||
      d?.state === 'failed' ||
      d?.state === 'outbox';
    // Refused at once (no such peer, NUL): the message itself carries its final state.
    const told = this.of('chat:message').find((e) => e.message.id === messageId)?.message;
    if (told?.delivery && final(told.delivery)) return told.delivery;
    const e = await this.waitFor(
      'chat:delivery',
      (x) => x.messageId === messageId && final(x.delivery),
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
