import { isWithheld, withheld } from '../messaging/sealed';
import { ContractError, HISTORY_REQUEST_LIMITS, type Handlers } from '../../../shared/contract';
import type { EngineContext } from '../context';
import type { Messaging } from '../messaging/messaging';
import type { ChatMessage } from '../../../shared/model';
import { exportConversation } from './export';
import type { HistoryStore } from './store';

/** The contract's `history:*` requests, and `chat:history` (a page of a conversation). */
export function historyHandlers(ctx: EngineContext, messaging: Messaging, store: HistoryStore) {
  const { conversations, unread } = messaging;
  /** A conversation's name: its peer's nick now, or as last remembered, or its id. */
  const nameOf = (peerId: string): string => {
    if (peerId === '*') return 'broadcast';
    const live = ctx.peers.get(peerId);
    if (live) return live.nick || live.user || peerId;
    const stored = store.peer(peerId);
    return stored?.nick || stored?.user || peerId;
  };
  /**
   * The counter knows how many, not which: the unread ones are the conversation's newest `n`
   * incoming messages, so a message is one of them when fewer than `n` came in after it.
   */
  const isUnread = (message: ChatMessage): boolean => {
    const n = unread.of(message.peerId);
    if (message.direction !== 'in' || n === 0) return false;
    let after = 0;
    let cursor = message.id;
    for (;;) {
      const page = store.page({ peerId: message.peerId, after: cursor, limit: 200 });
      const last = page?.messages[page.messages.length - 1];
      if (!page || !last) return true;
      after += page.messages.filter((m) => m.direction === 'in').length;
      if (after >= n) return false;
      if (!page.newer) return true;
      cursor = last.id;
    }
  };
  return {
    'chat:history': (req) => {
      const page = conversations.page({
        peerId: req.peerId,
        before: req.before,
        after: req.after,
        around: req.around,
        limit: req.limit ?? HISTORY_REQUEST_LIMITS.defaultPage,
      });
      if (!page)
        throw new ContractError(
          'not-found',
          `no message ${req.before ?? req.after ?? req.around} in ${req.peerId}`,
        );
      // A sealed message's text stays withheld until it is opened (messaging/sealed.ts).
      return { ...page, messages: page.messages.map(withheld) };
    },
    'history:search': (req) =>
      store
        .search({
          text: req.text,
          peerId: req.peerId,
          since: req.since,
          until: req.until,
          limit: req.limit ?? HISTORY_REQUEST_LIMITS.defaultHits,
        })
        // An unopened sealed message is not found by its words: a hit would tell them.
        .filter((hit) => !isWithheld(hit.message))
        .map((hit) => ({
          message: hit.message,
          conversation: { peerId: hit.peerId, name: nameOf(hit.peerId) },
          ranges: hit.ranges,
        })),
    'history:export': ({ peerId, format }) => ({
      text: exportConversation(
        mapIterable(store.conversation(peerId), withheld),
        { peerId, peer: nameOf(peerId), me: ctx.settings().nick || ctx.settings().user },
        format,
      ),
    }),
    'history:delete': (req) => {
      // A deleted message must not go out later from the outbox either.
      messaging.held.forget(req);
      if ('messageId' in req) {
        const message = store.get(req.messageId);
        if (!message) return { deleted: 0 };
        const wasUnread = isUnread(message);
        store.deleteMessage(req.messageId);
        conversations.forget(req);
        const { peerId } = message;
        ctx.emit('history:deleted', { scope: 'message', peerId, messageIds: [message.id] });
        if (wasUnread) unread.forget(peerId, 1);
        return { deleted: 1 };
      }
      if ('peerId' in req) {
        const deleted = store.deleteConversation(req.peerId);
        conversations.forget(req);
        ctx.emit('history:deleted', { scope: 'conversation', peerId: req.peerId });
        unread.forget(req.peerId);
        return { deleted };
      }
      const deleted = store.messageCount();
      // Gone from every query at once (and every window is told); answered once the file has
      // been rebuilt without them.
      const gone = store.deleteAll();
      conversations.forget(req);
      ctx.emit('history:deleted', { scope: 'all' });
      unread.forgetAll();
      return gone.then(() => ({ deleted }));
    },
    'history:pin': ({ messageId, pinned }) => {
      const message = store.get(messageId);
      if (!message || !store.pin(messageId, pinned))
        throw new ContractError('not-found', `no message ${messageId} in the history`);
      conversations.setPinned(messageId, pinned);
      ctx.emit('history:pinned', { peerId: message.peerId, messageId, pinned });
      return null;
    },
  } satisfies Pick<
    Handlers,
    'chat:history' | 'history:search' | 'history:export' | 'history:delete' | 'history:pin'
  >;
}

/** Each item of a (lazy, possibly long) iterable, mapped as it is read. */
function* mapIterable<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}
