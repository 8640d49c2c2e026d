import type { EchoProgress } from '../../../shared/contract';
import type {
  EchoRequest,
  EchoResult,
  InterfaceInfo,
  ReachRequest,
  ReachResult,
  SweepRequest,
  SweepResult,
} from '../../../shared/model';
import { Mode, type WirePacket } from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { RouteInfo } from '../io/system-probes';
import type { Datagram, DatagramSocket } from '../io/udp-socket';
import type { Presence } from '../presence/presence';
import type { Wire } from '../wire';
import { ReachCollector } from './broadcast-reach';
import {
  decodeProbe,
  encodeProbe,
  isPlainProbe,
  newRunId,
  type DecodedProbe,
  type ProbeFields,
} from './echo-probe-format';
import { parseTarget, planEcho, RAW_ECHO_DEFAULT_PORT, type EchoPlan } from './echo-request';
import { startEchoRun, type EchoChannel, type EchoRunHandle } from './echo-run';
import type { EchoRunner } from './echo-runner';
import { computeStats } from '../../../shared/diagnostics/echo-stats';
import { PROBE_BACK_LIMITS, ProbeBackResponder, type ProbeBackAnswer } from './probe-back';
import { RawEchoChannel, rawBindAddress } from './raw-echo-socket';
import { replyGuard, type ReplyGuard } from './reply-guard';
import { sweepSizes } from '../../../shared/diagnostics/size-sweep';

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
interface ActiveRun {
  address: string;
  onReply?(probe: DecodedProbe, d: Datagram, at: number): void;
  onReverse?(probe: DecodedProbe, d: Datagram): void;
  onAnsEntry?(d: Datagram): void;
  cancel(): void;
}

export type EchoStart =
  | { ok: true; runId: string; done: Promise<EchoResult> }
  | { ok: false; code: 'not-running' | 'invalid-request'; error: string };

/**
 * Probes of a run that may carry the probe-back request: every probe until the responder's
 * cookie (or grant) arrives, so that loss on the way costs a probe's interval, not the test.
 */
const BACK_REQUESTS = 10;
/** Requests returning the cookie: the first at once, the others while no grant arrived. */
const FOLLOW_UPS = 5;
const FOLLOW_UP_RETRY_MS = 250;
const MAX_RECENT = 20;
/**
 * An answer is trimmed to the size of the datagram it answers (our header may be longer than
 * the asker's); when the asker's datagram has too little padding for that, the answer may be
 * larger, but never more than this many times the request: a forged source gets no leverage.
 */
export const MAX_ANSWER_RATIO = 2;
/** How long the facts behind the reply guard (our interfaces) are reused. */
const GUARD_REFRESH_MS = 2000;

