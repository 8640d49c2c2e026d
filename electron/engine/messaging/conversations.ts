import type { ChatMessage, DeliveryState, Peer } from '../../../shared/model';
import type { HistoryPage, HistoryStore, InsertOutcome, SeenKey } from '../history/store';
import { LruMap } from '../lru-map';
import { STORE_BUDGET, textBytes } from './budgets';

interface Log {
  items: ChatMessage[];
  /**
   * What each of `items` costs (messageBytes), side by side: dropping the oldest then reads a
   * number here rather than a message and its text from long ago, both out of the CPU's cache.
   */
  costs: number[];
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

/** The cache in front of a history database: a few hundred messages per conversation. */
export const CACHE_LIMITS: ConversationLimits = {
  maxPerPeer: 500,
  maxConversations: 1_000,
  maxMessages: 20_000,
  maxPeerBytes: 2 * 1024 * 1024,
  maxBytes: 16 * 1024 * 1024,
};

/**
 * The newest messages per peer, in memory and bounded in count and in bytes: at most
 * `maxPerPeer` messages and `maxPeerBytes` per conversation, `maxConversations` conversations,
 * `maxMessages` and `maxBytes` in all (the least recently active conversation gives up its
 * oldest first), so forged senders cannot grow it without limit, however large their
 * messages. A message is never dropped as it is added: the newest of a conversation stays even
 * if it alone is over a bound.
 *
 * With a history store (history/store.ts) behind it, this is a cache: every message is written
 * there first (and one the store refuses is not kept here either), the newest page of a
 * conversation is served from here when it holds that much, and the rest comes from the store.
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

  /** Told of the peer of every message kept (the history remembers whom we talked with). */
  onPeer: ((peer: Peer) => void) | undefined;

  constructor(
    limits: Partial<ConversationLimits> = {},
    private readonly store?: HistoryStore,
  ) {
    this.limits = { ...(store ? CACHE_LIMITS : DEFAULT_LIMITS), ...limits };
  }

  /**
   * Stores a message: in the history first (with the duplicate filter's key of an incoming
   * one), then here. 'full' when the history's budget refused it (then it is not kept here
   * either); throws when the history failed to write it. `also` runs in the history's
   * transaction that stores it (a long message's parts leave the parts table).
   */
  keep(message: ChatMessage, seen?: SeenKey, peer?: Peer, also?: () => void): InsertOutcome {
    const outcome = this.commit(message, seen, also);
    if (outcome === 'stored') this.cache(message, peer);
    return outcome;
  }

  /**
   * The half of `keep` an acknowledgement waits for: the history's commit. `cache` must follow
   * in the same turn for a message committed ('stored'), before anything reads this cache.
   */
  commit(message: ChatMessage, seen?: SeenKey, also?: () => void): InsertOutcome {
    return this.store ? this.store.insert(message, seen, also) : 'stored';
  }

  /** The other half of `keep`: the message joins the cache, its peer is remembered. */
  cache(message: ChatMessage, peer?: Peer): void {
    this.add(message);
    if (peer) this.onPeer?.(peer);
  }

  /** The history's budget in bytes (0 without a history). */
  budgetBytes(): number {
    return this.store?.usage().budget ?? 0;
  }

  /**
   * Whether the history recorded this message as seen: the duplicate filter in memory keeps
   * the last 256 per peer, the history the last 10 minutes (a backlog of retries can reach
   * further back than 256).
   */
  seenBefore(seen: SeenKey): boolean {
    return this.store?.hasSeen(seen) ?? false;
  }

  /** A message seen that leaves nothing to store yet (a part, an offer of files alone). */
  noteSeen(seen: SeenKey, at: number): void {
    this.store?.noteSeen(seen, at);
  }

  /**
   * Stores one of our own messages: in the history when it takes it, here in any case (what we
   * send is shown and can be retried even when the history is full or failing).
   */
  keepOwn(message: ChatMessage, peer?: Peer): void {
    this.store?.insertLater(message);
    this.add(message);
    if (peer) this.onPeer?.(peer);
  }

  /**
   * A page of a conversation (history/store.ts `page`): the newest from the cache when it
   * holds more than asked for, else from the store. Undefined for a cursor that names no
   * message of that conversation.
   */
  page(req: {
    peerId: string;
    before?: string | undefined;
    after?: string | undefined;
    around?: string | undefined;
    limit: number;
  }): HistoryPage | undefined {
    const cursor = req.before ?? req.after ?? req.around;
    if (cursor === undefined) {
      const log = this.byPeer.get(req.peerId);
      const held = log ? log.items.length - log.start : 0;
      if (log && (held > req.limit || !this.store)) {
        const messages = log.items.slice(Math.max(log.start, log.items.length - req.limit));
        return { messages: messages.map((m) => ({ ...m })), more: held > req.limit, newer: false };
      }
    }
    if (this.store) return this.store.page(req);
    // No store: only the newest page exists.
    return cursor === undefined ? { messages: [], more: false, newer: false } : undefined;
  }

