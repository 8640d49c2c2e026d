import type { EchoRequest, EchoResult } from '../../shared/model';
import type { Engine } from './engine';

/**
 * An echo run to its end, over the contract (echo:start, then its echo:done), for callers in
 * the same process: benchmarks and scripts. Rejects when the engine refuses to start the run.
 */
export function runEcho(engine: Engine, request: EchoRequest): Promise<EchoResult> {
  return new Promise((resolve, reject) => {
    let runId: string | undefined;
    const early: EchoResult[] = [];
    const off = engine.subscribe((e) => {
      if (e.channel !== 'echo:done') return;
      if (runId === undefined) early.push(e.payload);
      else if (e.payload.runId === runId) {
        off();
        resolve(e.payload);
      }
    });
    try {
      runId = engine.handlers['echo:start'](request).runId;
    } catch (err) {
      off();
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const done = early.find((r) => r.runId === runId);
    if (done) {
      off();
      resolve(done);
    }
  });
}