export class EchoService {
  private readonly runs = new Map<string, ActiveRun>();
  private readonly responder: ProbeBackResponder;
  private readonly recent: EchoResult[] = [];
  private guard: { at: number; check: ReplyGuard } | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly presence: EchoPresence,
    private readonly system: EchoSystem,
    options: { probeBackLimits?: Partial<typeof PROBE_BACK_LIMITS> } = {},
  ) {
    this.responder = new ProbeBackResponder({
      clock: ctx.clock,
      build: (fields, size) => this.buildPigeonProbe(Mode.PIGEON_ECHO, fields, size),
      openSocket: () => system.openSocket(),
      bindAddress: () => rawBindAddress(ctx.settings().bind),
      ...(options.probeBackLimits ? { limits: options.probeBackLimits } : {}),
    });
  }

  // ---- incoming ------------------------------------------------------------------------------

  /** PIGEON_ECHO: answer it (same extra), answer a probe-back request, or count a reverse probe. */
  onProbe(p: WirePacket, d: Datagram): void {
    if (isPlainProbe(p.extra)) {
      // The common case, kept short: answer with the same bytes at once.
      if (this.ctx.settings().answerEcho && this.mayAnswer(d.address)) this.answer(p.extra, d);
      return;
    }
    const probe = decodeProbe(p.extra);
    if (probe?.reverse) {
      // Sent because we asked: recorded, never answered.
      this.runs.get(probe.runId)?.onReverse?.(probe, d);
      return;
    }
    if (!this.ctx.settings().answerEcho || !this.mayAnswer(d.address)) return;
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

  /** The reply guard, on facts at most GUARD_REFRESH_MS old. */
  private mayAnswer(address: string): boolean {
    const now = this.ctx.clock.now();
    let guard = this.guard;
    if (!guard || now - guard.at >= GUARD_REFRESH_MS || now < guard.at) {
      guard = {
        at: now,
        check: replyGuard({
          interfaces: this.system.interfaces(),
          bound: this.ctx.local().address,
        }),
      };
      this.guard = guard;
    }
    return guard.check(address) === undefined;
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
    if (!planned.ok) return { ok: false, code: 'invalid-request', error: planned.error };
    const plan = planned.value;
    if (plan.mode !== 'raw' && !this.ctx.isRunning()) {
      return { ok: false, code: 'not-running', error: 'Pigeon is not running' };
    }
    const handle = this.launch(plan, newRunId(), true);
    return { ok: true, runId: handle.runId, done: handle.done };
  }

  /** Run to the end; a bad request gives a failed result, never an exception. */
  echo(request: EchoRequest): Promise<EchoResult> {
    const started = this.start(request);
    if (started.ok) return started.done;
    return Promise.resolve(failedResult(request, started.error, this.ctx.clock.now()));
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

  private launch(plan: EchoPlan, runId: string, emit: boolean): EchoRunHandle {
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

  async sweep(request: SweepRequest): Promise<SweepResult> {
    const runId = newRunId();
    const mode = request.mode ?? 'pigeon';
    const target = parseTarget(
      typeof request.to === 'string' ? request.to : '',
      mode === 'raw' ? RAW_ECHO_DEFAULT_PORT : this.ctx.settings().port,
    );
    const min = request.min ?? 64;
    const max = request.max ?? 8192;
    const tries = request.tries ?? 2;
    const timeoutMs = request.timeoutMs ?? 800;
    const failed = (error: string): SweepResult => ({
      runId,
      mode,
      target: target.ok ? target.value : { address: String(request.to), port: 0 },
      state: 'failed',
      error,
      largestPassing: null,
      smallestFailing: null,
      path: { interface: null, sourceAddress: null, mtu: null, unfragmentedMax: null },
      fragmented: null,
      steps: [],
      appliedLimit: null,
    });
    if (!target.ok) return failed(target.error);
    if (mode !== 'pigeon' && mode !== 'raw') return failed('size sweeps need mode pigeon or raw');
    if (!(
      Number.isInteger(min) &&
      Number.isInteger(max) &&
      min >= 1 &&
      min <= max &&
      max <= 65_507
    )) {
      return failed('sizes must be whole numbers with 1 <= min <= max <= 65507');
    }
    if (!(Number.isInteger(tries) && tries >= 1 && tries <= 5)) return failed('tries must be 1..5');
    if (!(timeoutMs >= 10 && timeoutMs <= 10_000)) return failed('timeout must be 10..10000 ms');
    if (mode === 'pigeon' && !this.ctx.isRunning()) return failed('Pigeon is not running');

    const { address, port } = target.value;
    const route = await this.system.routeTo(address);
    const mtu = route.interface ? this.system.linkMtu(route.interface) : null;
    const unfragmentedMax = mtu !== null ? mtu - 28 : null;
    let cancelled = false;
    let current: EchoRunHandle | undefined;
    this.runs.set(runId, {
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
        onStep: (step) => this.ctx.emit('echo:sweep-progress', { runId, step }),
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
          current = this.launch(plan, newRunId(), false);
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
        appliedLimit = this.ctx.caps.set(
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
      this.runs.delete(runId);
    }
  }

  // ---- broadcast reach -----------------------------------------------------------------------

  async reach(request: ReachRequest = {}): Promise<ReachResult> {
    const runId = newRunId();
    const mode = request.mode ?? 'pigeon';
    const timeoutMs = request.timeoutMs ?? 1500;
    const startedAt = this.ctx.clock.now();
    const interfaces = this.system.interfaces();
    const targets = this.presence.broadcastTargets();
    if (!this.ctx.isRunning() || (mode !== 'pigeon' && mode !== 'ipmsg') || !(timeoutMs > 0)) {
      return {
        runId,
        mode,
        startedAt,
        durationMs: 0,
        state: 'failed',
        error: !this.ctx.isRunning() ? 'Pigeon is not running' : 'bad reach request',
        targets: [],
        interfaces: [],
        elsewhere: [],
      };
    }
    const port = this.ctx.settings().port;
    const started = this.ctx.now();
    const collector = new ReachCollector(targets, this.ctx.now);
    let finish: () => void = () => undefined;
    const waited = new Promise<void>((resolve) => (finish = resolve));
    const timer = this.ctx.clock.setTimeout(() => finish(), Math.min(timeoutMs, 30_000));
    this.runs.set(runId, {
      address: '*',
      cancel: () => {
        this.ctx.clock.clearTimeout(timer);
        finish();
      },
      ...(mode === 'pigeon'
        ? { onReply: (probe, d) => collector.answer(probe.seq, d.address, d.port) }
        : { onAnsEntry: (d) => collector.answer(undefined, d.address, d.port) }),
    });
    targets.forEach((t, seq) => {
      const bytes =
        mode === 'pigeon'
          ? this.buildPigeonProbe(
              Mode.PIGEON_ECHO,
              { runId, seq, sentUs: this.ctx.now() * 1000 },
              64,
            )
          : this.presence.buildEntry();
      collector.sent(seq);
      void this.ctx.wire.sendBytes(bytes, t, port);
    });
    await waited;
    this.runs.delete(runId);
    return collector.build({
      runId,
      mode,
      startedAt,
      durationMs: Math.round((this.ctx.now() - started) * 1000) / 1000,
      interfaces,
      peer: (a, p) => this.ctx.peers.findByAddress(a, p),
    });
  }
}

/**
 * PIGEON_ECHO through the engine's own socket and identity. With probe back, it also carries
 * the requester's side of the cookie exchange (PROTOCOL.md, "Probe back"): the request rides on
 * the run's probes until the responder answers with a cookie, which goes back at once in a
 * follow-up request (resent while no grant arrives); the grant holds the run open for the
 * probes it announces.
 */
class PigeonChannel implements EchoChannel {
  private runner: EchoRunner | undefined;
  private lastSize = 0;
  readonly backIntervalMs: number;
  private readonly backSize: number;
  /** Probes that carried the request. */
  private asked = 0;
  private cookie: string | undefined;
  private granted = false;
  private followUps = 0;
  private followUpTimer: unknown;
  private closed = false;

  constructor(
    private readonly svc: EchoService,
    private readonly ctx: Pick<EngineContext, 'clock' | 'now'>,
    private readonly runId: string,
    private readonly plan: EchoPlan,
  ) {
    this.backIntervalMs = Math.min(
      PROBE_BACK_LIMITS.maxIntervalMs,
      Math.max(PROBE_BACK_LIMITS.minIntervalMs, plan.intervalMs),
    );
    this.backSize = Math.min(
      PROBE_BACK_LIMITS.maxSize,
      Math.max(PROBE_BACK_LIMITS.minSize, plan.size),
    );
  }

  probeSize(): number {
    return this.lastSize || this.plan.size;
  }

  attach(runner: EchoRunner): void {
    this.runner = runner;
  }

  close(): void {
    this.closed = true;
    this.stopFollowUps();
  }

  send(seq: number, sentAt: number): Promise<string | undefined> {
    const fields: ProbeFields = { runId: this.runId, seq, sentUs: sentAt * 1000 };
    if (this.wantsRequest()) {
      fields.back = this.backRequest();
      this.asked++;
    }
    const bytes = this.svc.buildPigeonProbe(Mode.PIGEON_ECHO, fields, this.plan.size);
    this.lastSize = bytes.length;
    return this.svc.sendBytes(bytes, this.plan.address, this.plan.port);
  }

  /**
   * Answers are matched by run id, not by address: a machine with two addresses may answer from
   * the other one (its kernel picks the source by route).
   */
  onReply(probe: DecodedProbe, d: Datagram, at: number): void {
    if (probe.granted !== undefined) this.grant(probe.granted);
    else if (probe.cookie !== undefined) this.challenged(probe.cookie);
    // The answer to a follow-up is no measurement: it answers no probe of the run.
    if (probe.proof !== undefined) return;
    this.runner?.answer(probe.seq, { bytes: d.bytes.length, altered: !probe.intact, at });
  }

  onReverse(probe: DecodedProbe, d: Datagram): void {
    // A reverse probe tells the total too, so a lost answer to the request costs nothing.
    if (probe.reverseOf !== undefined) this.grant(probe.reverseOf);
    this.runner?.reverseArrived(probe.seq, d.bytes.length);
  }

  private wantsRequest(): boolean {
    return (
      this.plan.probeBack > 0 &&
      !this.granted &&
      this.cookie === undefined &&
      this.asked < BACK_REQUESTS
    );
  }

  private backRequest(): ProbeFields['back'] {
    return {
      count: this.plan.probeBack,
      intervalMs: Math.round(this.backIntervalMs),
      size: this.backSize,
    };
  }

  private grant(n: number): void {
    if (this.plan.probeBack <= 0 || this.granted) return;
    this.granted = true;
    this.stopFollowUps();
    // The probes announced leave one interval apart from now; the last may take the timeout.
    // Held before the grant is told, or a run past its first window would end at once.
    if (n > 0) this.runner?.holdFor((n - 1) * this.backIntervalMs + this.plan.timeoutMs);
    this.runner?.grant(n);
  }

  private challenged(cookie: string): void {
    // Every request of the run gets the same cookie (until its epoch turns): answer it once,
    // and let the follow-up timer cover loss.
    if (this.plan.probeBack <= 0 || this.granted || cookie === this.cookie) return;
    this.cookie = cookie;
    this.stopFollowUps();
    this.followUp();
  }

  private stopFollowUps(): void {
    if (this.followUpTimer !== undefined) this.ctx.clock.clearTimeout(this.followUpTimer);
    this.followUpTimer = undefined;
  }

  private followUp(): void {
    this.followUpTimer = undefined;
    const cookie = this.cookie;
    if (this.closed || this.granted || cookie === undefined || this.followUps >= FOLLOW_UPS) {
      return;
    }
    const seq = this.followUps++;
    const fields: ProbeFields = {
      runId: this.runId,
      seq,
      sentUs: this.ctx.now() * 1000,
      back: this.backRequest(),
      proof: cookie,
    };
    void this.svc.sendBytes(
      this.svc.buildPigeonProbe(Mode.PIGEON_ECHO, fields, 0),
      this.plan.address,
      this.plan.port,
    );
    this.followUpTimer = this.ctx.clock.setTimeout(() => this.followUp(), FOLLOW_UP_RETRY_MS);
  }
}

/** A unicast BR_ENTRY; every IPMsg client answers ANSENTRY (which names no packet). */
class IpmsgChannel implements EchoChannel {
  private runner: EchoRunner | undefined;
  private lastSize = 0;

  constructor(
    private readonly presence: EchoPresence,
    private readonly wire: Wire,
    private readonly plan: EchoPlan,
  ) {}

  probeSize(): number {
    return this.lastSize;
  }

  attach(runner: EchoRunner): void {
    this.runner = runner;
  }

  send(): Promise<string | undefined> {
    const bytes = this.presence.buildEntry();
    this.lastSize = bytes.length;
    return this.wire.sendBytes(bytes, this.plan.address, this.plan.port);
  }

  onAnsEntry(d: Datagram): void {
    if (d.address === this.plan.address) this.runner?.answerLatest({ bytes: d.bytes.length });
  }
}

function failedResult(request: EchoRequest, error: string, now: number): EchoResult {
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
    error,
    stats: computeStats([], { duplicates: 0, reordered: 0, late: 0, altered: 0 }),
  };
}
