import { describe, expect, it } from 'vitest';
import type { EchoProbeOutcome } from '../../../shared/model';
import { FakeClock } from '../testing/fake-clock';
import { EchoRunner, type EchoRunnerOptions, type RunnerOutcome } from './echo-runner';

/** A runner on a fake clock whose "network" answers each probe after `delay(seq)` ms (or never). */
function setup(
  o: Partial<EchoRunnerOptions> & { delay?: (seq: number) => number | number[] | null } = {},
) {
  const clock = new FakeClock(0);
  const outcomes: EchoProbeOutcome[] = [];
  let done: RunnerOutcome | undefined;
  const progress: number[] = [];
  const runner: EchoRunner = new EchoRunner({
    count: 5,
    intervalMs: 100,
    timeoutMs: 1000,
    clock,
    now: () => clock.now(),
    send: (seq) => {
      const d = o.delay ? o.delay(seq) : 10;
      const delays = Array.isArray(d) ? d : d === null ? [] : [d];
      for (const ms of delays) clock.setTimeout(() => runner.answer(seq, { bytes: 64 }), ms);
      return undefined;
    },
    onProgress: (probes) => {
      outcomes.push(...probes);
      progress.push(clock.now());
    },
    onDone: (r) => (done = r),
    ...o,
  });
  return { clock, runner, outcomes, progress, done: () => done };
}

describe('EchoRunner', () => {
  it('sends count probes interval apart and measures each round trip', async () => {
    const t = setup({ delay: (seq) => 10 + seq });
    t.runner.start();
    await t.clock.advance(1000);
    expect(t.done()?.state).toBe('done');
    expect(t.done()?.stats).toMatchObject({
      sent: 5,
      received: 5,
      lost: 0,
      loss: 0,
      rttMs: { min: 10, max: 14, p50: 12 },
      jitterMs: 1,
    });
    // finished right after the last answer (t = 400 + 14), not at the timeout
    expect(t.done()?.durationMs).toBe(414);
  });

  it('counts a probe lost when its timeout passes, and a later answer as late', async () => {
    const t = setup({ delay: (seq) => (seq === 1 ? 1500 : seq === 3 ? null : 5) });
    t.runner.start();
    await t.clock.advance(3000);
    expect(t.done()?.stats).toMatchObject({ sent: 5, received: 3, lost: 2, loss: 0.4 });
    expect(t.outcomes.filter((o) => o.kind === 'lost').map((o) => o.seq)).toEqual([1, 3]);
    // the run ended at 300 + 1000 (probe 3's timeout); probe 1's answer at 1600 came too late
    expect(t.done()?.durationMs).toBe(1300);
  });

  it('counts duplicates and reordering', async () => {
    // probe 0 answered twice; probe 1 overtaken by probe 2
    const t = setup({
      count: 3,
      intervalMs: 10,
      delay: (seq) => (seq === 0 ? [5, 6] : seq === 1 ? 50 : 5),
    });
    t.runner.start();
    await t.clock.advance(200);
    expect(t.done()?.stats).toMatchObject({ received: 3, duplicates: 1, reordered: 1 });
  });

  it('reports send errors as lost probes with the reason', async () => {
    const clock = new FakeClock(0);
    let done: RunnerOutcome | undefined;
    const outcomes: EchoProbeOutcome[] = [];
    const r = new EchoRunner({
      count: 2,
      intervalMs: 10,
      timeoutMs: 100,
      clock,
      now: () => clock.now(),
      send: () => Promise.resolve('EPERM'),
      onProgress: (p) => outcomes.push(...p),
      onDone: (x) => (done = x),
    });
    r.start();
    await clock.advance(50);
    expect(done?.stats).toMatchObject({ sent: 2, errors: 2, lost: 2, loss: 1 });
    expect(outcomes[0]).toEqual({ seq: 0, kind: 'error', reason: 'EPERM' });
  });

  it('batches progress events at high probe rates', async () => {
    const t = setup({ count: 1000, intervalMs: 1, delay: () => 1, progressEveryMs: 100 });
    t.runner.start();
    await t.clock.advance(2000);
    expect(t.done()?.stats.received).toBe(1000);
    expect(t.outcomes).toHaveLength(1000);
    expect(t.progress.length).toBeLessThanOrEqual(12);
  });

  it('sends sub-millisecond intervals in bursts', async () => {
    const t = setup({ count: 100, intervalMs: 0.1, delay: () => 0 });
    t.runner.start();
    await t.clock.advance(100);
    expect(t.done()?.stats).toMatchObject({ sent: 100, received: 100 });
  });

  it('cancel ends the run and leaves undecided probes out', async () => {
    const t = setup({ count: 10, delay: () => 50 });
    t.runner.start();
    await t.clock.advance(220); // probes 0..2 sent, 0 and 1 answered
    t.runner.cancel();
    expect(t.done()?.state).toBe('cancelled');
    expect(t.done()?.stats).toMatchObject({ sent: 2, received: 2, loss: 0 });
  });

  it('answerLatest gives an unnamed answer to the most recent open probe', async () => {
    const clock = new FakeClock(0);
    let done: RunnerOutcome | undefined;
    const r: EchoRunner = new EchoRunner({
      count: 3,
      intervalMs: 100,
      timeoutMs: 500,
      clock,
      now: () => clock.now(),
      // probe 1 gets no answer; the others are answered after 7 ms without naming the probe
      send: (seq) => {
        if (seq !== 1) clock.setTimeout(() => r.answerLatest({ bytes: 100 }), 7);
        return undefined;
      },
      onDone: (x) => (done = x),
    });
    r.start();
    await clock.advance(1000);
    expect(done?.stats).toMatchObject({ received: 2, lost: 1, rttMs: { min: 7, max: 7 } });
  });

  it('waits for the probes it asked back, and ends early once all arrived', async () => {
    const t = setup({ count: 2, reverseRequested: 3, minDurationMs: 5000 });
    t.runner.start();
    await t.clock.advance(50);
    t.runner.grant(3);
    expect(t.done()).toBeUndefined();
    t.runner.reverseArrived(0, 100);
    t.runner.reverseArrived(0, 100);
    t.runner.reverseArrived(2, 100);
    await t.clock.advance(100);
    expect(t.done()).toBeUndefined();
    t.runner.reverseArrived(1, 100);
    await t.clock.flush();
    expect(t.done()?.reverse).toEqual({
      requested: 3,
      granted: 3,
      received: 3,
      duplicates: 1,
      loss: 0,
    });
  });

  it('reports reverse loss when the window closes', async () => {
    const t = setup({ count: 1, reverseRequested: 4, minDurationMs: 1000 });
    t.runner.start();
    t.runner.grant(4);
    t.runner.reverseArrived(0, 100);
    await t.clock.advance(2000);
    expect(t.done()?.reverse).toMatchObject({ granted: 4, received: 1, loss: 0.75 });
  });

  it('a late grant holds the run open for the probes it announces', async () => {
    const t = setup({ count: 1, reverseRequested: 4, minDurationMs: 1000 });
    t.runner.start();
    await t.clock.advance(900);
    t.runner.holdFor(2000);
    t.runner.grant(4);
    await t.clock.advance(1500);
    expect(t.done()).toBeUndefined();
    t.runner.reverseArrived(0, 100);
    await t.clock.advance(1000);
    expect(t.done()?.durationMs).toBe(2900);
    expect(t.done()?.reverse).toMatchObject({ granted: 4, received: 1, loss: 0.75 });
  });
});
