import { randomBytes } from 'node:crypto';
import {
  BROADCAST_ID,
  OUTBOX_TTL_MS,
  type ChatMessage,
  type ConversationNotice,
  type Peer,
} from '../../../shared/model';
import type { EngineContext } from '../context';
import { OutboxStore } from '../history/outbox-store';
import type { RefusalKind } from '../../../shared/model';
import type { HistoryStore } from '../history/store';
import { clonePeer } from '../presence/peer-table';
import type { Presence } from '../presence/presence';
import type { IntakeLimits } from './budgets';
import { InboxAttention } from './attention';
import { AutoReply } from './auto-reply';
import { Conversations } from './conversations';
import { Dedupe } from './dedupe';
import { DeliveryQueue } from './delivery-queue';
import { HeldMessages } from './held-messages';
import { Inbox } from './inbox';
import { rememberedPeer } from './remembered-peer';
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
  private readonly newMessageId: () => string;

  constructor(
    private readonly ctx: EngineContext,
    presence: Presence,
    instance: string,
    options: MessagingOptions = {},
  ) {
    this.history = options.history;
    this.conversations = new Conversations({}, options.history);
    this.conversations.onPeer = options.notePeer;
    const newMessageId = () => `${instance}-${(++this.seq).toString(36)}`;
    this.newMessageId = newMessageId;
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
      options.history?.parts,
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
  /**
   * The history's memory of a peer the live table does not have (ConversationSummary's
   * `remembered`): names only, offline. Undefined for a peer heard from since the start.
   */
  remembered(peerId: string): Peer | undefined {
    if (peerId === BROADCAST_ID || !this.history || this.ctx.peers.get(peerId)) return undefined;
    try {
      const stored = this.history.peer(peerId);
      return stored ? rememberedPeer(stored) : undefined;
    } catch {
      // A failing disk costs the name only: the conversation shows the address.
      return undefined;
    }
  }

  /**
   * Writes a notice into a conversation (an address change: identity/address-changes.ts): kept
   * in the history like a message, and told as one (`chat:message`). Throws when the history
   * fails; false when its budget refused it.
   */
  writeNotice(peerId: string, notice: ConversationNotice, peer: Peer | undefined): boolean {
    const message: ChatMessage = {
      id: this.newMessageId(),
      peerId,
      direction: 'in',
      text: '',
      at: this.ctx.clock.now(),
      broadcast: false,
      notice: { code: notice.code, params: { ...notice.params } },
    };
    if (this.conversations.keep(message) !== 'stored') return false;
    this.ctx.emit('chat:message', { message: { ...message }, peer: peer ? clonePeer(peer) : null });
    return true;
  }

  /**
   * The person's word (chat:redirect-queued): what waits in the outbox for `fromPeerId` goes to
   * `to` instead, each as a new message in `to`'s conversation (held-messages.ts `redirect`).
   */
  redirectQueued(fromPeerId: string, to: Peer): { from: string; to: string }[] {
    return this.held.redirect(fromPeerId, to, this.newMessageId, (copy) => {
      const message: ChatMessage = {
        id: copy.messageId,
        peerId: to.id,
        direction: 'out',
        text: copy.text,
        at: copy.created,
        broadcast: false,
        delivery: { state: 'queued' },
      };
      this.conversations.keepOwn(message, to);
      this.ctx.emit('chat:message', { message: { ...message }, peer: clonePeer(to) });
    });
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
