import { SWEEP_LIMITS } from '../../../shared/contract/limits';
import type { SweepRequest, SweepResult } from '../../../shared/model';
import { sweepSizes } from '../../../shared/diagnostics/size-sweep';
import { newRunId } from './echo-probe-format';
import {
  parseTarget,
  RAW_ECHO_DEFAULT_PORT,
  refuse,
  type EchoPlan,
  type Refused,
} from './echo-request';
import type { EchoRunHandle } from './echo-run';
import type { EchoService } from './echo-service';

/**
 * A size sweep: echo runs of growing size until one does not come back, then the largest that
 * did; messages to that peer are then kept under it (the engine's datagram caps).
 */
export async function runSizeSweep(svc: EchoService, request: SweepRequest): Promise<SweepResult> {
  const runId = newRunId();
  const mode = request.mode ?? 'pigeon';
  const target = parseTarget(
    typeof request.to === 'string' ? request.to : '',
    mode === 'raw' ? RAW_ECHO_DEFAULT_PORT : svc.ctx.settings().port,
  );
  const min = request.min ?? 64;
  const max = request.max ?? 8192;
  const tries = request.tries ?? 2;
  const timeoutMs = request.timeoutMs ?? 800;
  const failed = ({ error, problem }: Refused): SweepResult => ({
    runId,
    mode,
    target: target.ok ? target.value : { address: String(request.to), port: 0 },
    state: 'failed',
    error,
    problem,
    largestPassing: null,
    smallestFailing: null,
    path: { interface: null, sourceAddress: null, mtu: null, unfragmentedMax: null },
    fragmented: null,
    steps: [],
    appliedLimit: null,
  });
  if (!target.ok) return failed(target);
  if (mode !== 'pigeon' && mode !== 'raw') return failed(refuse('sweep-mode'));
  // The contract's bounds (SWEEP_LIMITS), checked again for in-process callers.
  const L = SWEEP_LIMITS;
  if (!(
    Number.isInteger(min) &&
    Number.isInteger(max) &&
    min >= L.minSize &&
    min <= max &&
    max <= L.maxSize
  )) {
    return failed(refuse('sweep-sizes', { min: L.minSize, max: L.maxSize }));
  }
  if (!(Number.isInteger(tries) && tries >= 1 && tries <= L.maxTries))
    return failed(refuse('sweep-tries', { max: L.maxTries }));
  if (!(timeoutMs >= L.minTimeoutMs && timeoutMs <= L.maxTimeoutMs))
    return failed(refuse('timeout-out-of-range', { min: L.minTimeoutMs, max: L.maxTimeoutMs }));
  if (mode === 'pigeon' && !svc.ctx.isRunning()) return failed(refuse('engine-not-running'));

  const { address, port } = target.value;
  const route = await svc.system.routeTo(address);
  const mtu = route.interface ? svc.system.linkMtu(route.interface) : null;
  const unfragmentedMax = mtu !== null ? mtu - 28 : null;
  let cancelled = false;
  let current: EchoRunHandle | undefined;
  svc.runs.set(runId, {
    address,
    cancel: () => {
      cancelled = true;
      current?.cancel();
    },
  });
  try {
    const outcome = await sweepSizes({
      min,
      max,
      hints: unfragmentedMax !== null ? [unfragmentedMax, unfragmentedMax + 1] : [1472, 1473],
      cancelled: () => cancelled,
      onStep: (step) => svc.ctx.emit('echo:sweep-progress', { runId, step }),
      probe: async (size) => {
        const plan: EchoPlan = {
          mode,
          address,
          port,
          count: tries,
          intervalMs: 50,
          timeoutMs,
          size,
          probeBack: 0,
        };
        current = svc.launch(plan, newRunId(), false);
        const r = await current.done;
        const intact = r.stats.received - r.stats.altered;
        return {
          passed: intact > 0,
          ...(r.stats.rttMs ? { rttMs: r.stats.rttMs.min } : {}),
        };
      },
    });
    let appliedLimit: number | null = null;
    if (mode === 'pigeon' && (request.apply ?? true) && outcome.largestPassing !== null) {
      appliedLimit = svc.ctx.caps.set(
        address,
        outcome.smallestFailing === null ? undefined : outcome.largestPassing,
      );
    }
    return {
      runId,
      mode,
      target: { address, port },
      state: outcome.cancelled ? 'cancelled' : 'done',
      largestPassing: outcome.largestPassing,
      smallestFailing: outcome.smallestFailing,
      path: {
        interface: route.interface,
        sourceAddress: route.sourceAddress,
        mtu,
        unfragmentedMax,
      },
      fragmented:
        outcome.largestPassing !== null && unfragmentedMax !== null
          ? outcome.largestPassing > unfragmentedMax
          : null,
      steps: outcome.steps,
      appliedLimit,
    };
  } finally {
    svc.runs.delete(runId);
  }
}
