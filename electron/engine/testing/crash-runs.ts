import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts the kill -9 child (crash-child.ts, bundled by bundleChild) on `dataDir`, bound to
 * `bind`:`port`; resolves once it listens, with its history written by its writer thread (it
 * rejects otherwise). The history kill -9 suites start one after another.
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
      const line = d.toString();
      if (!line.includes('ready')) return;
      // The kills are meant for the app's path: journal, writer thread, batches.
      if (line.includes('writer-thread')) resolve(child);
      else reject(new Error(`the child's history has no writer thread: ${line.trim()}`));
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
