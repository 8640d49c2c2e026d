/**
 * `pigeon serve --json` on a loopback address of its own (Linux: all of 127.0.0.0/8 is local),
 * announcing only to an address where nobody listens, with a fresh data directory: a person
 * (with `--ui`, a browser host to open in tabs) or a scripted peer whose requests go in on stdin.
 * No namespaces, so the history specs run without root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { NODE, PIGEON_CLI } from '../lab/pigeon-process';
import { terminate } from '../lab/netns-lan';

export interface JsonLine {
  event?: string;
  channel?: string;
  id?: number;
  payload?: unknown;
  result?: { ok: boolean; value?: unknown; error?: { code: string; message: string } };
}

export interface LoopbackServe {
  /** "address:port": the id the other engine's conversation with this one has. */
  id: string;
  /** With `ui`: the page to open (http://127.0.0.1:PORT/?token=...). */
  url: string;
  /** Every JSON line it printed so far. */
  lines: JsonLine[];
  /** What it printed on stderr so far (the UI's URL, refusals). */
  stderr(): string;
  /** A request on stdin; resolves with its answer's value, throws on an error answer. */
  request(ch: string, req: unknown): Promise<unknown>;
  /** Resolves with the first printed event on `channel` (past or future) that `match` accepts. */
  event(
    channel: string,
    match?: (payload: unknown) => boolean,
    timeoutMs?: number,
  ): Promise<unknown>;
  stop(): Promise<void>;
}

/** A random port above the ephemeral-looking range the other specs use. */
export function randomPort(): number {
  return 40_000 + Math.floor(Math.random() * 10_000);
}

export async function startLoopbackServe(opts: {
  address: string;
  port: number;
  /** Where its presence goes: an address on which nobody listens. */
  broadcast: string;
  nick: string;
  ui?: boolean;
}): Promise<LoopbackServe> {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-loopback-'));
  const args = [PIGEON_CLI, 'serve', '--json', '--nick', opts.nick, '--bind', opts.address];
  args.push('--port', String(opts.port), '--broadcast', opts.broadcast, '--data', data);
  if (opts.ui) args.push('--ui');
  const child: ChildProcess = spawn(NODE, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const lines: JsonLine[] = [];
  const waiters = new Set<(line: JsonLine) => void>();
  if (!child.stdout) throw new Error('no stdout');
  readline.createInterface({ input: child.stdout }).on('line', (text) => {
    let line: JsonLine;
    try {
      line = JSON.parse(text) as JsonLine;
    } catch {
      return;
    }
    lines.push(line);
    for (const w of [...waiters]) w(line);
  });
  const waitFor = (test: (l: JsonLine) => boolean, timeoutMs: number, what: string) =>
    new Promise<JsonLine>((resolve, reject) => {
      const seen = lines.find(test);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} from ${opts.nick} in ${timeoutMs} ms; stderr: ${stderr}`));
      }, timeoutMs);
      const check = (l: JsonLine) => {
        if (!test(l)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(l);
      };
      waiters.add(check);
    });
  const stop = async () => {
    await terminate(child);
    fs.rmSync(data, { recursive: true, force: true });
  };
  try {
    await waitFor((l) => l.event === 'engine:ready', 10_000, 'engine:ready');
    const url = opts.ui
      ? ((await waitFor((l) => l.event === 'cli:ui', 10_000, 'cli:ui')).payload as { url: string })
          .url
      : '';
    let nextId = 1;
    return {
      id: `${opts.address}:${opts.port}`,
      url,
      lines,
      stderr: () => stderr,
      async request(ch, req) {
        const id = nextId++;
        child.stdin?.write(`${JSON.stringify({ id, ch, req })}\n`);
        const answer = await waitFor((l) => l.id === id && l.result !== undefined, 10_000, ch);
        if (!answer.result?.ok) throw new Error(`${ch}: ${JSON.stringify(answer.result)}`);
        return answer.result.value;
      },
      async event(channel, match = () => true, timeoutMs = 10_000) {
        const line = await waitFor(
          (l) => l.event === channel && match(l.payload),
          timeoutMs,
          channel,
        );
        return line.payload;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A person's host (`--ui`) and a scripted peer, each on its loopback address and port, both
 * announcing only to `nowhere`: the peer is told to the host by the messages it sends. If the
 * peer cannot start, the host is stopped too.
 */
export async function startHostAndPeer(o: {
  host: { address: string; nick: string };
  peer: { address: string; nick: string };
  nowhere: string;
}): Promise<{ host: LoopbackServe; peer: LoopbackServe }> {
  const host = await startLoopbackServe({
    ...o.host,
    port: randomPort(),
    broadcast: o.nowhere,
    ui: true,
  });
  try {
    const peer = await startLoopbackServe({ ...o.peer, port: randomPort(), broadcast: o.nowhere });
    return { host, peer };
  } catch (error) {
    await host.stop();
    throw error;
  }
}

/** `from` writes `text` to `to`; resolves once `to`'s engine has it. */
export async function deliverMessage(
  from: LoopbackServe,
  to: LoopbackServe,
  text: string,
): Promise<void> {
  await from.request('chat:send', { to: [to.id], text });
  await to.event('chat:message', (p) => (p as { message: { text: string } }).message.text === text);
}
