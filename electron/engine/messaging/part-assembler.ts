import type { IncompleteText } from '../../../shared/model';
import type { MessagePart } from '../../../shared/protocol';
import { ASSEMBLY_BUDGET, textBytes } from './budgets';

interface Assembly {
  peerId: string;
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

/** A message given up on: the parts that arrived, in order, and how many there were to be. */
export type Release = (peerId: string, text: string, incomplete: IncompleteText) => void;

/**
 * Joins the parts of a long message from a Pigeon peer (PGPART sections) back into one text.
 * Bounded in bytes per message, open messages per peer and in all, bytes in all, and age: a
 * message that would go past a bound, that is pushed out by a newer one or that stops getting
 * parts is released through `release` with what arrived and how much was missing, so that it
 * is shown marked incomplete instead of lost unseen.
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
  ) {
    this.limits = { ...ASSEMBLY_BUDGET, ...limits };
  }

  /** Bytes held by every open message together (for tests and diagnostics). */
  held(): { open: number; bytes: number } {
    return { open: this.open.size, bytes: this.bytes };
  }

  /** Returns the whole text when this part completes its message. */
  add(peerId: string, part: MessagePart, text: string, now: number): string | undefined {
    const key = `${peerId}/${part.id}`;
    const cost = ASSEMBLY_BUDGET.partOverhead + textBytes(text.length);
    let a = this.open.get(key);
    // Another message under the same id, or one that this part would take past its budget:
    // what the old one has is shown as it is, and this part starts afresh.
    if (a && (a.count !== part.count || a.bytes + cost > this.limits.perMessageBytes)) {
      this.giveUp(key, a);
      a = undefined;
    }
    if (!a) {
      a = this.begin(key, peerId, part.count, now);
      // Not even the first part fits (a part cannot be larger than a datagram, so only
      // with budgets far below the defaults): shown alone, marked.
      if (a.bytes + cost > this.limits.perMessageBytes) {
        this.giveUp(key, a);
        this.release(peerId, text, { received: 1, total: part.count });
        return undefined;
      }
    }
    if (a.parts.has(part.index)) return undefined;
    a.parts.set(part.index, text);
    a.received++;
    a.bytes += cost;
    this.bytes += cost;
    if (a.received === a.count) {
      this.close(key, a);
      let whole = '';
      for (let i = 0; i < a.count; i++) whole += a.parts.get(i) ?? '';
      return whole;
    }
    // Over the total: the oldest give way (this one last, as it is the newest to grow).
    while (this.bytes > this.limits.totalBytes) {
      const oldest = this.oldest();
      if (!oldest) break;
      this.giveUp(oldest[0], oldest[1]);
    }
    return undefined;
  }

  /** Releases the messages whose parts stopped coming more than maxAge ago. */
  expire(now: number): void {
    for (const [key, a] of this.open) {
      if (now - a.startedAt >= this.limits.maxAgeMs) this.giveUp(key, a);
    }
  }

  private begin(key: string, peerId: string, count: number, now: number): Assembly {
    const mine = this.openPerPeer.get(peerId) ?? 0;
    if (mine >= this.limits.perPeerOpen) {
      // The peer's oldest open message goes (a scan of at most `open` entries, once per
      // message, not per part).
      for (const [k, other] of this.open) {
        if (other.peerId === peerId) {
          this.giveUp(k, other);
          break;
        }
      }
    }
    if (this.open.size >= this.limits.open) {
      const oldest = this.oldest();
      if (oldest) this.giveUp(oldest[0], oldest[1]);
    }
    const bytes = ASSEMBLY_BUDGET.assemblyOverhead;
    const a: Assembly = {
      peerId,
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

  /** Shown as it is: the parts that arrived, in order, marked with how many there were to be. */
  private giveUp(key: string, a: Assembly): void {
    this.close(key, a);
    if (a.received === 0) return;
    let text = '';
    for (const i of [...a.parts.keys()].sort((x, y) => x - y)) text += a.parts.get(i) ?? '';
    this.release(a.peerId, text, { received: a.received, total: a.count });
  }
}
