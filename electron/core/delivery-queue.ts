import type { DeliveryState, FailureCode } from '../../shared/model';
import type { Clock } from './clock';
import type { Wire } from './wire';

/** One outgoing message to one peer, already encoded into datagram extras (one per part). */
export interface OutgoingItem {
  messageId: string;
  peerId: string;
  address: string;
  port: number;
  /** Shown in failure reasons. */
  label: string;
  command: number;
  extras: Uint8Array[];
}

interface InFlight {
  item: OutgoingItem;
  part: number;
  packetNo: number;
  bytes: Uint8Array;
  attempts: number;
  lastError: string | undefined;
  timer: unknown;
}

/**
 * Sends each peer's messages one datagram at a time: iptux drops a SENDMSG whose number is not
 * above the last it saw, so a late retransmission overtaken by the next message would be acked
 * and never shown. Each datagram is resent every `retryMs` up to `maxRetries` times, then the
 * message fails with a reason and the peer's next message goes out.
 */
export class DeliveryQueue {
  private readonly queues = new Map<string, OutgoingItem[]>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly byPacketNo = new Map<number, string>();

  constructor(
    private readonly deps: {
      clock: Clock;
      wire: Wire;
      retryMs: number;
      maxRetries: number;
      onState: (item: OutgoingItem, state: DeliveryState) => void;
    },
  ) {}

  enqueue(item: OutgoingItem): void {
    let q = this.queues.get(item.peerId);
    if (!q) this.queues.set(item.peerId, (q = []));
    q.push(item);
    this.deps.onState(item, { state: 'queued' });
    if (!this.inFlight.has(item.peerId)) this.pump(item.peerId);
  }

  /** A RECVMSG for `packetNo` from `address`. Returns true when it matched something in flight. */
  ack(address: string, packetNo: number): boolean {
    const peerId = this.byPacketNo.get(packetNo);
    if (!peerId) return false;
    const f = this.inFlight.get(peerId);
    if (!f || f.packetNo !== packetNo || f.item.address !== address) return false;
    this.deps.clock.clearTimeout(f.timer);
    this.byPacketNo.delete(packetNo);
    this.inFlight.delete(peerId);
    if (f.part + 1 < f.item.extras.length) {
      this.startPart(f.item, f.part + 1);
    } else {
      this.deps.onState(f.item, { state: 'delivered', at: this.deps.clock.now() });
      this.pump(peerId);
    }
    return true;
  }

  /** Fail everything (engine stopping). */
  failAll(code: FailureCode, reason: string): void {
    for (const [peerId, f] of this.inFlight) {
      this.deps.clock.clearTimeout(f.timer);
      this.deps.onState(f.item, { state: 'failed', code, reason });
      this.inFlight.delete(peerId);
    }
    this.byPacketNo.clear();
    for (const q of this.queues.values()) {
      for (const item of q) this.deps.onState(item, { state: 'failed', code, reason });
    }
    this.queues.clear();
  }

  pending(): number {
    let n = this.inFlight.size;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  private pump(peerId: string): void {
    const q = this.queues.get(peerId);
    const next = q?.shift();
    if (q && q.length === 0) this.queues.delete(peerId);
    if (next) this.startPart(next, 0);
  }

  private startPart(item: OutgoingItem, part: number): void {
    const extra = item.extras[part];
    if (!extra) return;
    const { packetNo, bytes } = this.deps.wire.build(item.command, extra);
    const f: InFlight = {
      item,
      part,
      packetNo,
      bytes,
      attempts: 0,
      lastError: undefined,
      timer: undefined,
    };
    this.inFlight.set(item.peerId, f);
    this.byPacketNo.set(packetNo, item.peerId);
    this.transmit(f);
  }

  private transmit(f: InFlight): void {
    f.attempts++;
    f.timer = this.deps.clock.setTimeout(() => this.timeout(f), this.deps.retryMs);
    if (f.part === 0) this.deps.onState(f.item, { state: 'sent', attempts: f.attempts });
    this.deps.wire.post(f.bytes, f.item.address, f.item.port, (error) => {
      f.lastError = error;
    });
  }

  private timeout(f: InFlight): void {
    if (this.inFlight.get(f.item.peerId) !== f) return;
    if (f.attempts <= this.deps.maxRetries) {
      this.transmit(f);
      return;
    }
    this.inFlight.delete(f.item.peerId);
    this.byPacketNo.delete(f.packetNo);
    const seconds = Math.round((f.attempts * this.deps.retryMs) / 1000);
    const partNote =
      f.item.extras.length > 1 ? ` (part ${f.part + 1} of ${f.item.extras.length})` : '';
    const state: DeliveryState = f.lastError
      ? {
          state: 'failed',
          code: 'send-error',
          reason: `could not send to ${f.item.label}${partNote}: ${f.lastError}`,
        }
      : {
          state: 'failed',
          code: 'no-ack',
          reason: `no acknowledgement from ${f.item.label}${partNote} after ${f.attempts} attempts in ${seconds} s: they may be offline, or a firewall drops UDP ${f.item.port}`,
        };
    this.deps.onState(f.item, state);
    this.pump(f.item.peerId);
  }
}
