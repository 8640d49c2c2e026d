import { ContractError, type Handlers } from '../../../shared/contract';
import type { Messaging } from './messaging';
import { withheld } from './sealed';

/** The contract's `chat:*` requests. */
export function messagingHandlers(messaging: Messaging) {
  const { outbox, conversations, unread, sealed, held } = messaging;
  return {
    'chat:conversations': () =>
      conversations
        .summaries()
        .map(({ peerId, last }) => ({ peerId, last: withheld(last), unread: unread.of(peerId) })),
    'chat:send': ({ to, text, sealed: seal }) => ({
      ids: outbox.send(to, text, seal === undefined ? {} : { sealed: seal }),
    }),
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
    'chat:open-sealed': ({ messageId }) => {
      const opened = sealed.open(messageId);
      if (!opened)
        throw new ContractError(
          'not-found',
          `no sealed message ${messageId} waiting to be opened (opened already, or too old to be held)`,
        );
      return opened;
    },
  } satisfies Pick<
    Handlers,
    | 'chat:conversations'
    | 'chat:send'
    | 'chat:broadcast'
    | 'chat:retry'
    | 'chat:cancel-queued'
    | 'chat:mark-read'
    | 'chat:open-sealed'
  >;
}
