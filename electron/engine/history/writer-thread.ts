import fs from 'node:fs';
import nodeModule from 'node:module';
import path from 'node:path';
import {
  MessageChannel,
  Worker,
  receiveMessageOnPort,
  type MessagePort,
} from 'node:worker_threads';
import type { Batch } from './batch-write';
import {
  WRITER_ROLE,
  type WriterAnswer,
  type WriterData,
  type WriterRequest,
} from './writer-worker';

/**
 * The writer thread's program, bundled: build/scripts/history-writer.mjs bundles
 * writer-worker.ts and every build of the engine (the app, the CLI, the benchmarks) defines it.
 */
declare const __PIGEON_HISTORY_WRITER__: string | undefined;

let bundled: string | undefined;

/**
 * The writer's program; undefined when there is none to run (the history then writes its
 * batches on the engine's thread, as a history in memory does). The tests run the TypeScript
 * sources: there it is bundled now, from the checkout the tests run in (esbuild is a dev
 * dependency, never shipped).
 */
export function writerSource(): string | undefined {
  if (typeof __PIGEON_HISTORY_WRITER__ === 'string') return __PIGEON_HISTORY_WRITER__;
  if (bundled !== undefined) return bundled;
  const entry = path.resolve('electron/engine/history/writer-worker.ts');
  if (!fs.existsSync(entry)) return undefined;
  try {
    const esbuild = nodeModule.createRequire(path.resolve('package.json'))('esbuild') as {
      buildSync(o: object): { outputFiles: { text: string }[] };
    };
    const out = esbuild.buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      write: false,
      logLevel: 'silent',
    });
    bundled = out.outputFiles[0]?.text;
  } catch {
    bundled = undefined;
  }
  return bundled;
}

/** How long a reader waits for a batch before taking the writer for dead. */
const DEAD_AFTER_MS = 60_000;

/**
 * The engine's side of the writer thread: posts a batch, and, when a reader needs everything
 * written (store.ts flush), blocks until the answer is there.
 */
export class WriterThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly done: Int32Array;
  private nextId = 1;
  private alive = true;
  /** Each answer that arrives while nobody waits for it, from the event loop. */
  onAnswer: ((a: WriterAnswer) => void) | undefined;
  /** The thread stopped without being closed (it crashed). */
  onDeath: (() => void) | undefined;

  /**
   * Starts one on `file` (and the journal in `journal`); undefined when there is no program to
   * run or no thread to run it.
   */
  static start(file: string, journal: string | undefined): WriterThread | undefined {
    const source = writerSource();
    if (source === undefined) return undefined;
    try {
      return new WriterThread(file, journal, source);
    } catch {
      return undefined;
    }
  }

  private constructor(file: string, journal: string | undefined, source: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.done = new Int32Array(new SharedArrayBuffer(4));
    const data: WriterData = { role: WRITER_ROLE, file, journal, port: port2, done: this.done };
    this.worker = new Worker(source, {
      eval: true,
      workerData: data,
      transferList: [port2],
      // Its own heap: a batch of long messages must not count against the engine's.
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    // Neither keeps a process alive: the store closes them, or the process ends with them.
    this.port.on('message', (a: WriterAnswer) => {
      if (isUnusable(a)) this.unusable();
      else this.onAnswer?.(a);
    });
    this.worker.unref();
    this.port.unref();
    this.worker.on('error', () => this.died());
    this.worker.on('exit', () => this.died());
  }

  get running(): boolean {
    return this.alive;
  }

  /** Posts a batch; its number comes back with its answer. */
  post(batch: Batch): number {
    const id = this.nextId++;
    const request: WriterRequest = { id, batch };
    this.port.postMessage(request);
    return id;
  }

  /** Blocks until everything posted so far is answered (the writer is idle then). */
  idle(): void {
    if (this.alive && this.nextId > 1) this.wait(this.nextId - 1);
  }

  /** Has the journal and the database flushed to the disk, on the writer's time. */
  sync(): void {
    const request: WriterRequest = { id: this.nextId++, sync: true };
    this.port.postMessage(request);
  }

  /**
   * Blocks this thread until answer `id` is in, and returns it; undefined when the writer
   * died first (or does not answer for a minute, and is stopped).
   */
  wait(id: number): WriterAnswer | undefined {
    const started = Date.now();
    for (;;) {
      const got = receiveMessageOnPort(this.port)?.message as WriterAnswer | undefined;
      if (got !== undefined) {
        // A writer that cannot open the file is as good as dead: the caller writes instead.
        if (isUnusable(got)) {
          this.stop();
          return undefined;
        }
        if (got.id === id) return got;
        this.onAnswer?.(got);
        continue;
      }
      if (!this.alive || Date.now() - started > DEAD_AFTER_MS) {
        this.stop();
        return undefined;
      }
      const seen = Atomics.load(this.done, 0);
      // Answered: its message is on the port already (posted before the counter was set).
      if (seen >= id) continue;
      sleepWhile(this.done, seen, 200);
    }
  }

  /** Closes the writer's connection (after the answer to everything posted) and ends it. */
  close(): void {
    if (!this.alive) return;
    const id = this.nextId++;
    const request: WriterRequest = { id, close: true };
    this.port.postMessage(request);
    this.wait(id);
    this.stop();
  }

  private stop(): void {
    this.alive = false;
    this.port.close();
    void this.worker.terminate();
  }

  private died(): void {
    if (!this.alive) return;
    this.alive = false;
    this.onDeath?.();
  }

  /** Told from the event loop that it cannot open the file: ended, and taken for dead. */
  private unusable(): void {
    if (!this.alive) return;
    this.stop();
    this.onDeath?.();
  }
}

function isUnusable(a: WriterAnswer): boolean {
  return 'unusable' in a && a.unusable === true;
}

/**
 * Sleeps while `cell[0]` still holds `value` (at most `ms`). Where this thread may not block
 * (Atomics.wait throws on some embedders' main threads), it spins instead: a reader waits for
 * a batch of a few milliseconds at most.
 */
function sleepWhile(cell: Int32Array, value: number, ms: number): void {
  try {
    Atomics.wait(cell, 0, value, ms);
  } catch {
    const until = Date.now() + Math.min(ms, 5);
    while (Atomics.load(cell, 0) === value && Date.now() < until) {
      // spin
    }
  }
}
