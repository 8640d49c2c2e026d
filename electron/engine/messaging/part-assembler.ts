import type { IncompleteText } from '../../../shared/model';
import type { MessagePart } from '../../../shared/protocol';
import type { HeldPart } from '../history/part-store';
import type { SeenKey } from '../history/store';
import { ASSEMBLY_BUDGET, textBytes } from './budgets';

interface Assembly {
  peerId: string;
  partId: string;
  count: number;
  /**
   * By index, as they arrive: a forger declaring 10,000 parts must not make one small datagram
   * allocate 10,000 slots, nor giving up on it walk them.
   */
  parts: Map<number, string>;
  received: number;
  /** What it holds: its slots, its record, the parts that arrived (see ASSEMBLY_BUDGET). */
  bytes: number;
  startedAt: number;
}

/** The bounds in force; ASSEMBLY_BUDGET's by default (tests shrink them). */
export interface AssemblyLimits {
  perMessageBytes: number;
  perPeerOpen: number;
  open: number;
  totalBytes: number;
  maxAgeMs: number;
}

/**
 * Where held parts are committed before they are acked (history/part-store.ts): `hold` throws
 * when it cannot, `finish` runs in the transaction that stores the parts' message.
 */
export interface PartLog {
  hold(
    peerId: string,
    part: MessagePart,
    text: string,
    startedAt: number,
    seen: SeenKey | undefined,
  ): void;
  finish(peerId: string, partId: string, at: number): void;
  all(): HeldPart[];
}

/**
 * Stores a message made of parts: `incomplete` says what was missing, if anything; `also` (the
 * parts leaving the log) must run in the transaction that stores it. True once it is stored.
 */
export type Keep = (
  text: string,
  incomplete: IncompleteText | undefined,
  also: (() => void) | undefined,
) => boolean;

/** A message given up on: the parts that arrived, in order, and how many there were to be. */
export type Release = (
  peerId: string,
  text: string,
  incomplete: IncompleteText,
  also: (() => void) | undefined,
) => boolean;

/**
 * What became of a part: held for its message (committed first, when there is a log), its
 * message stored (whole, or shown alone when not even it fits a budget), or refused: nothing
 * kept, so it must not be acked (its sender will send it again).
 */
export type AddOutcome = 'held' | 'stored' | 'refused';

/**
 * Joins the parts of a long message from a Pigeon peer (PGPART sections) back into one text.
 * Bounded in bytes per message, open messages per peer and in all, bytes in all, and age: a
 * message that would go past a bound, that is pushed out by a newer one or that stops getting
 * parts is released through `release` with what arrived and how much was missing, so that it
 * is shown marked incomplete instead of lost unseen.
 *
 * With a log (the history's parts table), every part is committed before it is held, and so
 * before its ack: a kill -9 loses no part we acknowledged, and `restore` opens the messages
 * again at the next start. A message leaves the log in the transaction that stores it. When
 * the room a part needs cannot be made (the message to release could not be stored: the
 * history is full or failing), or the log cannot take it, the part is refused, not acked,
 * rather than acked and lost; a message that could not be released stays open, and is tried
 * again at the next sweep.
 */
export class PartAssembler {
  /** By "peerId/id", oldest first. */
  private readonly open = new Map<string, Assembly>();
  private readonly openPerPeer = new Map<string, number>();
  private bytes = 0;
  private readonly limits: AssemblyLimits;

  constructor(
    private readonly release: Release,
    limits: Partial<AssemblyLimits> = {},
    private readonly log?: PartLog,
  ) {
    this.limits = { ...ASSEMBLY_BUDGET, ...limits };
  }

  /** Bytes held by every open message together (for tests and diagnostics). */
  held(): { open: number; bytes: number } {
    return { open: this.open.size, bytes: this.bytes };
  }

  /**
   * Opens again the messages whose parts the log holds (a previous run's). Their timeout starts
   * now: their senders could not reach us while we were down. Returns the parts restored.
   */
  restore(now: number): number {
    let restored = 0;
    for (const p of this.log?.all() ?? []) {
      if (p.index >= p.count) continue;
      const key = `${p.peerId}/${p.partId}`;
      const a = this.open.get(key) ?? this.begin(key, p.peerId, p.partId, p.count, now);
      if (a.count !== p.count || a.parts.has(p.index)) continue;
      this.put(a, p.index, p.text);
      restored++;
    }
    return restored;
  }

