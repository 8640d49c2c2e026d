import {
  peerId,
  type DeliveryState,
  type FailureCode,
  type OutcomeParams,
} from '../../../shared/model';
import type { Clock } from '../clock';
import { LruMap } from '../lru-map';
import type { Wire } from '../wire';
import { ForgedAcks } from './forged-acks';
import { SentNumbers } from './sent-numbers';

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
  /** To a Pigeon: per datagram, the proof its ack carries (the datagram carried the nonce). */
  proofs?: string[];
  /** The peer said it proves its acks: an ack without the proof never counts as delivered. */
  proofRequired: boolean;
  /** Its datagrams carry its message id (PGID) already: the outbox need not stamp them. */
  stamped?: boolean;
  /**
   * The id a Pigeon is told (PGID) when it is not `messageId`: a held message moved to another
   * peer keeps its first id on the wire (held-messages.ts).
   */
  wireId?: string;
  /**
   * Told each part's packet number just before it first goes out: an offer of files is known
   * by it (the receiver fetches `packetNo:fileID`), so it must be served from that moment.
   */
  numbered?: (part: number, packetNo: number) => void;
  /** Told every delivery state after the conversation has it (the files of an offer follow it). */
  told?: (state: DeliveryState) => void;
}

/** One message on its way, part after part. */
interface Sending {
  item: OutgoingItem;
  /** When its first datagram went out: forged acks from then on (and a retry before) count. */
  since: number;
  /** A part was acked without a proof: whether it was delivered depends on forged acks. */
  unproven: boolean;
}

interface InFlight {
  sending: Sending;
  lane: Lane;
  part: number;
  packetNo: number;
  bytes: Uint8Array;
  attempts: number;
  /** When to resend (or give up), in clock time. */
  due: number;
  /** The proof its ack must carry to be proven, when it went with a nonce. */
  proof: string | undefined;
  /** Only a proven ack counts: the peer proves its acks, or has done so before. */
  proofRequired: boolean;
  /** Acks without the proof it required (none, or a wrong one): counted, never taken. */
  proofless: number;
}

/** A message acked without proof, waiting a moment for forged acks to show before its verdict. */
interface Settling {
  sending: Sending;
  ackedAt: number;
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
/** Message numbers remembered with their address, so a late ack is not taken for a forgery. */
const MAX_SENT_NUMBERS = 4096;
/** Addresses that proved an ack: a proofless ack from them never counts again. */
const MAX_PROVEN = 4096;
/** How long an unproven ack waits for forged acks to show (half the usual retry interval). */
export const ACK_SETTLE_MS = 500;

/**
 * Sends each peer's messages one datagram at a time: iptux drops a SENDMSG whose number is not
 * above the last it saw, so a late retransmission overtaken by the next message would be acked
 * and never shown. Each datagram is resent every `retryMs` up to `maxRetries` times, then the
 * message fails with a reason and the peer's next message goes out.
 *
 * What an ack is worth (SECURITY.md). Acks are matched on the address and the packet number,
 * and our numbers are visible in every packet we send, so anyone can forge one:
 * - A Pigeon answers the nonce of each datagram with a proof (ack-proof.ts): a proven ack
 *   delivers at once, and from a peer that proves its acks nothing else ever counts.
 * - Other clients cannot prove anything. Their messages get numbers after a random gap, so a
 *   forger has to guess, and an ack for a number we never sent to that address is a forgery. An
 *   unproven ack ends the resending at once, but the message is shown `delivered` only if no
 *   forged ack from that address came from a retry interval before it went out until
 *   ACK_SETTLE_MS after the ack; otherwise it is `unconfirmed`.
 *
 * One timer serves every datagram in flight and every verdict waiting: it is armed for the
 * earliest and, when it fires, handles what is due and re-arms. An ack then costs no timer work
 * at all, which matters on a busy LAN where nearly every datagram is acked within a millisecond.
 */
export class DeliveryQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly byPacketNo = new Map<number, InFlight>();
  /** Socket errors per destination (a peer id, "address:port"), for the failure reason. */
  private readonly sendErrors = new Map<string, string>();
  /** Recent message numbers and the address each went to (the last MAX_SENT_NUMBERS). */
  private readonly sentTo = new SentNumbers(MAX_SENT_NUMBERS);
  private readonly proven = new LruMap<string, true>();
  private readonly forged = new ForgedAcks();
  /** Oldest first: every verdict waits the same time. */
  private readonly settling: Settling[] = [];
  private timer: unknown;
  private timerDue = Infinity;

