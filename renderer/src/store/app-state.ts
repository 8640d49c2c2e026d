import type {
  AppInfo,
  AppSettings,
  ConversationSummary,
  DeliveryUpdate,
} from '../../../shared/contract';
import type { ChatMessage, DeliveryState, Peer } from '../../../shared/model';

/** The pseudo conversation that holds what we broadcast to everyone. */
export const BROADCAST_ID = '*broadcast';

export type View = 'chats' | 'peers' | 'echo' | 'settings';

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
  unread: ReadonlyMap<string, number>;
  /** Delivery updates that arrived before the message they belong to. */
  pendingDelivery: ReadonlyMap<string, DeliveryState>;
  activeId: string | null;
  view: View;
  engineError: { code: string; message: string } | null;
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
  unread: new Map(),
  pendingDelivery: new Map(),
  activeId: null,
  view: 'chats',
  engineError: null,
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
 * Adds messages to their conversations, in time order, ignoring ids already present (a send's
 * reply and an event may both carry the same message). Parked delivery updates are applied.
 */
export function appendMessages(
  state: AppState,
  messages: readonly ChatMessage[],
  conversationId?: string,
): AppState {
  if (messages.length === 0) return state;
  const conversations = new Map(state.conversations);
  let pending = state.pendingDelivery;
  for (const raw of messages) {
    const key = conversationId ?? raw.peerId;
    let message = raw;
    const parked = pending.get(message.id);
    if (parked) {
      message = { ...message, delivery: newer(message.delivery, parked) };
      const rest = new Map(pending);
      rest.delete(message.id);
      pending = rest;
    }
    const list = conversations.get(key) ?? [];
    if (list.some((m) => m.id === message.id)) continue;
    const last = list[list.length - 1];
    if (!last || last.at <= message.at) conversations.set(key, [...list, message]);
    else {
      const next = [...list, message].sort((a, b) => a.at - b.at);
      conversations.set(key, next);
    }
  }
  return { ...state, conversations, pendingDelivery: pending };
}

/** History from the engine merged with whatever events already brought. */
export function mergeHistory(
  state: AppState,
  id: string,
  history: readonly ChatMessage[],
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
  return { ...state, conversations, historyLoaded };
}

const rank: Record<DeliveryState['state'], number> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  failed: 2,
};

/** A late 'sent' must not undo 'delivered'; a retry (queued after failed) is newer by intent. */
function newer(current: DeliveryState | undefined, next: DeliveryState): DeliveryState {
  if (!current) return next;
  if (current.state === 'delivered') return current;
  if (current.state === 'failed') return next;
  return rank[next.state] >= rank[current.state] ? next : current;
}

export function applyDelivery(state: AppState, update: DeliveryUpdate): AppState {
  const list = state.conversations.get(update.peerId);
  const index = list ? findLastIndex(list, (m) => m.id === update.messageId) : -1;
  if (!list || index < 0) {
    const pendingDelivery = new Map(state.pendingDelivery);
    pendingDelivery.set(update.messageId, update.delivery);
    return { ...state, pendingDelivery };
  }
  const message = list[index] as ChatMessage;
  const delivery = newer(message.delivery, update.delivery);
  if (delivery === message.delivery) return state;
  const next = list.slice();
  next[index] = { ...message, delivery };
  const conversations = new Map(state.conversations);
  conversations.set(update.peerId, next);
  return { ...state, conversations };
}

/** Replaces one message (a retry returns it re-queued). */
export function replaceMessage(state: AppState, message: ChatMessage): AppState {
  const list = state.conversations.get(message.peerId);
  const index = list ? findLastIndex(list, (m) => m.id === message.id) : -1;
  if (!list || index < 0) return appendMessages(state, [message]);
  const next = list.slice();
  next[index] = message;
  const conversations = new Map(state.conversations);
  conversations.set(message.peerId, next);
  return { ...state, conversations };
}

export function addUnread(state: AppState, id: string, count = 1): AppState {
  const unread = new Map(state.unread);
  unread.set(id, (unread.get(id) ?? 0) + count);
  return { ...state, unread };
}

export function clearUnread(state: AppState, id: string): AppState {
  if (!state.unread.get(id)) return state;
  const unread = new Map(state.unread);
  unread.delete(id);
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
  return { ...next, unread };
}
