import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { build } from 'esbuild';
import { terminate, waitExit, type HostRef, type Lan, type LanHost } from '../netns-lan';
import { NODE } from '../pigeon-process';
import {
  describeShown,
  type DisplayModel,
  type FetchMade,
  type OfferShown,
  type PeerView,
  type Shown,
} from './display-model';
import type { PersonaConfig } from './persona-main';

/**
 * A legacy client (persona) running in one host of a namespace LAN, seen from the test: what it
 * shows (its display model, updated after every packet it handles) and what its user does
 * (type a text to someone). The persona is persona-main.ts, bundled once per test process.
 */

let bundled: Promise<string> | undefined;

function bundle(): Promise<string> {
  bundled ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-persona-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const outfile = path.join(dir, 'persona.cjs');
    await build({
      entryPoints: [path.join(__dirname, 'persona-main.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      outfile,
      logLevel: 'warning',
    });
    return outfile;
  })();
  return bundled;
}

export type PersonaOptions = Pick<PersonaConfig, 'dialect' | 'nick' | 'group'> &
  Partial<Pick<PersonaConfig, 'user' | 'host' | 'fontTail'>>;

type Line =
  | { t: 'ready'; address: string }
  | { t: 'model'; model: DisplayModel }
  | { t: 'result'; id: number; value: unknown }
  | { t: 'error'; message: string };

export class PersonaProcess {
  private latest: DisplayModel | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly pending = new Map<number, (value: unknown) => void>();
  private nextId = 1;
  private lastChange = Date.now();
  readonly errors: string[] = [];

  private constructor(
    readonly host: LanHost,
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    if (!child.stdout || !child.stdin) throw new Error('persona must be spawned with piped stdio');
    readline.createInterface({ input: child.stdout }).on('line', (text) => {
      const line = JSON.parse(text) as Line;
      if (line.t === 'model') {
        this.latest = line.model;
        this.lastChange = Date.now();
      } else if (line.t === 'result') {
        this.pending.get(line.id)?.(line.value);
        this.pending.delete(line.id);
      } else if (line.t === 'error') {
        this.errors.push(line.message);
      }
      for (const w of [...this.waiters]) w();
    });
    child.stderr?.on('data', (d: Buffer) => this.errors.push(d.toString()));
  }

