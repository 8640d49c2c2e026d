import { ContractError, type ConversationSummary, type Handlers } from '../../../shared/contract';
import type { PeerTable } from '../presence/peer-table';
import type { Messaging } from './messaging';
import { withheld } from './sealed';

/** The contract's `chat:*` requests. */
export function messagingHandlers(messaging: Messaging, peers: PeerTable) {
  const { outbox, conversations, unread, sealed, held } = messaging;
  return {
    'chat:conversations': () =>
      conversations.summaries().map(({ peerId, last }): ConversationSummary => {
        const summary = { peerId, last: withheld(last), unread: unread.of(peerId) };
        const remembered = messaging.remembered(peerId);
        return remembered ? { ...summary, remembered } : summary;
      }),
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
    'chat:redirect-queued': ({ fromPeerId, toPeerId }) => {
      if (held.waiting(fromPeerId) === 0)
        throw new ContractError(
          'nothing-queued',
          `no message waits in the outbox for ${fromPeerId}`,
        );
      const to = peers.get(toPeerId);
      if (!to) throw new ContractError('unknown-peer', `no peer ${toPeerId}`);
      // Only a peer that said it is there: one that merely wrote to us could be anyone's forgery
      // of a source address, and would never make the outbox send anyway.
      if (!to.announced)
        throw new ContractError('not-announced', `${toPeerId} never announced itself`);
      if (!to.online) throw new ContractError('peer-offline', `${toPeerId} is offline`);
      const moved = messaging.redirectQueued(fromPeerId, to);
      if (moved.length === 0 && held.waiting(fromPeerId) === 0)
        throw new ContractError('nothing-queued', `what waited for ${fromPeerId} had expired`);
      if (moved.length === 0)
        throw new ContractError(
          'history-write',
          `the history could not take the messages for ${toPeerId}: nothing moved`,
        );
      return { moved };
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
    | 'chat:redirect-queued'
    | 'chat:mark-read'
    | 'chat:open-sealed'
  >;
}
