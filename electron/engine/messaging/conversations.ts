import type { ChatMessage, DeliveryState } from '../../../shared/model';
import { LruMap } from '../lru-map';

interface Log {
  items: ChatMessage[];
  /** Index of the oldest kept message: dropping from the front moves it, compaction is batched. */
  start: number;
}

/**
 * Messages since start, per peer, in memory and bounded: at most `maxPerPeer` messages per
 * conversation, `maxConversations` conversations and `maxMessages` in all (the least recently
 * active conversation gives up its oldest first), so forged senders cannot grow it without
 * limit. History that survives restarts (SQLite with search) replaces this behind the same
 * methods.
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

  /** Messages kept in all conversations together. */
  private total = 0;

  constructor(
    private readonly maxPerPeer = 20_000,
    private readonly maxConversations = 5_000,
    private readonly maxMessages = 200_000,
  ) {}

  add(message: ChatMessage): void {
    let log = this.byPeer.get(message.peerId);
    if (!log) {
      log = { items: [], start: 0 };
      if (this.byPeer.size >= this.maxConversations) this.forgetOldestConversation();
      this.byPeer.set(message.peerId, log);
    } else {
      this.byPeer.touch(message.peerId);
    }
    log.items.push(message);
    this.total++;
    // A message refused at once (not running, encoding) arrives already failed: still open,
    // so that it can be retried.
    const state = message.delivery?.state;
    if (message.direction === 'out' && (state === 'queued' || state === 'failed')) {
      this.open.set(message.id, message);
    }
    if (log.items.length - log.start > this.maxPerPeer) this.dropOldest(log);
    while (this.total > this.maxMessages) {
      const oldest = this.byPeer.oldest();
      if (!oldest) break;
      const [peerId, quiet] = oldest;
      this.dropOldest(quiet);
      if (quiet.items.length === quiet.start) this.byPeer.delete(peerId);
    }
  }

  private dropOldest(log: Log): void {
    const dropped = log.items[log.start];
    if (dropped && this.open.size > 0) this.open.delete(dropped.id);
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
    this.byPeer.delete(peerId);
  }
}
