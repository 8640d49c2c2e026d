import type {
  AppInfo,
  AppSettings,
  ConversationSummary,
  DeliveryUpdate,
  HistoryDeleted,
  SealOpened,
} from '../../../shared/contract';
import type {
  ChatMessage,
  EngineErrorCode,
  HistorySearchHit,
  Outcome,
  Peer,
  SettingsFileCode,
  StartErrorCode,
} from '../../../shared/model';
import type { TransferMap } from '../files/transfers-state';

/** The pseudo conversation that holds what we broadcast to everyone (one id, engine and UI). */
export { BROADCAST_ID } from '../../../shared/model';

export type View = 'chats' | 'peers' | 'transfers' | 'echo' | 'settings';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface AppState {
  status: 'loading' | 'ready' | 'no-host' | 'error';
  loadError: string | null;
  info: AppInfo | null;
  settings: AppSettings | null;
  peers: ReadonlyMap<string, Peer>;
  /** Messages per peer id (and BROADCAST_ID), oldest first. */
  conversations: ReadonlyMap<string, readonly ChatMessage[]>;
  /** Conversations whose history was fetched from the engine. */
  historyLoaded: ReadonlySet<string>;
  /** Conversations with older messages in the history than those loaded. */
  historyMore: ReadonlySet<string>;
  /** Conversations opened at a search hit, with newer messages not loaded yet. */
  historyNewer: ReadonlySet<string>;
  /** A message to show and mark (a search hit that was clicked). */
  focus: { peerId: string; messageId: string } | null;
  /** Unread incoming messages per conversation, as the engine counts them (chat:unread). */
  unread: ReadonlyMap<string, number>;
  /** Files and folders either way, by transfer id (files:list, then files:transfer). */
  transfers: TransferMap;
  activeId: string | null;
  view: View;
  engineError: Outcome<EngineErrorCode | StartErrorCode> | null;
  /** What was wrong with settings.json (AppInfo, or found later): shown until dismissed. */
  settingsProblems: readonly Outcome<SettingsFileCode>[];
  notices: readonly Notice[];
}

export const initialState: AppState = {
  status: 'loading',
  loadError: null,
  info: null,
  settings: null,
  peers: new Map(),
  conversations: new Map(),
  historyLoaded: new Set(),
  historyMore: new Set(),
  historyNewer: new Set(),
  focus: null,
  unread: new Map(),
  transfers: new Map(),
  activeId: null,
  view: 'chats',
  engineError: null,
  settingsProblems: [],
  notices: [],
};

export function upsertPeer(state: AppState, peer: Peer): AppState {
  const peers = new Map(state.peers);
  peers.set(peer.id, peer);
  return { ...state, peers };
}

export function replacePeers(state: AppState, list: readonly Peer[]): AppState {
  return { ...state, peers: new Map(list.map((p) => [p.id, p])) };
}

/**
 * Adds messages to their conversations, in time order, ignoring ids already present (history
 * and an event may both carry the same message).
 */
export function appendMessages(state: AppState, messages: readonly ChatMessage[]): AppState {
  if (messages.length === 0) return state;
  const conversations = new Map(state.conversations);
  for (const message of messages) {
    const key = message.peerId;
    const list = conversations.get(key) ?? [];
    if (list.some((m) => m.id === message.id)) continue;
    const last = list[list.length - 1];
    if (!last || last.at <= message.at) conversations.set(key, [...list, message]);
    else {
      const next = [...list, message].sort((a, b) => a.at - b.at);
      conversations.set(key, next);
    }
  }
  return { ...state, conversations };
}

/** Whether `id` is in the set, as a new set when that changes. */
export function withMember(
  set: ReadonlySet<string>,
  id: string,
  member: boolean,
): ReadonlySet<string> {
  if (set.has(id) === member) return set;
  const next = new Set(set);
  if (member) next.add(id);
  else next.delete(id);
  return next;
}

/**
 * A conversation opened at a search hit: the page around it replaces what was loaded, so that
 * no gap hides between pages; newer ones come as the reader scrolls down (`newer`).
 */
export function openHistoryAt(
  state: AppState,
  id: string,
  page: { messages: readonly ChatMessage[]; more: boolean; newer: boolean },
  messageId: string,
): AppState {
  const conversations = new Map(state.conversations);
  conversations.set(
    id,
    [...page.messages].sort((a, b) => a.at - b.at),
  );
  return {
    ...state,
    conversations,
    activeId: id,
    historyLoaded: withMember(state.historyLoaded, id, true),
    historyMore: withMember(state.historyMore, id, page.more),
    historyNewer: withMember(state.historyNewer, id, page.newer),
    focus: { peerId: id, messageId },
  };
}

/**
 * A page of history from the engine merged with whatever events and earlier pages brought;
 * `more` says whether older messages remain in the history (undefined: unchanged).
 */
export function mergeHistory(
  state: AppState,
  id: string,
  history: readonly ChatMessage[],
  more?: boolean,
): AppState {
  const known = state.conversations.get(id) ?? [];
  const byId = new Map<string, ChatMessage>();
  for (const m of history) byId.set(m.id, m);
  for (const m of known) byId.set(m.id, m);
  const merged = [...byId.values()].sort((a, b) => a.at - b.at);
  const conversations = new Map(state.conversations);
  conversations.set(id, merged);
  const historyLoaded = new Set(state.historyLoaded);
  historyLoaded.add(id);
  let { historyMore } = state;
  if (more !== undefined && more !== historyMore.has(id)) {
    const next = new Set(historyMore);
    if (more) next.add(id);
    else next.delete(id);
    historyMore = next;
  }
  return { ...state, conversations, historyLoaded, historyMore };
}

