import type { ClientKind, Peer, WireEncoding } from '../../../shared/model';
import { peerId } from '../../../shared/model';
import { withoutControls } from '../../../shared/text/hidden-chars';
import { LruMap } from '../lru-map';

export type PeerChange = 'online' | 'changed' | 'offline' | 'none';

export interface PeerUpdate {
  nick?: string;
  group?: string;
  user?: string;
  host?: string;
  client?: ClientKind;
  version?: string;
  encoding?: WireEncoding;
  utf8?: boolean;
  files?: boolean;
  echo?: boolean;
  proof?: boolean;
  dialup?: boolean;
  away?: boolean;
  announced?: boolean;
  online?: boolean;
  /** A Pigeon's install id from an entry; null: the entry carried none (forget the old one). */
  installId?: string | null;
}

/**
 * Peers keyed by "address:port" (names are not identities: IPMsg's RECVMSG carries CP932 names,
 * UTF-8 elsewhere). Bounded: past `max` entries the longest-offline peer is forgotten, so forged
 * senders cannot grow it without limit.
 */
export class PeerTable {
  /** By id, in the order they were last heard from. */
  private readonly peers = new LruMap<string, Peer>();
  /** Peers per address (usually one): a packet from a new port must not scan the whole table. */
  private readonly byAddress = new Map<string, Peer[]>();
  /** The last peer findByAddress returned: a conversation asks for the same one every packet. */
  private lastFound: Peer | undefined;

  constructor(private readonly max = 20_000) {}

  get(id: string): Peer | undefined {
    return this.peers.get(id);
  }

  /** A peer at this address: the one on the given port, else the only one there. */
  findByAddress(address: string, port?: number): Peer | undefined {
    const last = this.lastFound;
    if (last && last.port === port && last.address === address) return last;
    // By address first: the address string's hash is already cached (the engine looked it up
    // before), where "address:port" would be a new string to build and hash per packet.
    const there = this.byAddress.get(address);
    if (!there) return undefined;
    if (port !== undefined) {
      for (const p of there) {
        if (p.port === port) {
          this.lastFound = p;
          return p;
        }
      }
      // Asked for a port that has no peer: the only peer at the address is the one (IPMsg
      // clients send from other ports); several make it ambiguous.
      if (there.length > 1) return undefined;
    }
    return there[0];
  }

  list(): Peer[] {
    return [...this.peers.values()];
  }

  online(): Peer[] {
    return this.list().filter((p) => p.online);
  }

  /** Create or update; returns the change a listener should hear about. */
  upsert(
    address: string,
    port: number,
    received: PeerUpdate,
    now: number,
    fallbackEncoding: WireEncoding,
  ): { peer: Peer; change: PeerChange } {
    const update = withCleanNames(received);
    const id = peerId(address, port);
    const existing = this.peers.get(id);
    if (!existing) {
      this.evictIfFull();
      const peer: Peer = {
        id,
        address,
        port,
        nick: update.nick || address,
        group: update.group ?? '',
        user: update.user ?? '',
        host: update.host ?? '',
        client: update.client ?? 'unknown',
        version: update.version ?? '',
        encoding: update.encoding ?? fallbackEncoding,
        capabilities: {
          utf8: update.utf8 ?? false,
          files: update.files ?? false,
          echo: update.echo ?? false,
          proof: update.proof ?? false,
          dialup: update.dialup ?? false,
        },
        away: update.away ?? false,
        online: update.online ?? true,
        announced: update.announced ?? false,
        lastSeen: now,
        ...(update.installId ? { installId: update.installId } : {}),
      };
      this.peers.set(id, peer);
      const there = this.byAddress.get(address);
      if (there) there.push(peer);
      else this.byAddress.set(address, [peer]);
      return { peer, change: peer.online ? 'online' : 'none' };
    }
    const before = JSON.stringify(visible(existing));
    const wasOnline = existing.online;
    if (update.nick) existing.nick = update.nick;
    if (update.group !== undefined) existing.group = update.group;
    if (update.user) existing.user = update.user;
    if (update.host) existing.host = update.host;
    if (update.client && (update.client !== 'unknown' || existing.client === 'unknown'))
      existing.client = update.client;
    if (update.version) existing.version = update.version;
    if (update.encoding) existing.encoding = update.encoding;
    if (update.utf8 !== undefined) existing.capabilities.utf8 = update.utf8;
    if (update.files !== undefined) existing.capabilities.files = update.files;
    if (update.echo !== undefined) existing.capabilities.echo = update.echo;
    if (update.proof !== undefined) existing.capabilities.proof = update.proof;
    if (update.dialup !== undefined) existing.capabilities.dialup = update.dialup;
    if (update.away !== undefined) existing.away = update.away;
    if (update.announced) existing.announced = true;
    if (update.online !== undefined) existing.online = update.online;
    if (update.installId) existing.installId = update.installId;
    else if (update.installId === null) delete existing.installId;
    this.touch(existing, now);
    if (!wasOnline && existing.online) return { peer: existing, change: 'online' };
    if (wasOnline && !existing.online) return { peer: existing, change: 'offline' };
    return {
      peer: existing,
      change: before === JSON.stringify(visible(existing)) ? 'none' : 'changed',
    };
  }