  /**
   * Takes a part. `keep` stores a message this part completes (or shows alone); `seen` is the
   * duplicate filter's key, committed with the part.
   */
  add(
    peerId: string,
    part: MessagePart,
    text: string,
    now: number,
    keep: Keep,
    seen?: SeenKey,
  ): AddOutcome {
    const key = `${peerId}/${part.id}`;
    const cost = ASSEMBLY_BUDGET.partOverhead + textBytes(text.length);
    let a = this.open.get(key);
    // A copy of a part we hold (our ack was lost, or the outbox sent the message again).
    if (a && a.count === part.count && a.parts.has(part.index)) return 'held';
    // Another message under the same id, or one that this part would take past its budget:
    // what the old one has is shown as it is, and this part starts afresh.
    if (a && (a.count !== part.count || a.bytes + cost > this.limits.perMessageBytes)) {
      if (!this.giveUp(key, a, now)) return 'refused';
      a = undefined;
    }
    if (a && a.received + 1 === a.count) {
      // The last part: stored whole, its parts leaving the log in the same transaction.
      let whole = '';
      for (let i = 0; i < a.count; i++) whole += i === part.index ? text : (a.parts.get(i) ?? '');
      if (!keep(whole, undefined, this.finisher(a, now))) return 'refused';
      this.close(key, a);
      return 'stored';
    }
    if (!a) {
      if (part.count === 1) return keep(text, undefined, undefined) ? 'stored' : 'refused';
      // Not even the first part fits (a part cannot be larger than a datagram, so only with
      // budgets far below the defaults): shown alone, marked.
      if (ASSEMBLY_BUDGET.assemblyOverhead + cost > this.limits.perMessageBytes)
        return keep(text, { received: 1, total: part.count }, undefined) ? 'stored' : 'refused';
      if (!this.roomForMessage(peerId, now)) return 'refused';
    }
    // Over the total: the oldest others give way.
    const grows = cost + (a ? 0 : ASSEMBLY_BUDGET.assemblyOverhead);
    for (const [k, other] of this.open) {
      if (this.bytes + grows <= this.limits.totalBytes) break;
      if (other !== a && !this.giveUp(k, other, now)) return 'refused';
    }
    // Committed before it is held, and so before its ack. Throws when the log cannot take it.
    this.log?.hold(peerId, part, text, a?.startedAt ?? now, seen);
    a ??= this.begin(key, peerId, part.id, part.count, now);
    this.put(a, part.index, text);
    return 'held';
  }

  /** Releases the messages whose parts stopped coming more than maxAge ago. */
  expire(now: number): void {
    for (const [key, a] of this.open) {
      // One that cannot be stored now stays open, and is tried again at the next sweep.
      if (now - a.startedAt >= this.limits.maxAgeMs) this.giveUp(key, a, now);
    }
  }

  /** Room for one more open message of this peer, and in all; false if it cannot be made. */
  private roomForMessage(peerId: string, now: number): boolean {
    if ((this.openPerPeer.get(peerId) ?? 0) >= this.limits.perPeerOpen) {
      // The peer's oldest open message goes (a scan of at most `open` entries, once per
      // message, not per part).
      for (const [k, other] of this.open) {
        if (other.peerId === peerId) {
          if (!this.giveUp(k, other, now)) return false;
          break;
        }
      }
    }
    if (this.open.size >= this.limits.open) {
      const oldest = this.oldest();
      if (oldest && !this.giveUp(oldest[0], oldest[1], now)) return false;
    }
    return true;
  }

  private begin(key: string, peerId: string, partId: string, count: number, now: number): Assembly {
    const bytes = ASSEMBLY_BUDGET.assemblyOverhead;
    const a: Assembly = {
      peerId,
      partId,
      count,
      parts: new Map(),
      received: 0,
      bytes,
      startedAt: now,
    };
    this.open.set(key, a);
    this.openPerPeer.set(peerId, (this.openPerPeer.get(peerId) ?? 0) + 1);
    this.bytes += bytes;
    return a;
  }

  private put(a: Assembly, index: number, text: string): void {
    const cost = ASSEMBLY_BUDGET.partOverhead + textBytes(text.length);
    a.parts.set(index, text);
    a.received++;
    a.bytes += cost;
    this.bytes += cost;
  }

  private oldest(): [string, Assembly] | undefined {
    for (const entry of this.open) return entry;
    return undefined;
  }

  private close(key: string, a: Assembly): void {
    this.open.delete(key);
    this.bytes -= a.bytes;
    const left = (this.openPerPeer.get(a.peerId) ?? 1) - 1;
    if (left > 0) this.openPerPeer.set(a.peerId, left);
    else this.openPerPeer.delete(a.peerId);
  }

  /** What takes a message's parts out of the log, in the transaction that stores it. */
  private finisher(a: Assembly, now: number): (() => void) | undefined {
    const log = this.log;
    return log ? () => log.finish(a.peerId, a.partId, now) : undefined;
  }

  /**
   * Shown as it is: the parts that arrived, in order, marked with how many there were to be.
   * False when it could not be stored: it stays open then, nothing lost.
   */
  private giveUp(key: string, a: Assembly, now: number): boolean {
    if (a.received > 0) {
      let text = '';
      for (const i of [...a.parts.keys()].sort((x, y) => x - y)) text += a.parts.get(i) ?? '';
      const incomplete = { received: a.received, total: a.count };
      if (!this.release(a.peerId, text, incomplete, this.finisher(a, now))) return false;
    }
    this.close(key, a);
    return true;
  }
}
