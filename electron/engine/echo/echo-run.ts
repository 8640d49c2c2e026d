import type { EchoProgress } from '../../../shared/contract';
import type { EchoResult, EchoTarget } from '../../../shared/model';
import type { Clock } from '../clock';
import type { EchoPlan } from './echo-request';
import { EchoRunner } from './echo-runner';
import { computeStats } from '../../../shared/diagnostics/echo-stats';

/**
 * Glue between a mode's channel (how probes leave, how answers come back) and the runner, for
 * the engine and for the CLI's engine-less raw mode alike: builds the JSON-safe result and the
 * progress events.
 */
export interface EchoChannel {
  /** Prepare (bind a socket); resolve to an error message when that fails. */
  open?(): Promise<string | undefined>;
  /** The runner answers go to: called once, after open() and before the first send. */
  attach?(runner: EchoRunner): void;
  send(seq: number, sentAt: number): Promise<string | undefined> | string | undefined;
  close?(): void;
  /** UDP payload bytes of one probe as it leaves. */
  probeSize(): number;
}

export interface EchoRunHandle {
  runId: string;
  cancel(): void;
  done: Promise<EchoResult>;
}

export interface StartRunArgs {
  runId: string;
  plan: EchoPlan;
  target: EchoTarget;
  channel: EchoChannel;
  clock: Clock;
  /** High-resolution ms for round trips. */
  now: () => number;
  /** New outcomes since the last call (the contract's echo:progress). */
  onProgress?: (p: EchoProgress) => void;
  /** The result, once (the contract's echo:done). */
  onDone?: (r: EchoResult) => void;
  /** Keep the run open this long at least (waiting for probes back). */
  minDurationMs?: number;
  reverseRequested?: number;
  progressEveryMs?: number;
}

export function startEchoRun(a: StartRunArgs): EchoRunHandle {
  const startedAt = a.clock.now();
  let runner: EchoRunner | undefined;
  let cancelled = false;
  let resolveDone: (r: EchoResult) => void = () => undefined;
  const done = new Promise<EchoResult>((resolve) => (resolveDone = resolve));
  const base = {
    runId: a.runId,
    mode: a.plan.mode,
    target: a.target,
    count: a.plan.count,
    intervalMs: a.plan.intervalMs,
    timeoutMs: a.plan.timeoutMs,
  };
  const finish = (result: EchoResult) => {
    a.channel.close?.();
    a.onDone?.(result);
    resolveDone(result);
  };

  const begin = async () => {
    const error = a.channel.open ? await a.channel.open() : undefined;
    if (error !== undefined || cancelled) {
      finish({
        ...base,
        size: a.channel.probeSize(),
        startedAt,
        durationMs: 0,
        state: error !== undefined ? 'failed' : 'cancelled',
        ...(error !== undefined ? { error } : {}),
        stats: computeStats([], { duplicates: 0, reordered: 0, late: 0, altered: 0 }),
      });
      return;
    }
    runner = new EchoRunner({
      count: a.plan.count,
      intervalMs: a.plan.intervalMs,
      timeoutMs: a.plan.timeoutMs,
      clock: a.clock,
      now: a.now,
      send: (seq, sentAt) => a.channel.send(seq, sentAt),
      ...(a.progressEveryMs !== undefined ? { progressEveryMs: a.progressEveryMs } : {}),
      ...(a.reverseRequested ? { reverseRequested: a.reverseRequested } : {}),
      ...(a.minDurationMs ? { minDurationMs: a.minDurationMs } : {}),
      onProgress: (probes, stats, reverse) =>
        a.onProgress?.({
          runId: a.runId,
          probes,
          stats,
          ...(reverse ? { reverse } : {}),
        }),
      onDone: (outcome) =>
        finish({
          ...base,
          size: a.channel.probeSize(),
          startedAt,
          durationMs: outcome.durationMs,
          state: outcome.state,
          stats: outcome.stats,
          ...(outcome.reverse ? { reverse: outcome.reverse } : {}),
        }),
    });
    a.channel.attach?.(runner);
    runner.start();
  };
  void begin().catch((err: unknown) =>
    finish({
      ...base,
      size: a.channel.probeSize(),
      startedAt,
      durationMs: 0,
      state: 'failed',
      error: err instanceof Error ? err.message : String(err),
      stats: computeStats([], { duplicates: 0, reordered: 0, late: 0, altered: 0 }),
    }),
  );

  return {
    runId: a.runId,
    cancel: () => {
      cancelled = true;
      runner?.cancel();
    },
    done,
  };
}
