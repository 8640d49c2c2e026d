import type { ReachRequest, ReachResult } from '../../../shared/model';
import { Mode } from '../../../shared/protocol';
import { ReachCollector } from './broadcast-reach';
import { newRunId } from './echo-probe-format';
import { refuse } from './echo-request';
import type { EchoService } from './echo-service';

/** Broadcast reach: one probe (or entry) per broadcast target, answers grouped by interface. */
export async function runReach(svc: EchoService, request: ReachRequest = {}): Promise<ReachResult> {
  const runId = newRunId();
  const mode = request.mode ?? 'pigeon';
  const timeoutMs = request.timeoutMs ?? 1500;
  const startedAt = svc.ctx.clock.now();
  const interfaces = svc.system.interfaces();
  const targets = svc.presence.broadcastTargets();
  if (!svc.ctx.isRunning() || (mode !== 'pigeon' && mode !== 'ipmsg') || !(timeoutMs > 0)) {
    const { error, problem } = refuse(
      !svc.ctx.isRunning() ? 'engine-not-running' : 'reach-invalid',
    );
    return {
      runId,
      mode,
      startedAt,
      durationMs: 0,
      state: 'failed',
      error,
      problem,
      targets: [],
      interfaces: [],
      elsewhere: [],
    };
  }
  const port = svc.ctx.settings().port;
  const started = svc.ctx.now();
  const collector = new ReachCollector(targets, svc.ctx.now);
  let finish: () => void = () => undefined;
  const waited = new Promise<void>((resolve) => (finish = resolve));
  const timer = svc.ctx.clock.setTimeout(() => finish(), Math.min(timeoutMs, 30_000));
  svc.runs.set(runId, {
    address: '*',
    cancel: () => {
      svc.ctx.clock.clearTimeout(timer);
      finish();
    },
    ...(mode === 'pigeon'
      ? { onReply: (probe, d) => collector.answer(probe.seq, d.address, d.port) }
      : { onAnsEntry: (d) => collector.answer(undefined, d.address, d.port) }),
  });
  targets.forEach((t, seq) => {
    const bytes =
      mode === 'pigeon'
        ? svc.buildPigeonProbe(Mode.PIGEON_ECHO, { runId, seq, sentUs: svc.ctx.now() * 1000 }, 64)
        : svc.presence.buildEntry();
    collector.sent(seq);
    void svc.ctx.wire.sendBytes(bytes, t, port);
  });
  await waited;
  svc.runs.delete(runId);
  return collector.build({
    runId,
    mode,
    startedAt,
    durationMs: Math.round((svc.ctx.now() - started) * 1000) / 1000,
    interfaces,
    peer: (a, p) => svc.ctx.peers.findByAddress(a, p),
  });
}
