import {
  peerId,
  type DeliveryState,
  type FailureCode,
  type OutcomeParams,
} from '../../../shared/model';
import type { Clock } from '../clock';
import type { Wire } from '../wire';

/** One outgoing message to one peer, already encoded into datagram extras (one per part). */
export interface OutgoingItem {
  messageId: string;
  peerId: string;
  address: string;
  port: number;
  /** Who it is for, as failure texts name them ("nick (address)"). */
  label: string;
  command: number;
  extras: Uint8Array[];
}

interface InFlight {
  item: OutgoingItem;
  lane: Lane;
  part: number;
  packetNo: number;
  bytes: Uint8Array;
  attempts: number;
  /** When to resend (or give up), in clock time. */
  due: number;
}

/** One peer's messages: the datagram in flight and those waiting behind it. */
interface Lane {
  waiting: OutgoingItem[];
  flight: InFlight | undefined;
}

/** Idle lanes are kept for the next message to the same peer; past this many they are pruned. */
const MAX_IDLE_LANES = 256;
/** Socket errors remembered for failure reasons; past this many the old ones are dropped. */
const MAX_SEND_ERRORS = 256;

/**
 * Sends each peer's messages one datagram at a time: iptux drops a SENDMSG whose number is not
 * above the last it saw, so a late retransmission overtaken by the next message would be acked
 * and never shown. Each datagram is resent every `retryMs` up to `maxRetries` times, then the
 * message fails with a reason and the peer's next message goes out.
 *
 * One timer serves every datagram in flight: it is armed for the earliest resend and, when it
 * fires, resends what is due and re-arms. An ack then costs no timer work at all, which matters
 * on a busy LAN where nearly every datagram is acked within a millisecond.
 */
export class DeliveryQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly byPacketNo = new Map<number, InFlight>();
  /** Socket errors per destination (a peer id, "address:port"), for the failure reason. */
  private readonly sendErrors = new Map<string, string>();
  private timer: unknown;
  private timerDue = Infinity;

  constructor(
    private readonly deps: {
      clock: Clock;
      wire: Wire;
      retryMs: number;
      maxRetries: number;
      onState: (item: OutgoingItem, state: DeliveryState) => void;
    },
  ) {
    deps.wire.onPostError((address, port, message) => this.sendFailed(address, port, message));
  }

  enqueue(item: OutgoingItem): void {
    let lane = this.lanes.get(item.peerId);
    if (!lane) {
      if (this.lanes.size >= MAX_IDLE_LANES) this.pruneIdleLanes();
      lane = { waiting: [], flight: undefined };
      this.lanes.set(item.peerId, lane);
    }
    // Its 'queued' state was told with the message itself (chat:message): no update for it.
    lane.waiting.push(item);
    if (!lane.flight) this.pump(lane);
  }

  /** A RECVMSG for `packetNo` from `address`. Returns true when it matched something in flight. */
  ack(address: string, packetNo: number): boolean {
    const f = this.byPacketNo.get(packetNo);
    if (!f || f.item.address !== address) return false;
    this.byPacketNo.delete(packetNo);
    f.lane.flight = undefined;
    if (f.part + 1 < f.item.extras.length) {
      this.startPart(f.lane, f.item, f.part + 1);
    } else {
      this.deps.onState(f.item, { state: 'delivered', at: this.deps.clock.now() });
      this.pump(f.lane);
    }
    return true;
  }

  /** A send to this destination failed (the socket said why): the reason if it then times out. */
  sendFailed(address: string, port: number, message: string): void {
    if (this.sendErrors.size >= MAX_SEND_ERRORS) this.sendErrors.clear();
    this.sendErrors.set(peerId(address, port), message);
  }

  /** Fail everything (engine stopping). */
  failAll(code: FailureCode, params: OutcomeParams = {}): void {
    this.disarm();
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    this.byPacketNo.clear();
    for (const lane of lanes) {
      const f = lane.flight;
      lane.flight = undefined;
      if (f) this.deps.onState(f.item, { state: 'failed', code, params });
      for (const item of lane.waiting) this.deps.onState(item, { state: 'failed', code, params });
      lane.waiting = [];
    }
  }

  pending(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.waiting.length + (lane.flight ? 1 : 0);
    return n;
  }

  private pump(lane: Lane): void {
    const next = lane.waiting.shift();
    if (next) this.startPart(lane, next, 0);
  }

  private startPart(lane: Lane, item: OutgoingItem, part: number): void {
    const extra = item.extras[part];
    if (!extra) {
      // Nothing to send (no parts): do not leave the lane blocked behind it.
      this.pump(lane);
      return;
    }
    const { packetNo, bytes } = this.deps.wire.build(item.command, extra);
    const f: InFlight = { item, lane, part, packetNo, bytes, attempts: 0, due: 0 };
    lane.flight = f;
    this.byPacketNo.set(packetNo, f);
    if (this.sendErrors.size > 0) this.sendErrors.delete(peerId(item.address, item.port));
    this.transmit(f);
  }

  private transmit(f: InFlight): void {
    f.attempts++;
    f.due = this.deps.clock.now() + this.deps.retryMs;
    if (f.due < this.timerDue) this.arm(f.due);
    if (f.part === 0) this.deps.onState(f.item, { state: 'sent', attempts: f.attempts });
    this.deps.wire.post(f.bytes, f.item.address, f.item.port);
  }

  /** The retry timer: resend or fail what is due, then wait for the next one. */
  private onTimer(): void {
    // The timer firing means its moment has come, whatever the wall clock says now: if the
    // clock was set back (NTP, a user), due times taken before would otherwise lie far ahead.
    const now = Math.max(this.deps.clock.now(), this.timerDue);
    this.timer = undefined;
    this.timerDue = Infinity;
    const due: InFlight[] = [];
    let next = Infinity;
    for (const f of this.byPacketNo.values()) {
      if (f.due <= now) due.push(f);
      else if (f.due < next) next = f.due;
    }
    // Handled in the order they went out: a peer's failure must not overtake another's resend.
    for (const f of due) {
      if (this.byPacketNo.get(f.packetNo) !== f) continue;
      if (f.attempts <= this.deps.maxRetries) this.transmit(f);
      else this.fail(f);
    }
    if (next < this.timerDue && this.byPacketNo.size > 0) this.arm(next);
  }

  private fail(f: InFlight): void {
    this.byPacketNo.delete(f.packetNo);
    f.lane.flight = undefined;
    const seconds = Math.round((f.attempts * this.deps.retryMs) / 1000);
    // Which part failed matters to programs (the text names the peer, the attempts, the fix).
    const part: OutcomeParams =
      f.item.extras.length > 1 ? { part: f.part + 1, parts: f.item.extras.length } : {};
    const error = this.sendErrors.get(peerId(f.item.address, f.item.port));
    const state: DeliveryState = error
      ? { state: 'failed', code: 'send-error', params: { peer: f.item.label, error, ...part } }
      : {
          state: 'failed',
          code: 'no-ack',
          params: {
            peer: f.item.label,
            attempts: f.attempts,
            seconds,
            port: f.item.port,
            ...part,
          },
        };
    this.deps.onState(f.item, state);
    this.pump(f.lane);
  }

  private arm(at: number): void {
    this.disarm();
    this.timerDue = at;
    this.timer = this.deps.clock.setTimeout(
      () => this.onTimer(),
      Math.max(0, at - this.deps.clock.now()),
    );
  }

  private disarm(): void {
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }

  private pruneIdleLanes(): void {
    for (const [id, lane] of this.lanes) {
      if (!lane.flight && lane.waiting.length === 0) this.lanes.delete(id);
    }
  }
}
