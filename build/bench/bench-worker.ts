import dgram from 'node:dgram';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { createEngine, type Engine } from '../../electron/engine/engine';
import { defaultSettings } from '../../electron/engine/settings/settings';

/**
 * The far side of each benchmark runs in a worker thread, as the far side of a real round trip
 * runs on another machine: engines answering messages, or bare echo sockets for the baseline.
 * The bundle starts itself as the worker (see bench.ts), with `workerData` naming the role.
 */
export interface FarSideSpec {
  role: 'engines' | 'echo';
  addresses: string[];
  port: number;
  /** Engines announce themselves to these addresses. */
  announceTo: string[];
}

export async function startFarSide(
  entry: URL,
  spec: FarSideSpec,
): Promise<{ stop: () => Promise<void> }> {
  const worker = new Worker(entry, { workerData: { pigeonBenchFarSide: spec } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      await new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    },
  };
}

export function farSideSpec(): FarSideSpec | undefined {
  const data = workerData as { pigeonBenchFarSide?: FarSideSpec } | undefined;
  return data?.pigeonBenchFarSide;
}

export async function runFarSide(spec: FarSideSpec): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('not a worker');
  const closers: (() => Promise<void>)[] = [];
  if (spec.role === 'engines') {
    const engines: Engine[] = [];
    for (const [i, address] of spec.addresses.entries()) {
      const e = createEngine(
        defaultSettings({
          nick: `far${i}`,
          bind: address,
          port: spec.port,
          broadcast: spec.announceTo,
          dataDir: '/nonexistent',
          user: 'bench',
          host: `far${i}`,
        }),
        { tcp: false, entryRepeatMs: 0 },
      );
      await e.start();
      engines.push(e);
    }
    closers.push(async () => {
      await Promise.all(engines.map((e) => e.stop()));
    });
  } else {
    for (const address of spec.addresses) {
      const s = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => s.bind(spec.port, address, () => resolve()));
      s.on('message', (msg, r) => s.send(msg, r.port, r.address));
      closers.push(() => new Promise<void>((resolve) => s.close(() => resolve())));
    }
  }
  port.postMessage('ready');
  port.once('message', () => {
    // In a worker, process.exit ends only this thread, whatever handles are left.
    void Promise.all(closers.map((c) => c())).then(() => process.exit(0));
  });
}
