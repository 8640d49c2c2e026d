import type { EchoProgress } from '../../../shared/contract';
import type {
  EchoRequest,
  EchoResult,
  InterfaceInfo,
  Outcome,
  ReachRequest,
  RequestProblemCode,
  ReachResult,
  SweepRequest,
  SweepResult,
} from '../../../shared/model';
import { Mode, type WirePacket } from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { RouteInfo } from '../io/system-probes';
import type { Datagram, DatagramSocket } from '../io/udp-socket';
import type { Presence } from '../presence/presence';
import { runReach } from './reach-run';
import { runSizeSweep } from './size-sweep-run';
import {
  decodeProbe,
  encodeProbe,
  isPlainProbe,
  newRunId,
  type DecodedProbe,
  type ProbeFields,
} from './echo-probe-format';
import { planEcho, refuse, type EchoPlan, type Refused } from './echo-request';
import { startEchoRun, type EchoChannel, type EchoRunHandle } from './echo-run';
import { computeStats } from '../../../shared/diagnostics/echo-stats';
import type { PROBE_BACK_LIMITS } from './probe-back';
import { ProbeBackResponder, type ProbeBackAnswer } from './probe-back';
import { IpmsgChannel } from './ipmsg-channel';
import {
  BACK_REQUESTS,
  FOLLOW_UP_RETRY_MS,
  FOLLOW_UPS,
  PigeonChannel,
  type ProbeSender,
} from './pigeon-channel';
import { RawEchoChannel, rawBindAddress } from './raw-echo-socket';

/** The few system calls echo makes beyond the engine's socket: faked in tests. */
export interface EchoSystem {
  /** A socket of its own (raw mode, probe-back). */
  openSocket(): DatagramSocket;
  interfaces(): InterfaceInfo[];
  routeTo(address: string): Promise<RouteInfo>;
  linkMtu(name: string): number | null;
}

/** What echo needs of presence: our entry (the ipmsg ping) and where broadcasts go. */
export type EchoPresence = Pick<Presence, 'buildEntry' | 'broadcastTargets'>;

/**
 * The engine's echo: answers PIGEON_ECHO (and probe-back requests), runs echo tests in the three
 * modes, size sweeps and broadcast reach, and routes the answers. It holds no socket of its own
 * except the raw mode's and the probe-back sockets, which are opened per run.
 */
export interface ActiveRun {
  address: string;
  onReply?(probe: DecodedProbe, d: Datagram, at: number): void;
  onReverse?(probe: DecodedProbe, d: Datagram): void;
  onAnsEntry?(d: Datagram): void;
  cancel(): void;
}

export type EchoStart =
  | { ok: true; runId: string; done: Promise<EchoResult> }
  | {
      ok: false;
      code: 'not-running' | 'invalid-request';
      error: string;
      problem: Outcome<RequestProblemCode>;
    };

const MAX_RECENT = 20;
/**
 * An answer is trimmed to the size of the datagram it answers (our header may be longer than
 * the asker's); when the asker's datagram has too little padding for that, the answer may be
 * larger, but never more than this many times the request: a forged source gets no leverage.
 */
export const MAX_ANSWER_RATIO = 2;

export class EchoService implements ProbeSender {
  /** Runs under way, by run id: where their answers go (sweeps and reach register here too). */
  readonly runs = new Map<string, ActiveRun>();
  private readonly responder: ProbeBackResponder;
  private readonly recent: EchoResult[] = [];

  constructor(
    readonly ctx: EngineContext,
    readonly presence: EchoPresence,
    readonly system: EchoSystem,
    options: { probeBackLimits?: Partial<typeof PROBE_BACK_LIMITS> } = {},
  ) {
    this.responder = new ProbeBackResponder({
      clock: ctx.clock,
      build: (fields, size) => this.buildPigeonProbe(Mode.PIGEON_ECHO, fields, size),
      openSocket: () => system.openSocket(),
      bindAddress: () => rawBindAddress(ctx.settings().bind),
      onRefused: (address) => ctx.refusals.note('probe-back', address),
      ...(options.probeBackLimits ? { limits: options.probeBackLimits } : {}),
    });
  }

  // ---- incoming ------------------------------------------------------------------------------