  /** Show a peer online or offline without counting it as heard from. */
  setOnline(id: string, online: boolean): PeerChange {
    const p = this.peers.get(id);
    if (!p || p.online === online) return 'none';
    p.online = online;
    return online ? 'online' : 'offline';
  }

  /** Heard from this peer (one from get or findByAddress): it becomes the most recent. */
  touch(peer: Peer, now: number): void {
    // A peer forgotten meanwhile stays forgotten.
    if (this.peers.touch(peer.id)) peer.lastSeen = now;
  }

  /**
   * Forget the least recently seen peer, preferring an offline one among the oldest few. The
   * table keeps its peers in order of recency (an LruMap), so this is O(1) however full it
   * is: a flood of forged senders costs each packet the same.
   */
  private evictIfFull(): void {
    if (this.peers.size < this.max) return;
    let victim: Peer | undefined;
    let looked = 0;
    for (const p of this.peers.values()) {
      victim ??= p;
      if (!p.online) {
        victim = p;
        break;
      }
      if (++looked >= 16) break;
    }
    if (victim) {
      this.peers.delete(victim.id);
      const there = this.byAddress.get(victim.address) ?? [];
      const rest = there.filter((p) => p !== victim);
      if (rest.length) this.byAddress.set(victim.address, rest);
      else this.byAddress.delete(victim.address);
      if (this.lastFound === victim) this.lastFound = undefined;
    }
  }
}

const NAME_FIELDS = ['nick', 'group', 'user', 'host'] as const;

/**
 * A peer's names as it sent them, less the characters that would act instead of being seen
 * (control characters and line breaks: withoutControls in shared/text/hidden-chars; the
 * invisible and bidi characters stay, for the UI to show marked and the CLI to escape).
 * Names are shown everywhere, in lists, titles and the CLI, and a peer has no business
 * reordering or hiding them; texts are kept intact and escaped where they are displayed.
 */
function withCleanNames(update: PeerUpdate): PeerUpdate {
  let clean: PeerUpdate | undefined;
  for (const field of NAME_FIELDS) {
    const name = update[field];
    if (name === undefined) continue;
    const stripped = withoutControls(name);
    if (stripped === name) continue;
    clean ??= { ...update };
    clean[field] = stripped;
  }
  return clean ?? update;
}

/** What a person sees of a peer: a change here is worth a 'peer-changed' event. */
function visible(p: Peer) {
  return {
    nick: p.nick,
    group: p.group,
    user: p.user,
    host: p.host,
    client: p.client,
    encoding: p.encoding,
    away: p.away,
    online: p.online,
    installId: p.installId,
    // Whether a peer wants unicast presence (DIALUPOPT) is plumbing, not something people see.
    capabilities: {
      utf8: p.capabilities.utf8,
      files: p.capabilities.files,
      echo: p.capabilities.echo,
    },
  };
}

/** A copy for listeners: the table's own objects change as packets arrive. */
export function clonePeer(p: Peer): Peer {
  return { ...p, capabilities: { ...p.capabilities } };
}
