import { randomBytes } from 'node:crypto';
import { OUTBOX_TTL_MS, type Peer } from '../../../shared/model';
import type { EngineContext } from '../context';
import { OutboxStore } from '../history/outbox-store';
import type { RefusalKind } from '../../../shared/model';
import type { HistoryStore } from '../history/store';
import type { Presence } from '../presence/presence';
import type { IntakeLimits } from './budgets';
import { InboxAttention } from './attention';
import { AutoReply } from './auto-reply';
import { Conversations } from './conversations';
import { Dedupe } from './dedupe';
import { DeliveryQueue } from './delivery-queue';
import { HeldMessages } from './held-messages';
import { Inbox } from './inbox';
import { MessageIntake, type IntakeRefusal } from './intake';
import { Outbox } from './outbox';
import { SealedMessages } from './sealed';
import { UnreadCounter } from './unread';
import { MessageWriter } from './writing';

export interface MessagingOptions {
  /** Resend interval and count (IPMsg and iptux: 1 s, 4 retries). */
  retryMs?: number;
  maxRetries?: number;
  /** Rate limits on incoming messages (default INTAKE_LIMITS). */
  intake?: Partial<IntakeLimits>;
  /** The history the conversations are a cache in front of (none: memory only). */
  history?: HistoryStore;
  /** Told of the peer of every message kept (to remember whom we talked with). */
  notePeer?: (peer: Peer) => void;
  /** Hold messages for offline or silent peers until they return (held-messages.ts). */
  outbox?: boolean;
  /** How long a held message waits (default OUTBOX_TTL_MS). */
  outboxTtlMs?: number;
}

/**
 * The duplicate filter, keyed with the history's secret and primed with the keys it kept, so
 * that a sender retrying after our crash gets its ack and no second copy.
 */
function dedupeFor(history: HistoryStore | undefined): Dedupe {
  if (!history) return new Dedupe();
  let key = history.meta('dedupe-key');
  if (key?.length !== 16) {
    key = randomBytes(8).toString('hex');
    history.setMeta('dedupe-key', key);
  }
  const dedupe = new Dedupe(256, 4096, Buffer.from(key, 'hex'));
  for (const s of history.recentSeen().reverse()) dedupe.remember(s.peerId, s.packetNo, s.hash);
  return dedupe;
}

/**
 * Chat: what arrives (inbox), what we send (outbox, delivery queue), the conversations both
 * write to, the unread counts, the away reply and sealed messages. One object, so the engine wires one capability.
 */
export class Messaging {
  readonly conversations: Conversations;
  readonly history: HistoryStore | undefined;
  readonly intake: MessageIntake;
  readonly unread: UnreadCounter;
  readonly queue: DeliveryQueue;
  readonly inbox: Inbox;
  readonly outbox: Outbox;
  readonly writer: MessageWriter;
  readonly autoReply: AutoReply;
  readonly sealed: SealedMessages;
  /** The outbox: messages waiting for their peer to come back. */
  readonly held: HeldMessages;
  private seq = 0;

  constructor(
    ctx: EngineContext,
    presence: Presence,
    instance: string,
    options: MessagingOptions = {},
  ) {
    this.history = options.history;
    this.conversations = new Conversations({}, options.history);
    this.conversations.onPeer = options.notePeer;
    const newMessageId = () => `${instance}-${(++this.seq).toString(36)}`;
    this.intake = new MessageIntake(options.intake, (why, address) =>
      ctx.refusals.note(INTAKE_REFUSAL[why], address),
    );
    this.unread = new UnreadCounter(ctx.emit, () => ctx.listened());
    this.queue = new DeliveryQueue({
      clock: ctx.clock,
      wire: ctx.wire,
      retryMs: options.retryMs ?? 1000,
      maxRetries: options.maxRetries ?? 4,
      onState: (item, given) => {
        // An ack to our packet number came from there: whoever is there receives what we send.
        if (given.state === 'delivered') this.intake.vouch(item.address);
        this.outbox.onDeliveryState(item, this.held.review(item, given));
      },
      admit: (item) => this.held.admit(item),
    });
    this.inbox = new Inbox(
      ctx,
      presence,
      this.conversations,
      this.queue,
      this.unread,
      newMessageId,
      this.intake,
      dedupeFor(options.history),
    );
    this.writer = new MessageWriter(ctx, instance);
    this.outbox = new Outbox(ctx, this.conversations, this.queue, this.writer, newMessageId);
    this.sealed = new SealedMessages(ctx, (m) => this.conversations.setSealed(m));
    this.outbox.sealed = this.sealed;
    this.autoReply = new AutoReply(ctx, this.writer, this.conversations, newMessageId);
    this.inbox.attention = new InboxAttention(this.autoReply, this.sealed);
    this.held = new HeldMessages(
      ctx,
      this.conversations,
      () => this.queue,
      this.writer,
      options.history ? new OutboxStore(options.history.raw) : undefined,
      (messageId, peerId, delivery) => {
        this.conversations.setDelivery(messageId, delivery);
        ctx.emit('chat:delivery', { messageId, peerId, delivery });
      },
      { enabled: options.outbox ?? false, ttlMs: options.outboxTtlMs ?? OUTBOX_TTL_MS },
    );
  }

  start(): void {
    this.inbox.start();
    this.held.start();
  }

  /** Whatever is still unacknowledged fails with 'stopped'. */
  stop(): void {
    this.queue.failAll('stopped');
  }
}

/** The intake's reasons as the diagnostics name them. */
const INTAKE_REFUSAL = {
  source: 'intake-rate',
  all: 'intake-total',
  unannounced: 'intake-unannounced',
} as const satisfies Record<IntakeRefusal, RefusalKind>;