  constructor(
    private readonly deps: {
      clock: Clock;
      wire: Wire;
      retryMs: number;
      maxRetries: number;
      /** See ACK_SETTLE_MS; 0 gives the verdict at the ack. */
      settleMs?: number;
      onState: (item: OutgoingItem, state: DeliveryState) => void;
      /** Each message before it is queued: the one to send, or undefined when held elsewhere. */
      admit?: (item: OutgoingItem) => OutgoingItem | undefined;
    },
  ) {
    deps.wire.onPostError((address, port, message) => this.sendFailed(address, port, message));
  }

  enqueue(offered: OutgoingItem): void {
    const item = this.deps.admit ? this.deps.admit(offered) : offered;
    if (!item) return;
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

  /**
   * A RECVMSG for `packetNo` from `address` (any port: answers may come from another one), with
   * the proof it carried. Returns true when it was taken as the ack of a datagram in flight.
   */
  ack(address: string, packetNo: number, proof?: string): boolean {
    const f = this.byPacketNo.get(packetNo);
    if (!f || f.sending.item.address !== address) {
      // Late acks (a retransmission answered twice) name numbers we did send there. Any other
      // number of this run is a guess at ours, those below our first message too (a forger reads
      // our counter off any packet we send); only an earlier run's numbers are not.
      if (packetNo > this.deps.wire.runFloor() && this.sentTo.addressOf(packetNo) !== address)
        this.forgedFrom(address);
      return false;
    }
    if (f.proof !== undefined && proof === f.proof) {
      this.proven.set(address, true);
      if (this.proven.size > MAX_PROVEN) {
        const oldest = this.proven.oldest();
        if (oldest) this.proven.delete(oldest[0]);
      }
      this.acked(f, true);
      return true;
    }
    // A wrong proof is never the receiver's; no proof from a peer that proves its acks neither.
    const held = f.proofRequired || this.proven.has(address);
    if (proof !== undefined || held) {
      if (held) f.proofless++;
      this.forgedFrom(address);
      return false;
    }
    this.acked(f, false);
    return true;
  }

  /** A send to this destination failed (the socket said why): the reason if it then times out. */
  sendFailed(address: string, port: number, message: string): void {
    if (this.sendErrors.size >= MAX_SEND_ERRORS) this.sendErrors.clear();
    this.sendErrors.set(peerId(address, port), message);
  }

  /** Fail everything (engine stopping); verdicts still waiting are given now. */
  failAll(code: FailureCode, params: OutcomeParams = {}): void {
    this.disarm();
    for (const s of this.settling.splice(0)) this.verdict(s);
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    this.byPacketNo.clear();
    for (const lane of lanes) {
      const f = lane.flight;
      lane.flight = undefined;
      if (f) this.deps.onState(f.sending.item, { state: 'failed', code, params });
      for (const item of lane.waiting) this.deps.onState(item, { state: 'failed', code, params });
      lane.waiting = [];
    }
  }

  /** Takes a peer's waiting messages that `which` picks out of its lane (not the one in flight). */
  takeWaiting(peerId: string, which: (item: OutgoingItem) => boolean): OutgoingItem[] {
    const lane = this.lanes.get(peerId);
    if (!lane) return [];
    const taken = lane.waiting.filter(which);
    if (taken.length > 0) lane.waiting = lane.waiting.filter((item) => !which(item));
    return taken;
  }

  pending(): number {
    let n = this.settling.length;
    for (const lane of this.lanes.values()) n += lane.waiting.length + (lane.flight ? 1 : 0);
    return n;
  }

  private pump(lane: Lane): void {
    const next = lane.waiting.shift();
    if (next)
      this.startPart(lane, { item: next, since: this.deps.clock.now(), unproven: false }, 0);
  }

  private startPart(lane: Lane, sending: Sending, part: number): void {
    const { item } = sending;
    const extra = item.extras[part];
    if (!extra) {
      // Nothing to send (no parts): do not leave the lane blocked behind it.
      this.pump(lane);
      return;
    }
    const proof = item.proofs?.[part];
    const proofRequired =
      proof !== undefined && (item.proofRequired || this.proven.has(item.address));
    // Only a datagram whose ack cannot be proven needs a number that is hard to guess.
    const packetNo = this.deps.wire.nextPacketNo(!proofRequired);
    const { bytes } = this.deps.wire.build(item.command, extra, packetNo);
    const f: InFlight = {
      sending,
      lane,
      part,
      packetNo,
      bytes,
      attempts: 0,
      due: 0,
      proof,
      proofRequired,
      proofless: 0,
    };
    lane.flight = f;
    item.numbered?.(part, packetNo);
    this.byPacketNo.set(packetNo, f);
    this.sentTo.add(packetNo, item.address);
    if (this.sendErrors.size > 0) this.sendErrors.delete(peerId(item.address, item.port));
    this.transmit(f);
  }

  private transmit(f: InFlight): void {
    f.attempts++;
    f.due = this.deps.clock.now() + this.deps.retryMs;
    if (f.due < this.timerDue) this.arm(f.due);
    if (f.part === 0) this.deps.onState(f.sending.item, { state: 'sent', attempts: f.attempts });
    this.deps.wire.post(f.bytes, f.sending.item.address, f.sending.item.port);
  }

  /** The datagram in flight was acked: the next part, or the message's verdict. */
  private acked(f: InFlight, proven: boolean): void {
    this.byPacketNo.delete(f.packetNo);
    f.lane.flight = undefined;
    const { sending } = f;
    if (!proven) sending.unproven = true;
    if (f.part + 1 < sending.item.extras.length) {
      this.startPart(f.lane, sending, f.part + 1);
      return;
    }
    const now = this.deps.clock.now();
    const settleMs = this.deps.settleMs ?? ACK_SETTLE_MS;
    if (!sending.unproven) {
      this.deps.onState(sending.item, { state: 'delivered', at: now });
    } else if (settleMs <= 0 || this.forgedAround(sending) > 0) {
      this.verdict({ sending, ackedAt: now, due: now });
    } else {
      const due = now + settleMs;
      this.settling.push({ sending, ackedAt: now, due });
      if (due < this.timerDue) this.arm(due);
    }
    this.pump(f.lane);
  }

  /** Delivered, unless acks were forged from that address around this one. */
  private verdict(s: Settling): void {
    const { item } = s.sending;
    const forged = this.forgedAround(s.sending);
    this.deps.onState(
      item,
      forged > 0
        ? {
            state: 'unconfirmed',
            at: s.ackedAt,
            code: 'forged-acks',
            params: { peer: item.label, forged },
          }
        : { state: 'delivered', at: s.ackedAt },
    );
  }

  private forgedAround(sending: Sending): number {
    return this.forged.since(sending.item.address, sending.since - this.deps.retryMs);
  }

  private forgedFrom(address: string): void {
    this.forged.add(address, this.deps.clock.now());
  }

  /** The timer: resend or fail what is due, give the verdicts due, then wait for the next. */
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
    while (this.settling.length > 0 && (this.settling[0]?.due ?? Infinity) <= now) {
      const s = this.settling.shift();
      if (s) this.verdict(s);
    }
    next = Math.min(next, this.settling[0]?.due ?? Infinity);
    if (next < this.timerDue) this.arm(next);
  }

  private fail(f: InFlight): void {
    this.byPacketNo.delete(f.packetNo);
    f.lane.flight = undefined;
    const { item } = f.sending;
    const seconds = Math.round((f.attempts * this.deps.retryMs) / 1000);
    // Which part failed matters to programs (the text names the peer, the attempts, the fix).
    const part: OutcomeParams =
      item.extras.length > 1 ? { part: f.part + 1, parts: item.extras.length } : {};
    const error = this.sendErrors.get(peerId(item.address, item.port));
    const state: DeliveryState =
      f.proofless > 0
        ? // Someone acked, but never with the proof: not failed, not delivered either.
          {
            state: 'unconfirmed',
            at: this.deps.clock.now(),
            code: 'no-proof',
            params: { peer: item.label, acks: f.proofless, ...part },
          }
        : error
          ? { state: 'failed', code: 'send-error', params: { peer: item.label, error, ...part } }
          : {
              state: 'failed',
              code: 'no-ack',
              params: {
                peer: item.label,
                attempts: f.attempts,
                seconds,
                port: item.port,
                ...part,
              },
            };
    this.deps.onState(item, state);
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
