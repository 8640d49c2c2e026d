import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ExecResult, HostRef, Lan } from '../../../../e2e/lab/netns-lan';
import type {
  EventChannel,
  EventLine,
  EventMap,
  RequestChannel,
  Res,
  ResultLine,
} from '../../../../shared/contract';
import type { EchoResult } from '../../../../shared/model';

/**
 * The `pigeon` CLI, bundled once per test process, run inside the namespaces of a test LAN:
 * each process gets its own data directory (nothing touches ~/.pigeon).
 */
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
let cli: Promise<string> | undefined;

export function buildCli(): Promise<string> {
  cli ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pigeon-cli-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const outfile = path.join(dir, 'pigeon.cjs');
    await build({
      entryPoints: [path.join(repo, 'electron/cli/main.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      outfile,
      logLevel: 'warning',
      banner: { js: '#!/usr/bin/env node' },
    });
    return outfile;
  })();
  return cli;
}

/** The Node that ships with the app (the `node` devDependency), else the one running us. */
export function nodeBin(): string {
  const local = path.join(repo, 'node_modules/.bin/node');
  return existsSync(local) ? local : process.execPath;
}

function dataDir(lan: Lan): string {
  const dir = mkdtempSync(path.join(tmpdir(), `pigeon-data-${lan.prefix}-`));
  lan.onDestroy(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Run `pigeon ARGS --data TMP` in a host of the LAN to completion. */
export async function runPigeon(
  lan: Lan,
  host: HostRef,
  args: string[],
  timeoutMs = 60_000,
): Promise<ExecResult> {
  const file = await buildCli();
  return lan.exec(host, nodeBin(), [file, ...args, '--data', dataDir(lan)], {
    timeoutMs,
    env: { ...process.env, NO_COLOR: '1', LANG: 'C.UTF-8' },
  });
}

export interface PigeonProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolve once stdout matches (rejects after timeoutMs or when the process exits). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/**
 * Start a long-running `pigeon ARGS --data TMP` (serve) in a host of the LAN; `data: false` for
 * commands without an engine (echo-server).
 */
export async function spawnPigeon(
  lan: Lan,
  host: HostRef,
  args: string[],
  opts: { data?: boolean } = {},
): Promise<PigeonProcess> {
  const file = await buildCli();
  const data = opts.data === false ? [] : ['--data', dataDir(lan)];
  const child = lan.spawn(host, nodeBin(), [file, ...args, ...data], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr?.on('data', (b: Buffer) => (err += b.toString('utf8')));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (pattern, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = () => {
          const m = out.match(pattern);
          if (m) return resolve(m);
          if (child.exitCode !== null || child.signalCode !== null)
            return reject(new Error(`pigeon ${args.join(' ')} exited: ${err || out}`));
          if (Date.now() - started > timeoutMs)
            return reject(
              new Error(`pigeon ${args.join(' ')}: no ${pattern} in ${timeoutMs} ms: ${err}`),
            );
          setTimeout(poll, 25);
        };
        poll();
      }),
  };
}

/** `pigeon serve --json` in a host, once it is ready. */
export async function servePigeon(
  lan: Lan,
  host: HostRef,
  extra: string[] = [],
): Promise<PigeonProcess> {
  const name = typeof host === 'string' ? host : host.name;
  const p = await spawnPigeon(lan, host, ['serve', '--json', '--nick', name, ...extra]);
  await p.waitFor(/"event":"engine:ready"/);
  return p;
}

type JsonLine = EventLine | ResultLine;

/**
 * Every line of a `--json` command's stdout, parsed: `{"event", "payload"}` or
 * `{"channel", "result"}` (shared/contract/json-lines). Anything else on stdout is an error.
 */
export function jsonLines(r: ExecResult): JsonLine[] {
  return r.stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        throw new Error(`not JSON (exit ${r.code}): ${line}\nstderr: ${r.stderr}`);
      }
      const o = obj as Partial<EventLine & ResultLine>;
      if (typeof o.event !== 'string' && (typeof o.channel !== 'string' || !o.result))
        throw new Error(`neither an event nor a result line (exit ${r.code}): ${line}`);
      return obj as JsonLine;
    });
}

/** The payloads of the `{"event": channel}` lines, in order. */
export function eventsOf<C extends EventChannel>(r: ExecResult, channel: C): EventMap[C][] {
  return jsonLines(r)
    .filter((l): l is EventLine => 'event' in l && l.event === channel)
    .map((l) => l.payload as EventMap[C]);
}

/** The value of the one `{"channel": channel, "result": {ok: true}}` line; throws otherwise. */
export function resultOf<C extends RequestChannel>(r: ExecResult, channel: C): Res<C> {
  const hits = jsonLines(r).filter((l): l is ResultLine => 'result' in l && l.channel === channel);
  if (hits.length !== 1)
    throw new Error(`${hits.length} ${channel} result lines (exit ${r.code}): ${r.stdout}`);
  const { result } = hits[0] as ResultLine;
  if (!result.ok) throw new Error(`${channel} failed: ${JSON.stringify(result.error)}`);
  return result.value as Res<C>;
}

/**
 * The summary of `pigeon echo --json`: its one echo:done line, which must be the last line (the
 * run's echo:started and echo:progress events come before it).
 */
export function echoDone(r: ExecResult): EchoResult {
  const lines = jsonLines(r);
  const done = eventsOf(r, 'echo:done');
  if (done.length !== 1)
    throw new Error(`${done.length} echo:done lines (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  const result = done[0] as EchoResult;
  const last = lines[lines.length - 1];
  if (!last || !('event' in last) || last.event !== 'echo:done')
    throw new Error(`the last line is not echo:done: ${JSON.stringify(last)}`);
  return result;
}

/** A few lines of Python, run in a host: its own process, killed with the LAN. */
export function spawnPython(
  lan: Lan,
  host: HostRef,
  code: string,
  args: string[] = [],
): ChildProcess {
  const child = lan.spawn(host, 'python3', ['-u', '-c', code, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', () => undefined);
  child.stdout?.on('data', () => undefined);
  return child;
}

/** Resolve once a UDP port is bound in the host (ss), for servers started with spawnPython. */
export async function waitForUdpPort(
  lan: Lan,
  host: HostRef,
  port: number,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await lan.exec(host, 'ss', ['-H', '-uan', `sport = :${port}`]);
    if (r.stdout.trim()) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`nothing bound UDP ${port} within ${timeoutMs} ms`);
}