  /** Forgets cached messages (deleted from the history): one, a conversation, or all. */
  forget(which: { messageId: string } | { peerId: string } | { all: true }): void {
    if ('all' in which) {
      for (const [peerId] of [...this.byPeer.entries()]) this.forget({ peerId });
      return;
    }
    if ('peerId' in which) {
      const log = this.byPeer.get(which.peerId);
      if (!log) return;
      for (let i = log.start; i < log.items.length; i++) this.open.delete(log.items[i]?.id ?? '');
      this.total -= log.items.length - log.start;
      this.bytes -= log.bytes;
      this.byPeer.delete(which.peerId);
      return;
    }
    this.open.delete(which.messageId);
    for (const [peerId, log] of this.byPeer.entries()) {
      const i = log.items.findIndex((m, j) => j >= log.start && m.id === which.messageId);
      if (i < 0) continue;
      const [gone] = log.items.splice(i, 1);
      const [cost = 0] = log.costs.splice(i, 1);
      if (gone) {
        log.bytes -= cost;
        this.bytes -= cost;
        this.total--;
      }
      if (log.items.length === log.start) this.byPeer.delete(peerId);
      return;
    }
  }

  /** A message's sealed state changed (it was opened): in the history, and the cached copy. */
  setSealed(message: ChatMessage): void {
    this.store?.setSealed(message);
    for (const [, log] of this.byPeer.entries()) {
      const m = log.items.find((x, j) => j >= log.start && x.id === message.id);
      if (m && message.sealed) m.sealed = { ...message.sealed };
    }
  }

  /** Pinned or not, in the cached copy too. */
  setPinned(messageId: string, pinned: boolean): void {
    for (const [, log] of this.byPeer.entries()) {
      const m = log.items.find((x, j) => j >= log.start && x.id === messageId);
      if (!m) continue;
      if (pinned) m.pinned = true;
      else delete m.pinned;
      return;
    }
  }

  /** Messages and bytes kept in all (for tests and diagnostics). */
  size(): { messages: number; bytes: number } {
    return { messages: this.total, bytes: this.bytes };
  }

  add(message: ChatMessage): void {
    const { maxPerPeer, maxPeerBytes, maxMessages, maxBytes } = this.limits;
    let log = this.byPeer.get(message.peerId);
    if (!log) {
      log = { items: [], costs: [], start: 0, bytes: 0 };
      if (this.byPeer.size >= this.limits.maxConversations) this.forgetOldestConversation();
      this.byPeer.set(message.peerId, log);
    } else {
      this.byPeer.touch(message.peerId);
    }
    const cost = messageBytes(message);
    log.items.push(message);
    log.costs.push(cost);
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
    // Compared, not tested for truth: a truth test reads the object itself.
    if (dropped !== undefined) {
      if (this.open.size > 0) this.open.delete(dropped.id);
      const cost = log.costs[log.start] ?? 0;
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
      log.costs.splice(0, log.start);
      log.start = 0;
    }
  }

  /**
   * An outgoing message that is not delivered yet (queued, sent or failed); a failed one of an
   * earlier run comes from the history.
   */
  undelivered(id: string): ChatMessage | undefined {
    const open = this.open.get(id);
    if (open || !this.store) return open;
    const stored = this.store.get(id);
    return stored?.direction === 'out' && stored.delivery?.state === 'failed' ? stored : undefined;
  }

  setDelivery(id: string, delivery: DeliveryState): void {
    // 'sent' is a moment, not an outcome: a restart fails whatever was not settled.
    if (this.store && delivery.state !== 'sent' && delivery.state !== 'queued')
      this.store.setDelivery(id, delivery);
    const m = this.open.get(id);
    if (!m) return;
    m.delivery = delivery;
    // Only a failed message can be retried: an unconfirmed one was acked, by someone.
    // A redirected one went elsewhere as a new message: this one is settled.
    if (
      delivery.state === 'delivered' ||
      delivery.state === 'unconfirmed' ||
      delivery.state === 'redirected'
    )
      this.open.delete(id);
  }

  list(peerId: string): ChatMessage[] {
    const log = this.byPeer.get(peerId);
    return log ? log.items.slice(log.start) : [];
  }

  /** Each conversation with its newest message, least recently active first. */
  summaries(): { peerId: string; last: ChatMessage }[] {
    if (this.store) return this.store.summaries();
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
