import { describe, expect, it } from 'vitest';
import type { EchoResult, EchoStats } from '../../../shared/model';
import {
  addRun,
  applyDone,
  applyProgress,
  applySweepStep,
  comparedRuns,
  emptyStats,
  initialSession,
  LOST,
  MAX_RUNS,
  newRun,
  runningRun,
  SEND_ERROR,
  shownRun,
  toggleCompare,
} from './echo-state';
import type { EchoSession, RunParams } from './echo-state';

const params: RunParams = {
  mode: 'pigeon',
  count: 4,
  intervalMs: 100,
  size: 64,
  timeoutMs: 500,
  probeBack: 0,
};
const stats: EchoStats = { ...emptyStats, sent: 3, received: 1, lost: 1, loss: 0.5 };

function withRun(id = 'r1') {
  return addRun(initialSession, newRun(id, '10.0.0.2:2425', 'bob', params, 1));
}

describe('echo session', () => {
  it('records each probe by sequence number; duplicates and reverse probes only count', () => {
    const s = applyProgress(withRun(), {
      runId: 'r1',
      probes: [
        { seq: 0, kind: 'reply', rttMs: 0.8, bytes: 64 },
        { seq: 0, kind: 'duplicate', rttMs: 0.9 },
        { seq: 1, kind: 'lost' },
        { seq: 2, kind: 'error', reason: 'EPERM' },
        { seq: 0, kind: 'reverse', bytes: 64 },
        { seq: 99, kind: 'reply', rttMs: 1, bytes: 64 },
      ],
      stats,
    });
    const run = shownRun(s);
    expect(run?.samples.slice(0, 3)).toEqual([0.8, LOST, SEND_ERROR]);
    expect(Number.isNaN(run?.samples[3])).toBe(true);
    expect(run?.samples).toHaveLength(4);
    expect(run?.stats).toBe(stats);
    expect(runningRun(s)?.runId).toBe('r1');
  });

  it('ignores events of runs it does not know', () => {
    const s = withRun();
    expect(applyProgress(s, { runId: 'other', probes: [], stats })).toBe(s);
  });

  it('ends a run with the engine result', () => {
    const result: EchoResult = {
      runId: 'r1',
      mode: 'pigeon',
      target: { address: '10.0.0.2', port: 2425 },
      count: 4,
      intervalMs: 100,
      timeoutMs: 500,
      size: 71,
      startedAt: 1,
      durationMs: 900,
      state: 'cancelled',
      stats,
    };
    const run = shownRun(applyDone(withRun(), result));
    expect(run).toMatchObject({ state: 'cancelled', durationMs: 900, size: 71, stats });
  });

  it('keeps the newest runs and shows the one just started', () => {
    let s = initialSession;
    for (let i = 0; i < MAX_RUNS + 3; i++) s = addRun(s, newRun(`r${i}`, 'x', null, params, i));
    expect(s.runs).toHaveLength(MAX_RUNS);
    expect(s.runs[0]?.runId).toBe(`r${MAX_RUNS + 2}`);
    expect(shownRun(s)?.runId).toBe(`r${MAX_RUNS + 2}`);
  });

  it('compares at most two runs, the latest picks', () => {
    let s = initialSession;
    for (const id of ['a', 'b', 'c']) s = addRun(s, newRun(id, id, null, params, 0));
    s = toggleCompare(s, 'a');
    expect(comparedRuns(s)).toBeNull();
    s = toggleCompare(s, 'b');
    expect(comparedRuns(s)?.map((r) => r.runId)).toEqual(['a', 'b']);
    s = toggleCompare(s, 'c');
    expect(s.compare).toEqual(['b', 'c']);
    s = toggleCompare(s, 'b');
    expect(s.compare).toEqual(['c']);
    expect(toggleCompare(s, 'nope')).toBe(s);
  });

  it('collects sweep steps only while its sweep runs', () => {
    const step = { size: 1472, passed: true };
    expect(applySweepStep(initialSession, { runId: 'x', step })).toBe(initialSession);
    let s: EchoSession = { ...initialSession, sweep: { state: 'running', to: 'x', startedAt: 0 } };
    s = applySweepStep(s, { runId: 'x', step });
    s = applySweepStep(s, { runId: 'y', step });
    expect(s.sweepSteps).toEqual([step]);
    expect(s.sweepRunId).toBe('x');
  });
});
