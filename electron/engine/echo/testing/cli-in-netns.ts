import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ExecResult, HostRef, Lan } from '../../../../e2e/lab/netns-lan';

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
  await p.waitFor(/"type":"ready"/);
  return p;
}

/** The last line of stdout as JSON (the summary of `--json` commands). */
export function lastJson<T = Record<string, unknown>>(r: ExecResult): T {
  const lines = r.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${last}\nstderr: ${r.stderr}`);
  }
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
