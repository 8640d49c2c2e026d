import type { Handlers } from '../../../shared/contract';
import type { EngineContext } from '../context';
import { clonePeer } from './peer-table';
import type { Presence } from './presence';

/** The contract's `peers:*` requests. */
export function presenceHandlers(ctx: EngineContext, presence: Presence) {
  return {
    'peers:list': () => ctx.peers.list().map(clonePeer),
    'peers:refresh': () => {
      presence.refresh();
      return null;
    },
    'peers:add': ({ address, port }) => {
      presence.announceTo(address, port);
      return null;
    },
  } satisfies Pick<Handlers, 'peers:list' | 'peers:refresh' | 'peers:add'>;
}
