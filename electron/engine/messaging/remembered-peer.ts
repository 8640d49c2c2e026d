import { isPeerId } from '../../../shared/contract/guards';
import type { ClientKind, Peer } from '../../../shared/model';
import type { StoredPeer } from '../history/store';

const CLIENTS: readonly ClientKind[] = ['pigeon', 'ipmsg', 'iptux', 'feiq', 'unknown'];

/**
 * A peer the history remembers (the names it last announced) as the contract's Peer, for a
 * conversation whose peer has not been heard from since this engine started: offline and not
 * announced, so nothing is sent or answered on its account; only its names are shown. Undefined
 * for an id that is not "IPv4:port" (a row from a damaged or foreign database).
 */
export function rememberedPeer(stored: StoredPeer): Peer | undefined {
  if (!isPeerId(stored.id)) return undefined;
  const at = stored.id.lastIndexOf(':');
  const address = stored.id.slice(0, at);
  const port = Number(stored.id.slice(at + 1));
  const client = CLIENTS.find((c) => c === stored.client) ?? 'unknown';
  return {
    id: stored.id,
    address,
    port,
    nick: stored.nick || address,
    group: stored.group,
    user: stored.user,
    host: stored.host,
    client,
    version: '',
    encoding: 'utf-8',
    capabilities: { utf8: false, files: false, echo: false, proof: false, dialup: false },
    away: false,
    online: false,
    announced: false,
    lastSeen: stored.lastSeen,
  };
}
