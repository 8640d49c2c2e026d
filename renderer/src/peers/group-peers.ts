import type { Peer } from '../../../shared/model';

export const OFFLINE_GROUP = '\u0000offline';

export type PeerRow =
  | {
      kind: 'group';
      key: string;
      /** The group name; '' is "no group"; OFFLINE_GROUP holds everyone offline. */
      group: string;
      count: number;
      online: number;
      collapsed: boolean;
    }
  | { kind: 'peer'; key: string; peer: Peer };

export function matchesQuery(peer: Peer, query: string): boolean {
  if (!query) return true;
  const q = query.toLocaleLowerCase();
  return [peer.nick, peer.group, peer.host, peer.user, peer.address].some((field) =>
    field.toLocaleLowerCase().includes(q),
  );
}

function presenceRank(p: Peer): number {
  if (!p.online) return 2;
  return p.away ? 1 : 0;
}

/**
 * The rows of the peer list: online peers under their group (named groups in collation order,
 * then "no group"), everyone offline last. A search shows every match with groups expanded.
 */
export function buildPeerRows(
  peers: Iterable<Peer>,
  query: string,
  collapsed: ReadonlySet<string>,
  collator: Intl.Collator,
): PeerRow[] {
  const q = query.trim();
  const buckets = new Map<string, Peer[]>();
  for (const peer of peers) {
    if (!matchesQuery(peer, q)) continue;
    const key = peer.online ? peer.group.trim() : OFFLINE_GROUP;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(peer);
    else buckets.set(key, [peer]);
  }
  const order = [...buckets.keys()].sort((a, b) => {
    if (a === b) return 0;
    if (a === OFFLINE_GROUP) return 1;
    if (b === OFFLINE_GROUP) return -1;
    if (a === '') return 1;
    if (b === '') return -1;
    return collator.compare(a, b);
  });
  const rows: PeerRow[] = [];
  for (const group of order) {
    const members = (buckets.get(group) ?? []).sort(
      (a, b) =>
        presenceRank(a) - presenceRank(b) ||
        collator.compare(a.nick, b.nick) ||
        a.id.localeCompare(b.id),
    );
    const isCollapsed = !q && collapsed.has(group);
    rows.push({
      kind: 'group',
      key: `g:${group}`,
      group,
      count: members.length,
      online: members.filter((m) => m.online).length,
      collapsed: isCollapsed,
    });
    if (!isCollapsed) for (const peer of members) rows.push({ kind: 'peer', key: peer.id, peer });
  }
  return rows;
}