  static async start(lan: Lan, host: HostRef, options: PersonaOptions): Promise<PersonaProcess> {
    const h = typeof host === 'string' ? lan.host(host) : host;
    const config: PersonaConfig = {
      dialect: options.dialect,
      nick: options.nick,
      group: options.group,
      // ASCII, stable, ':'-free, as real clients' login and host names are.
      user: options.user ?? (options.dialect === 'feiq' ? 'xiaoli' : 'laowang'),
      host: options.host ?? `${h.name.toUpperCase()}-PC`,
      broadcast: [lan.broadcast],
      downloadDir: '',
      ...(options.fontTail === undefined ? {} : { fontTail: options.fontTail }),
    };
    const downloadDir = fs.mkdtempSync(path.join(os.tmpdir(), `pigeon-persona-${h.name}-`));
    lan.onDestroy(() => fs.rmSync(downloadDir, { recursive: true, force: true }));
    config.downloadDir = downloadDir;
    const script = await bundle();
    const child = lan.spawn(h, NODE, [script, JSON.stringify(config)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const p = new PersonaProcess(h, `${options.dialect} persona ${options.nick} (${h.ip})`, child);
    await p.waitFor((m) => m.address === h.ip, 10_000, 'ready');
    return p;
  }

  get ip(): string {
    return this.host.ip;
  }

  /** The latest display model (empty until the persona reported one). */
  model(): DisplayModel {
    if (!this.latest) throw new Error(`${this.name} has not reported yet`);
    return this.latest;
  }

  /** The row for `address` in its peer list. */
  peer(address: string): PeerView | undefined {
    return this.model().peers.find((p) => p.address === address);
  }

  /** Every nick it has shown for `address`, in order. */
  nicksShown(address: string): Shown[] {
    return this.model()
      .names.filter((n) => n.address === address)
      .map((n) => n.nick);
  }

  /** Texts it shows from `address`, in order. */
  textsFrom(address: string): Shown[] {
    return this.model()
      .texts.filter((t) => t.from === address)
      .map((t) => t.text);
  }

  /** How many packets of `mode` it handled from `address` (ignored ones included). */
  receivedCount(address: string, mode: number): number {
    return this.model().received.filter((r) => r.from === address && r.mode === mode).length;
  }

  waitFor(pred: (m: DisplayModel) => boolean, ms: number, what: string): Promise<DisplayModel> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.latest || !pred(this.latest)) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(this.latest);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(`${this.name}: timed out after ${ms} ms waiting for ${what}${this.why()}`),
        );
      }, ms);
      if (!check()) this.waiters.add(check);
    });
  }

  /**
   * Bring the model up to date with everything the persona has handled so far: its answer comes
   * after every model line written before it.
   */
  async sync(): Promise<DisplayModel> {
    this.latest = (await this.command({ op: 'snapshot' })) as DisplayModel;
    return this.latest;
  }

  /** Resolve once the display has not changed for `quietMs` (at most `maxMs`), then sync. */
  async settle(quietMs = 400, maxMs = 10_000): Promise<DisplayModel> {
    const end = Date.now() + maxMs;
    while (Date.now() - this.lastChange < quietMs && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.sync();
  }

  /** Its user types `text` to `to`; resolves with the packet number it went out with. */
  async send(to: string, text: string): Promise<number> {
    return (await this.command({ op: 'send', to, text })) as number;
  }

  /** Wait until the text with `packetNo` is acknowledged; a timeout on the persona's side throws. */
  async acked(packetNo: number, ms = 8000): Promise<void> {
    const m = await this.waitFor(
      (x) => x.sent.some((s) => s.packetNo === packetNo && s.state !== 'sent'),
      ms,
      `the ack of packet ${packetNo}`,
    );
    const state = m.sent.find((s) => s.packetNo === packetNo)?.state;
    if (state !== 'acked') throw new Error(`${this.name}: packet ${packetNo} ${state}`);
  }

  /** Files it lists in offers from `address`, in order. */
  offersFrom(address: string): OfferShown[] {
    return this.model().offers.filter((o) => o.from === address);
  }

  /**
   * Its user sends files (paths on this machine; the persona offers each under its own name);
   * resolves with the offer datagrams' packet numbers.
   */
  async offerFiles(to: string, files: string[], text = ''): Promise<number[]> {
    const r = (await this.command({ op: 'offer', to, text, files })) as
      { packetNos: number[] } | { failed: string };
    if ('failed' in r) throw new Error(`${this.name}: offer failed: ${r.failed}`);
    return r.packetNos;
  }

  /**
   * Its user saves an offered file (into its download folder): resolves when the download
   * ends, however it ends. `offset` continues a cut download; `stopAfter` cuts this one.
   */
  async fetch(
    offer: Pick<OfferShown, 'from' | 'packetNo' | 'fileId'>,
    opts: { offset?: number; stopAfter?: number } = {},
    ms = 30_000,
  ): Promise<FetchMade> {
    const r = (await this.command(
      { op: 'fetch', from: offer.from, packetNo: offer.packetNo, fileId: offer.fileId, ...opts },
      ms,
    )) as { fetch: FetchMade } | { failed: string };
    if ('failed' in r) throw new Error(`${this.name}: fetch failed: ${r.failed}`);
    return r.fetch;
  }

  /** Its user presses "refresh": it broadcasts its entry again (everyone answers). */
  async announce(): Promise<void> {
    await this.command({ op: 'announce' });
  }

  /** What it shows for `address`, for failure messages. */
  describePeer(address: string): string {
    const p = this.peer(address);
    return p ? `nick ${describeShown(p.nick)}, group ${describeShown(p.group)}` : 'not listed';
  }

  /** BR_EXIT to everyone, then the process exits. */
  async stop(): Promise<void> {
    await this.command({ op: 'exit' }).catch(() => undefined);
    if (!(await waitExit(this.child, 3000))) await terminate(this.child, 1000);
  }

  private command(c: Record<string, unknown>, ms = 5000): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: no result for ${String(c.op)} within ${ms} ms`));
      }, ms);
      this.pending.set(id, (v) => {
        clearTimeout(timer);
        resolve(v);
      });
      this.child.stdin?.write(`${JSON.stringify({ id, ...c })}\n`);
    });
  }

  private why(): string {
    return this.errors.length ? `; errors: ${this.errors.join(' | ').slice(-500)}` : '';
  }
}