/**
 * The engine's word on a message. The engine tells a message (chat:message) before any delivery
 * update for it, in order, so the update applies to what is shown; an update for a message this
 * page never saw (its history not loaded yet) is left to that history, which is newer.
 */
export function applyDelivery(state: AppState, update: DeliveryUpdate): AppState {
  return replaceMessage(state, update.peerId, update.messageId, (m) => ({
    ...m,
    delivery: update.delivery,
  }));
}

/**
 * One loaded message replaced by `change(message)`, the newest copy of its id (a message this
 * page has not loaded is left alone: its history, when loaded, has it as it is now).
 */
function replaceMessage(
  state: AppState,
  peerId: string,
  messageId: string,
  change: (message: ChatMessage) => ChatMessage,
): AppState {
  const list = state.conversations.get(peerId);
  const index = list ? findLastIndex(list, (m) => m.id === messageId) : -1;
  if (!list || index < 0) return state;
  const next = list.slice();
  next[index] = change(list[index] as ChatMessage);
  const conversations = new Map(state.conversations);
  conversations.set(peerId, next);
  return { ...state, conversations };
}

/**
 * A sealed message was opened: ours by the peer (the time), or one that arrived, by the person
 * in any window (the time and the text withheld until then). A message this page has not loaded
 * is left to its history, which has it opened.
 */
export function applyOpened(state: AppState, opened: SealOpened): AppState {
  return replaceMessage(state, opened.peerId, opened.messageId, (message) => ({
    ...message,
    sealed: { openedAt: opened.openedAt },
    ...(opened.text === undefined ? {} : { text: opened.text }),
  }));
}

/** A message pinned or unpinned (history:pin) in this window: the pin mark follows at once. */
export function applyPinned(
  state: AppState,
  peerId: string,
  messageId: string,
  pinned: boolean,
): AppState {
  return replaceMessage(state, peerId, messageId, ({ pinned: _was, ...message }) =>
    pinned ? { ...message, pinned: true } : message,
  );
}

/**
 * Messages deleted from the history (history:deleted, from this window or another): out of the
 * conversations, the chat list and the focus. A conversation left with nothing loaded counts as
 * not loaded, so opening it asks the engine for what remains. Unread counts come as chat:unread.
 */
export function applyDeleted(state: AppState, deleted: HistoryDeleted): AppState {
  if (deleted.scope === 'all')
    return {
      ...state,
      conversations: new Map(),
      historyLoaded: new Set(),
      historyMore: new Set(),
      historyNewer: new Set(),
      focus: null,
      unread: new Map(),
    };
  const { peerId } = deleted;
  const list = state.conversations.get(peerId) ?? [];
  let left: readonly ChatMessage[] = [];
  if (deleted.scope === 'message') {
    const gone = new Set(deleted.messageIds);
    left = list.filter((m) => !gone.has(m.id));
    if (left.length === list.length) return state;
  }
  const conversations = new Map(state.conversations);
  const focusGone =
    state.focus?.peerId === peerId &&
    (deleted.scope === 'conversation' || deleted.messageIds.includes(state.focus.messageId));
  const next: AppState = { ...state, conversations, focus: focusGone ? null : state.focus };
  if (left.length > 0) {
    conversations.set(peerId, left);
    return next;
  }
  conversations.delete(peerId);
  return {
    ...next,
    historyLoaded: withMember(state.historyLoaded, peerId, false),
    historyMore: withMember(state.historyMore, peerId, false),
    historyNewer: withMember(state.historyNewer, peerId, false),
    unread: deleted.scope === 'conversation' ? setUnread(state, peerId, 0).unread : state.unread,
  };
}

/** Search hits still there after a deletion (the list shown keeps its order). */
export function withoutDeleted(
  hits: readonly HistorySearchHit[],
  deleted: HistoryDeleted,
): HistorySearchHit[] {
  if (deleted.scope === 'all') return [];
  if (deleted.scope === 'conversation')
    return hits.filter((h) => h.conversation.peerId !== deleted.peerId);
  const gone = new Set(deleted.messageIds);
  return hits.filter((h) => !gone.has(h.message.id));
}

/** The engine's count for one conversation (0 removes it). */
export function setUnread(state: AppState, id: string, count: number): AppState {
  if ((state.unread.get(id) ?? 0) === count) return state;
  const unread = new Map(state.unread);
  if (count > 0) unread.set(id, count);
  else unread.delete(id);
  return { ...state, unread };
}

export function totalUnread(state: AppState): number {
  let n = 0;
  for (const v of state.unread.values()) n += v;
  return n;
}

function findLastIndex<T>(list: readonly T[], test: (item: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i] as T)) return i;
  return -1;
}

/** The chat list at start: each conversation's last message and unread count. */
export function applySummaries(
  state: AppState,
  summaries: readonly ConversationSummary[],
): AppState {
  const last = summaries.flatMap((s) => (s.last ? [s.last] : []));
  const next = appendMessages(state, last);
  const unread = new Map(next.unread);
  for (const s of summaries) if (s.unread > 0) unread.set(s.peerId, s.unread);
  // Peers not heard from since the engine started, by the names the history kept: a live
  // entry (peers:list, or an event since) always wins.
  const remembered = summaries.flatMap((s) =>
    s.remembered && !next.peers.has(s.peerId) ? [s.remembered] : [],
  );
  if (remembered.length === 0) return { ...next, unread };
  const peers = new Map(next.peers);
  for (const p of remembered) peers.set(p.id, p);
  return { ...next, unread, peers };
}