  /** PIGEON_ECHO: answer it (same extra), answer a probe-back request, or count a reverse probe. */
  onProbe(p: WirePacket, d: Datagram): void {
    if (isPlainProbe(p.extra)) {
      // The common case, kept short: answer with the same bytes at once.
      if (this.ctx.settings().answerEcho && this.ctx.replies.allows(d.address, d.port))
        this.answer(p.extra, d);
      return;
    }
    const probe = decodeProbe(p.extra);
    if (probe?.reverse) {
      // Sent because we asked: recorded, never answered.
      this.runs.get(probe.runId)?.onReverse?.(probe, d);
      return;
    }
    if (!this.ctx.settings().answerEcho || !this.ctx.replies.allows(d.address, d.port)) return;
    let extra = p.extra;
    if (probe?.back) {
      const answer: ProbeBackAnswer = this.responder.handle(
        probe.back,
        probe.runId,
        d,
        probe.proof,
      );
      // The answer names the run, the probe and the proof it answers, plus a cookie or the
      // grant; the request's own flags stay out, so the answer is never longer than the request
      // for their sake. Same length as the request where the header allows (size sweeps).
      const { runId, seq, sentUs, proof } = probe;
      extra = encodeProbe(
        { runId, seq, sentUs, ...(proof !== undefined ? { proof } : {}), ...answer },
        p.extra.length,
      );
    }
    this.answer(extra, d);
  }

  /** PIGEON_ECHO_REPLY with `extra`, no bigger than the request where its padding allows. */
  private answer(extra: Uint8Array, d: Datagram): void {
    const wire = this.ctx.wire;
    const built = wire.build(Mode.PIGEON_ECHO_REPLY, extra);
    let bytes = built.bytes;
    const excess = bytes.length - d.bytes.length;
    if (excess > 0) {
      // Padding is ours to drop: the answer stays a valid, intact probe, just shorter.
      const keep = Math.max(
        decodeProbe(extra)?.headerLength ?? extra.length,
        extra.length - excess,
      );
      if (keep < extra.length) {
        bytes = wire.build(Mode.PIGEON_ECHO_REPLY, extra.subarray(0, keep), built.packetNo).bytes;
      }
    }
    if (bytes.length > MAX_ANSWER_RATIO * d.bytes.length) return;
    wire.post(bytes, d.address, d.port);
  }

  /** When the datagram being handled arrived (set by the engine before it parses further). */
  private arrivedAt: number | undefined;

  noteArrival(at: number): void {
    this.arrivedAt = at;
  }

  onReply(p: WirePacket, d: Datagram): void {
    const at = this.arrivedAt ?? this.ctx.now();
    this.arrivedAt = undefined;
    const probe = decodeProbe(p.extra);
    if (!probe) return;
    this.runs.get(probe.runId)?.onReply?.(probe, d, at);
  }

  /** Every ANSENTRY: the answer to an ipmsg ping (or to a broadcast entry). */
  onAnsEntry(d: Datagram): void {
    for (const run of this.runs.values()) run.onAnsEntry?.(d);
  }

  // ---- echo runs -----------------------------------------------------------------------------

  /** Start a run; progress and the result arrive as 'echo-progress' and 'echo-done' events. */
  start(request: EchoRequest): EchoStart {
    const planned = planEcho(request, this.ctx.settings().port);
    if (!planned.ok) return { ...planned, code: 'invalid-request' };
    const plan = planned.value;
    if (plan.mode !== 'raw' && !this.ctx.isRunning()) {
      return { ...refuse('engine-not-running'), code: 'not-running' };
    }
    const handle = this.launch(plan, newRunId(), true);
    return { ok: true, runId: handle.runId, done: handle.done };
  }

  /** Run to the end; a bad request gives a failed result, never an exception. */
  echo(request: EchoRequest): Promise<EchoResult> {
    const started = this.start(request);
    if (started.ok) return started.done;
    return Promise.resolve(failedResult(request, started, this.ctx.clock.now()));
  }

  cancel(runId: string): boolean {
    const run = this.runs.get(runId);
    if (!run) return false;
    run.cancel();
    return true;
  }

  /** The last few finished runs, newest last (for the diagnostics bundle). */
  results(): EchoResult[] {
    return [...this.recent];
  }

  stop(): void {
    for (const run of [...this.runs.values()]) run.cancel();
    this.responder.stop();
  }

  /** The largest datagram that gets there and back (size-sweep-run.ts). */
  sweep(request: SweepRequest): Promise<SweepResult> {
    return runSizeSweep(this, request);
  }

  /** Who answers a broadcast, per interface (reach-run.ts). */
  reach(request: ReachRequest = {}): Promise<ReachResult> {
    return runReach(this, request);
  }

