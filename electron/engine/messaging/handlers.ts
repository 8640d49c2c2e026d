import { ContractError, type Handlers } from '../../../shared/contract';
import type { Messaging } from './messaging';

/** The contract's `chat:*` requests. */
export function messagingHandlers(messaging: Messaging) {
  const { outbox, conversations, unread, held } = messaging;
  return {
    'chat:conversations': () =>
      conversations
        .summaries()
        .map(({ peerId, last }) => ({ peerId, last, unread: unread.of(peerId) })),
    'chat:send': ({ to, text }) => ({ ids: outbox.send(to, text) }),
    'chat:broadcast': ({ text }) => ({ id: outbox.broadcast(text) }),
    'chat:retry': ({ messageId }) => {
      const id = outbox.retry(messageId);
      if (id === undefined)
        throw new ContractError('not-found', `no failed message ${messageId} to retry`);
      return { id };
    },
    'chat:cancel-queued': ({ messageId }) => {
      if (!held.cancel(messageId))
        throw new ContractError('not-found', `no message ${messageId} waits in the outbox`);
      return null;
    },
    'chat:mark-read': ({ peerId }) => {
      unread.markRead(peerId);
      return null;
    },
  } satisfies Pick<
    Handlers,
    | 'chat:conversations'
    | 'chat:send'
    | 'chat:broadcast'
    | 'chat:retry'
    | 'chat:cancel-queued'
    | 'chat:mark-read'
  >;
}
