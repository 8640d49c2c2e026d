import type { EchoProgress, SweepProgress } from '../../../shared/contract';
import type {
  DoctorReport,
  EchoMode,
  EchoResult,
  EchoReverse,
  EchoStats,
  InterfacesReport,
  ReachResult,
  SweepResult,
  SweepStep,
} from '../../../shared/model';
import { defaultEchoForm } from './echo-form';
import type { EchoForm } from './echo-form';

/**
 * The echo panel's session: runs kept until the window closes, the latest size sweep, broadcast
 * reach and doctor report. Pure functions over immutable snapshots, so they are tested alone.
 */

/** What happened to each probe, by sequence number: a round trip (ms), or one of these. */
export const PENDING = Number.NaN;
export const LOST = -1;
export const SEND_ERROR = -2;

export type Tool = 'echo' | 'sweep' | 'reach' | 'doctor';

export interface RunParams {
  mode: EchoMode;
  count: number;
  intervalMs: number;
  size: number;
  timeoutMs: number;
  probeBack: number;
}

export interface EchoRun {
  runId: string;
  /** What the person asked for, as typed ("192.168.1.31:2425"). */
  to: string;
  /** A peer's nick when the target is a known peer. */
  nick: string | null;
  params: RunParams;
  startedAt: number;
  state: 'running' | EchoResult['state'];
  error: string | null;
  /** Index = sequence number; RTT in ms, LOST, SEND_ERROR or PENDING. */
  samples: readonly number[];
  stats: EchoStats;
  reverse: EchoReverse | null;
  durationMs: number | null;
  /** UDP payload bytes per probe as sent (ipmsg mode: the entry's size). */
  size: number;
}

export type Task<T> =
  | { state: 'idle' }
  | { state: 'running'; to: string; startedAt: number }
  | { state: 'done'; to: string; result: T }
  | { state: 'failed'; to: string; error: string };

export interface EchoSession {
  tool: Tool;
  /** The peer or address every tool works on, as typed. */
  target: string;
  form: EchoForm;
  /** Newest first. */
  runs: readonly EchoRun[];
  /** The run the panel shows; null shows the newest. */
  shownRunId: string | null;
  /** Runs picked for comparison (at most two, in the order picked). */
  compare: readonly string[];
  sweep: Task<SweepResult>;
  /** Steps of the sweep under way (events arrive before the result). */
  sweepSteps: readonly SweepStep[];
  sweepRunId: string | null;
  reach: Task<ReachResult>;
  doctor: Task<DoctorReport>;
  interfaces: InterfacesReport | null;
  redact: boolean;
}

export const MAX_RUNS = 20;

export const emptyStats: EchoStats = {
  sent: 0,
  received: 0,
  lost: 0,
  loss: 0,
  duplicates: 0,
  reordered: 0,
  late: 0,
  errors: 0,
  altered: 0,
  rttMs: null,
  jitterMs: null,
};

export const initialSession: EchoSession = {
  tool: 'echo',
  target: '',
  form: defaultEchoForm,
  runs: [],
  shownRunId: null,
  compare: [],
  sweep: { state: 'idle' },
  sweepSteps: [],
  sweepRunId: null,
  reach: { state: 'idle' },
  doctor: { state: 'idle' },
  interfaces: null,
  redact: true,
};

export function newRun(
  runId: string,
  to: string,
  nick: string | null,
  params: RunParams,
  startedAt: number,
): EchoRun {
  return {
    runId,
    to,
    nick,
    params,
    startedAt,
    state: 'running',
    error: null,
    samples: new Array<number>(params.count).fill(PENDING),
    stats: emptyStats,
    reverse: null,
    durationMs: null,
    size: params.size,
  };
}

/** A started run goes first and is shown; the oldest beyond MAX_RUNS are forgotten. */
export function addRun(s: EchoSession, run: EchoRun): EchoSession {
  const runs = [run, ...s.runs.filter((r) => r.runId !== run.runId)].slice(0, MAX_RUNS);
  const kept = new Set(runs.map((r) => r.runId));
  return {
    ...s,
    runs,
    shownRunId: run.runId,
    compare: s.compare.filter((id) => kept.has(id)),
  };
}

function updateRun(s: EchoSession, runId: string, f: (r: EchoRun) => EchoRun): EchoSession {
  const i = s.runs.findIndex((r) => r.runId === runId);
  const run = s.runs[i];
  if (!run) return s;
  const runs = s.runs.slice();
  runs[i] = f(run);
  return { ...s, runs };
}

export function applyProgress(s: EchoSession, p: EchoProgress): EchoSession {
  return updateRun(s, p.runId, (run) => {
    let samples: number[] | null = null;
    for (const probe of p.probes) {
      const value =
        probe.kind === 'reply'
          ? probe.rttMs
          : probe.kind === 'lost'
            ? LOST
            : probe.kind === 'error'
              ? SEND_ERROR
              : undefined;
      // Duplicates and late answers change only the counters; reverse probes have their own.
      if (value === undefined || probe.seq < 0 || probe.seq >= run.samples.length) continue;
      samples ??= run.samples.slice();
      samples[probe.seq] = value;
    }
    return {
      ...run,
      samples: samples ?? run.samples,
      stats: p.stats,
      reverse: p.reverse ?? run.reverse,
    };
  });
}

export function applyDone(s: EchoSession, r: EchoResult): EchoSession {
  return updateRun(s, r.runId, (run) => ({
    ...run,
    state: r.state,
    error: r.error ?? null,
    stats: r.stats,
    reverse: r.reverse ?? run.reverse,
    durationMs: r.durationMs,
    size: r.size || run.size,
    nick: run.nick ?? r.target.nick ?? null,
  }));
}

export function showRun(s: EchoSession, runId: string): EchoSession {
  return { ...s, shownRunId: runId, tool: 'echo' };
}

/** Ticks a run for comparison; a third pick replaces the first one picked. */
export function toggleCompare(s: EchoSession, runId: string): EchoSession {
  if (s.compare.includes(runId)) return { ...s, compare: s.compare.filter((id) => id !== runId) };
  if (!s.runs.some((r) => r.runId === runId)) return s;
  return { ...s, compare: [...s.compare, runId].slice(-2) };
}

export function shownRun(s: EchoSession): EchoRun | undefined {
  return s.runs.find((r) => r.runId === s.shownRunId) ?? s.runs[0];
}

export function runningRun(s: EchoSession): EchoRun | undefined {
  return s.runs.find((r) => r.state === 'running');
}

export function comparedRuns(s: Pick<EchoSession, 'compare' | 'runs'>): [EchoRun, EchoRun] | null {
  const [a, b] = s.compare.map((id) => s.runs.find((r) => r.runId === id));
  return a && b ? [a, b] : null;
}

export function applySweepStep(s: EchoSession, p: SweepProgress): EchoSession {
  if (s.sweep.state !== 'running') return s;
  if (s.sweepRunId !== null && s.sweepRunId !== p.runId) return s;
  return { ...s, sweepRunId: p.runId, sweepSteps: [...s.sweepSteps, p.step] };
}
