import type { Datagram } from '../io/udp-socket';
import type { EngineContext } from '../context';
import { Mode } from '../../../shared/protocol';
import type { DecodedProbe, ProbeFields } from './echo-probe-format';
import type { EchoPlan } from './echo-request';
import type { EchoChannel } from './echo-run';
import type { EchoRunner } from './echo-runner';
import { PROBE_BACK_LIMITS } from './probe-back';

/** How a Pigeon probe leaves and what it needs of the service: our identity, our socket. */
export interface ProbeSender {
  buildPigeonProbe(command: number, fields: ProbeFields, size: number): Uint8Array;
  sendBytes(bytes: Uint8Array, address: string, port: number): Promise<string | undefined>;
}

/**
 * Probes of a run that may carry the probe-back request: every probe until the responder's
 * cookie (or grant) arrives, so that loss on the way costs a probe's interval, not the test.
 */
export const BACK_REQUESTS = 10;
/** Requests returning the cookie: the first at once, the others while no grant arrived. */
export const FOLLOW_UPS = 5;
export const FOLLOW_UP_RETRY_MS = 250;

/**
 * PIGEON_ECHO through the engine's own socket and identity. With probe back, it also carries
 * the requester's side of the cookie exchange (PROTOCOL.md, "Probe back"): the request rides on
 * the run's probes until the responder answers with a cookie, which goes back at once in a
 * follow-up request (resent while no grant arrives); the grant holds the run open for the
 * probes it announces.
 */
export class PigeonChannel implements EchoChannel {
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
    private readonly svc: ProbeSender,
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
