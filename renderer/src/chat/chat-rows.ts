import type { ChatMessage, Peer } from '../../../shared/model';
import { matchesQuery } from '../peers/group-peers';

export interface ChatRow {
  id: string;
  peer: Peer | undefined;
  last: ChatMessage | undefined;
  unread: number;
}

/** Conversations that have messages or unread counts, newest first, filtered by the search. */
export function buildChatRows(
  conversations: ReadonlyMap<string, readonly ChatMessage[]>,
  unread: ReadonlyMap<string, number>,
  peers: ReadonlyMap<string, Peer>,
  query: string,
  skip: string,
): ChatRow[] {
  const ids = new Set<string>([...conversations.keys(), ...unread.keys()]);
  ids.delete(skip);
  const q = query.trim();
  const rows: ChatRow[] = [];
  for (const id of ids) {
    const list = conversations.get(id);
    const last = list?.[list.length - 1];
    const count = unread.get(id) ?? 0;
    if (!last && !count) continue;
    const peer = peers.get(id);
    if (q && !(peer ? matchesQuery(peer, q) : id.includes(q))) continue;
    rows.push({ id, peer, last, unread: count });
  }
  return rows.sort((a, b) => (b.last?.at ?? 0) - (a.last?.at ?? 0));
}
