import type { ChatMessage, DeliveryState } from '../../../shared/model';
import { LruMap } from '../lru-map';
import { STORE_BUDGET, textBytes } from './budgets';

interface Log {
  items: ChatMessage[];
  /** Index of the oldest kept message: dropping from the front moves it, compaction is batched. */
  start: number;
  /** What the kept messages cost (see messageBytes). */
  bytes: number;
}

/** Bounds of the store; the defaults are STORE_BUDGET's and the message counts below. */
export interface ConversationLimits {
  maxPerPeer: number;
  maxConversations: number;
  maxMessages: number;
  maxPeerBytes: number;
  maxBytes: number;
}

const DEFAULT_LIMITS: ConversationLimits = {
  maxPerPeer: 20_000,
  maxConversations: 5_000,
  maxMessages: 200_000,
  maxPeerBytes: STORE_BUDGET.perPeerBytes,
  maxBytes: STORE_BUDGET.totalBytes,
};

/** Fills the slot of a dropped message until the log is compacted (its text is released now). */
const EMPTY: ChatMessage = Object.freeze({
  id: '',
  peerId: '',
  direction: 'in',
  text: '',
  at: 0,
  broadcast: false,
});

/** What keeping a message costs, in bytes: its text (and raw bytes, if any) and its record. */
export function messageBytes(m: ChatMessage): number {
  const raw = m.undecodable ? m.undecodable.rawBase64.length : 0;
  return STORE_BUDGET.messageOverhead + textBytes(m.text.length + raw);
}

/**
 * Messages since start, per peer, in memory and bounded in count and in bytes: at most
 * `maxPerPeer` messages and `maxPeerBytes` per conversation, `maxConversations` conversations,
 * `maxMessages` and `maxBytes` in all (the least recently active conversation gives up its
 * oldest first), so forged senders cannot grow it without limit, however large their
 * messages. A message is never dropped as it is added: the newest of a conversation stays even
 * if it alone is over a bound. History that survives restarts (SQLite with search) replaces
 * this behind the same methods.
 */
export class Conversations {
  /** By peer, in the order they were last active. */
  private readonly byPeer = new LruMap<string, Log>();
  /**
   * Outgoing messages whose state can still change or be retried (queued, sent, failed), by
   * id. Delivered ones leave it: a map of every message would be a large hash table touched
   * twice per message (a cache miss each, measurable in the round-trip benchmark).
   */
  private readonly open = new Map<string, ChatMessage>();

  /** Messages kept in all conversations together, and what they cost. */
  private total = 0;
  private bytes = 0;
  private readonly limits: ConversationLimits;

  constructor(limits: Partial<ConversationLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Messages and bytes kept in all (for tests and diagnostics). */
  size(): { messages: number; bytes: number } {
    return { messages: this.total, bytes: this.bytes };
  }

  add(message: ChatMessage): void {
    const { maxPerPeer, maxPeerBytes, maxMessages, maxBytes } = this.limits;
    let log = this.byPeer.get(message.peerId);
    if (!log) {
      log = { items: [], start: 0, bytes: 0 };
      if (this.byPeer.size >= this.limits.maxConversations) this.forgetOldestConversation();
      this.byPeer.set(message.peerId, log);
    } else {
      this.byPeer.touch(message.peerId);
    }
    const cost = messageBytes(message);
    log.items.push(message);
    log.bytes += cost;
    this.total++;
    this.bytes += cost;
    // A message refused at once (not running, encoding) arrives already failed: still open,
    // so that it can be retried.
    const state = message.delivery?.state;
    if (message.direction === 'out' && (state === 'queued' || state === 'failed')) {
      this.open.set(message.id, message);
    }
    while (
      (log.items.length - log.start > maxPerPeer || log.bytes > maxPeerBytes) &&
      log.items.length - log.start > 1
    ) {
      this.dropOldest(log);
    }
    while (this.total > maxMessages || this.bytes > maxBytes) {
      const oldest = this.byPeer.oldest();
      if (!oldest) break;
      const [peerId, quiet] = oldest;
      // Only this conversation is left and it is down to the message just added: keep it.
      if (quiet === log && log.items.length - log.start <= 1) break;
      this.dropOldest(quiet);
      if (quiet.items.length === quiet.start) this.byPeer.delete(peerId);
    }
  }

  private dropOldest(log: Log): void {
    const dropped = log.items[log.start];
    if (dropped) {
      if (this.open.size > 0) this.open.delete(dropped.id);
      const cost = messageBytes(dropped);
      log.bytes -= cost;
      this.bytes -= cost;
      // The slot is released now, not at the next compaction: the text is what weighs.
      log.items[log.start] = EMPTY;
    }
    log.start++;
    this.total--;
    // Compact now and then: splicing on every drop would shift the whole array each time.
    if (log.start >= Math.max(64, log.items.length / 8)) {
      log.items.splice(0, log.start);
      log.start = 0;
    }
  }

  /** An outgoing message that is not delivered yet (queued, sent or failed). */
  undelivered(id: string): ChatMessage | undefined {
    return this.open.get(id);
  }

  setDelivery(id: string, delivery: DeliveryState): void {
    const m = this.open.get(id);
    if (!m) return;
    m.delivery = delivery;
    // Only a failed message can be retried: an unconfirmed one was acked, by someone.
    if (delivery.state === 'delivered' || delivery.state === 'unconfirmed') this.open.delete(id);
  }

  list(peerId: string): ChatMessage[] {
    const log = this.byPeer.get(peerId);
    return log ? log.items.slice(log.start) : [];
  }

  /** Each conversation with its newest message, least recently active first. */
  summaries(): { peerId: string; last: ChatMessage }[] {
    const out: { peerId: string; last: ChatMessage }[] = [];
    for (const [peerId, log] of this.byPeer.entries()) {
      const last = log.items[log.items.length - 1];
      if (last && log.items.length > log.start) out.push({ peerId, last: { ...last } });
    }
    return out;
  }

  private forgetOldestConversation(): void {
    const oldest = this.byPeer.oldest();
    if (!oldest) return;
    const [peerId, log] = oldest;
    if (this.open.size > 0) {
      for (let i = log.start; i < log.items.length; i++) {
        const m = log.items[i];
        if (m) this.open.delete(m.id);
      }
    }
    this.total -= log.items.length - log.start;
    this.bytes -= log.bytes;
    this.byPeer.delete(peerId);
  }
}
