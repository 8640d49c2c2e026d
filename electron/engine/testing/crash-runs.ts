import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts the kill -9 child (crash-child.ts, bundled by bundleChild) on `dataDir`, bound to
 * `bind`:`port`; resolves once it listens. The history kill -9 suites start one after another.
 */
export function startCrashChild(
  entry: string,
  dataDir: string,
  bind: string,
  port: number,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [entry, dataDir, bind, String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code}: ${stderr}`)));
  });
}

/** SIGKILL, and wait until it is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