  /** Starts one run; `emit`: tell listeners (a sweep's own probe runs are not told). */
  launch(plan: EchoPlan, runId: string, emit: boolean): EchoRunHandle {
    const peer = this.ctx.peers.findByAddress(plan.address, plan.port);
    const target = {
      address: plan.address,
      port: plan.port,
      ...(peer ? { peerId: peer.id, nick: peer.nick } : {}),
    };
    const run: ActiveRun = { address: plan.address, cancel: () => undefined };
    let channel: EchoChannel;
    let minDurationMs = 0;
    if (plan.mode === 'pigeon') {
      const c = new PigeonChannel(this, this.ctx, runId, plan);
      run.onReply = (probe, d, at) => c.onReply(probe, d, at);
      run.onReverse = (probe, d) => c.onReverse(probe, d);
      channel = c;
      if (plan.probeBack > 0) {
        // Long enough for the request, the cookie's round trip and its follow-ups; a grant
        // then holds the run open for the probes it announced (PigeonChannel).
        const asking = Math.min(BACK_REQUESTS, plan.count) - 1;
        minDurationMs = asking * plan.intervalMs + FOLLOW_UPS * FOLLOW_UP_RETRY_MS + plan.timeoutMs;
      }
    } else if (plan.mode === 'ipmsg') {
      const c = new IpmsgChannel(this.presence, this.ctx.wire, plan);
      run.onAnsEntry = (d) => c.onAnsEntry(d);
      channel = c;
    } else {
      channel = new RawEchoChannel({
        runId,
        address: plan.address,
        port: plan.port,
        size: plan.size,
        bind: rawBindAddress(this.ctx.settings().bind),
        openSocket: () => this.system.openSocket(),
      });
    }
    if (emit) {
      // Before any progress: every window (not only the one that asked) shows the run.
      this.ctx.emit('echo:started', {
        runId,
        target,
        mode: plan.mode,
        count: plan.count,
        intervalMs: plan.intervalMs,
        timeoutMs: plan.timeoutMs,
        size: plan.size,
        probeBack: plan.probeBack,
        startedAt: this.ctx.clock.now(),
      });
    }
    const handle = startEchoRun({
      runId,
      plan,
      target,
      channel,
      clock: this.ctx.clock,
      now: this.ctx.now,
      ...(emit
        ? {
            onProgress: (p: EchoProgress) => this.ctx.emit('echo:progress', p),
            onDone: (r: EchoResult) => this.ctx.emit('echo:done', r),
          }
        : {}),
      ...(minDurationMs ? { minDurationMs } : {}),
      ...(plan.probeBack ? { reverseRequested: plan.probeBack } : {}),
    });
    run.cancel = () => handle.cancel();
    this.runs.set(runId, run);
    void handle.done.then((result) => {
      this.runs.delete(runId);
      if (emit) {
        this.recent.push(result);
        if (this.recent.length > MAX_RECENT) this.recent.shift();
      }
    });
    return handle;
  }

  /** An IPMsg PIGEON_ECHO(_REPLY) datagram of exactly `size` bytes (or its bare minimum). */
  buildPigeonProbe(command: number, fields: ProbeFields, size: number): Uint8Array {
    const core = encodeProbe(fields);
    const first = this.ctx.wire.build(command, core);
    const pad = size - first.bytes.length;
    if (pad <= 0) return first.bytes;
    return this.ctx.wire.build(command, encodeProbe(fields, core.length + pad), first.packetNo)
      .bytes;
  }

  sendBytes(bytes: Uint8Array, address: string, port: number): Promise<string | undefined> {
    return this.ctx.wire.sendBytes(bytes, address, port);
  }

  // ---- size sweep ----------------------------------------------------------------------------

  // ---- broadcast reach -----------------------------------------------------------------------
}

function failedResult(request: EchoRequest, refused: Refused, now: number): EchoResult {
  return {
    runId: '',
    mode: request.mode ?? 'pigeon',
    target: { address: typeof request.to === 'string' ? request.to : '', port: 0 },
    count: request.count ?? 0,
    intervalMs: request.intervalMs ?? 0,
    timeoutMs: request.timeoutMs ?? 0,
    size: 0,
    startedAt: now,
    durationMs: 0,
    state: 'failed',
    error: refused.error,
    problem: refused.problem,
    stats: computeStats([], { duplicates: 0, reordered: 0, late: 0, altered: 0 }),
  };
}
