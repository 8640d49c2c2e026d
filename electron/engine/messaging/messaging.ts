import type { EngineContext } from '../context';
import type { Presence } from '../presence/presence';
import type { IntakeLimits } from './budgets';
import { InboxAttention } from './attention';
import { AutoReply } from './auto-reply';
import { Conversations } from './conversations';
import { DeliveryQueue } from './delivery-queue';
import { Inbox } from './inbox';
import { MessageIntake } from './intake';
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
}

/**
 * Chat: what arrives (inbox), what we send (outbox, delivery queue), the conversations both
 * write to, the unread counts, the away reply and sealed messages. One object, so the engine wires one capability.
 */
export class Messaging {
  readonly conversations = new Conversations();
  readonly intake: MessageIntake;
  readonly unread: UnreadCounter;
  readonly queue: DeliveryQueue;
  readonly inbox: Inbox;
  readonly outbox: Outbox;
  readonly writer: MessageWriter;
  readonly autoReply: AutoReply;
  readonly sealed: SealedMessages;
  private seq = 0;

  constructor(
    ctx: EngineContext,
    presence: Presence,
    instance: string,
    options: MessagingOptions = {},
  ) {
    const newMessageId = () => `${instance}-${(++this.seq).toString(36)}`;
    this.intake = new MessageIntake(options.intake);
    this.unread = new UnreadCounter(ctx.emit, () => ctx.listened());
    this.queue = new DeliveryQueue({
      clock: ctx.clock,
      wire: ctx.wire,
      retryMs: options.retryMs ?? 1000,
      maxRetries: options.maxRetries ?? 4,
      onState: (item, state) => {
        // An ack to our packet number came from there: whoever is there receives what we send.
        if (state.state === 'delivered') this.intake.vouch(item.address);
        this.outbox.onDeliveryState(item, state);
      },
    });
    this.inbox = new Inbox(
      ctx,
      presence,
      this.conversations,
      this.queue,
      this.unread,
      newMessageId,
      this.intake,
    );
    this.writer = new MessageWriter(ctx, instance);
    this.outbox = new Outbox(ctx, this.conversations, this.queue, this.writer, newMessageId);
    this.sealed = new SealedMessages(ctx);
    this.outbox.sealed = this.sealed;
    this.autoReply = new AutoReply(ctx, this.writer, this.conversations, newMessageId);
    this.inbox.attention = new InboxAttention(this.autoReply, this.sealed);
  }

  start(): void {
    this.inbox.start();
  }

  /** Whatever is still unacknowledged fails with 'stopped'. */
  stop(): void {
    this.queue.failAll('stopped');
  }
}
