import { createHash } from 'node:crypto';
import type { ConversationNotice, NoticeCode, Peer } from '../../../shared/model';
import { parseHostPort } from '../../../shared/protocol';
import { LruMap } from '../lru-map';
import { TokenBucket } from '../token-bucket';
import type { IdentityRows } from './identity-rows';

/** How a peer is recognised across addresses: neither way proves anything (see the notices). */
export type IdentityBasis = 'install' | 'names';

export interface IdentityKey {
  key: string;
  basis: IdentityBasis;
}

/**
 * A peer's identity: a Pigeon's install id, else the user, host and nick another client
 * announces (hashed: the names are a peer's hostile text, up to 256 characters each). None for
 * a peer that announced no user or host.
 */
export function identityKey(peer: Peer): IdentityKey | undefined {
  if (peer.installId) return { key: `i:${peer.installId}`, basis: 'install' };
  if (!peer.user || !peer.host) return undefined;
  const digest = createHash('sha256')
    .update(`${peer.user}\0${peer.host}\0${peer.nick}`)
    .digest('hex')
    .slice(0, 32);
  return { key: `n:${digest}`, basis: 'names' };
}

export interface AddressChangeLimits {
  /** A peer last seen longer ago than this is not "known" any more. */
  recentMs: number;
  /** At most one notice per pair of peers in this long (across restarts). */
  pairPeriodMs: number;
  /** At most this many notices per identity in pairPeriodMs (a forger flipping addresses). */
  perIdentity: number;
  /** At most this many notices an hour in all (a forger with many identities). */
  perHour: number;
  /** How often a peer still announcing the same identity has its record refreshed. */
  refreshMs: number;
  /** Peers whose identity this run has looked at (memory). */
  seenMax: number;
  /** Database look-ups for newly seen peers: burst and rate (a flood of forged entries). */
  lookupBurst: number;
  lookupsPerSecond: number;
}

export const ADDRESS_CHANGE_LIMITS: AddressChangeLimits = {
  recentMs: 30 * 24 * 3600_000,
  pairPeriodMs: 24 * 3600_000,
  perIdentity: 3,
  perHour: 20,
  refreshMs: 3600_000,
  seenMax: 4096,
  lookupBurst: 64,
  lookupsPerSecond: 16,
};

/** What looking at one announcement came to (for tests and diagnostics). */
export type AddressChangeOutcome =
  | 'no-identity' // no install id, and no user or host
  | 'known' // this peer already announced this identity in this run
  | 'busy' // too many new peers at once (a flood): not looked at now (again on its next entry)
  | 'no-match' // nobody we talk with announced this identity from elsewhere lately
  | 'pair-limited' // a notice for these two was written within pairPeriodMs
  | 'identity-limited' // perIdentity notices for this identity already
  | 'rate-limited' // perHour notices in all already
  | 'noticed'; // a notice in both conversations

/** Another peer as the history or the peer table knows it. */
export interface KnownPeer {
  id: string;
  address: string;
  port: number;
  nick: string;
  user: string;
  host: string;
}

export interface AddressChangeDeps {
  rows: IdentityRows;
  /** Epoch ms (persisted times). */
  now: () => number;
  /** Monotonic ms (the look-up budget). */
  monotonic: () => number;
  /** The peer behind an id, from the peer table or the history; undefined if neither has it. */
  known: (peerId: string) => KnownPeer | undefined;
  /** The live peer, for the event that tells the notice. */
  live: (peerId: string) => Peer | undefined;
  /** Called before the history is asked who else announced an identity (its batch is written). */
  beforeLookup: () => void;
  /** Writes a notice into a conversation; false when the history refused it. */
  write: (peerId: string, notice: ConversationNotice, peer: Peer | undefined) => boolean;
}

/**
 * "The same person at a new address": a peer that announces itself with the identity (install
 * id, or user+host+nick) of a peer we have a conversation with at another address. Nothing is
 * merged and nothing moves: each address stays its own peer and conversation, and a notice in
 * both says what was seen and that it proves nothing (anyone can announce anything). The
 * outbox of the old conversation moves only when the person says so (chat:redirect-queued).
 *
 * Bounded against a forger: one notice per pair per day (kept in the history, so restarts do
 * not repeat it), a few per identity per day (flipping between addresses), a few dozen an hour
 * in all, memory capped, and database look-ups for new peers budgeted (a flood of forged
 * entries costs a memory look-up each).
 */
export class AddressChanges {
  private readonly seen: LruMap<string, { key: string; at: number }>;
  private readonly perIdentity = new LruMap<string, number[]>();
  private readonly lastHour: number[] = [];
  private readonly lookups: TokenBucket;
  private readonly limits: AddressChangeLimits;

  constructor(
    private readonly deps: AddressChangeDeps,
    limits: Partial<AddressChangeLimits> = {},
  ) {
    this.limits = { ...ADDRESS_CHANGE_LIMITS, ...limits };
    this.seen = new LruMap();
    this.lookups = new TokenBucket(
      this.limits.lookupBurst,
      this.limits.lookupsPerSecond,
      deps.monotonic(),
    );
  }

  /** A peer announced itself (an entry or an answer to ours). */
  observe(peer: Peer): AddressChangeOutcome {
    const identity = identityKey(peer);
    if (!identity) return 'no-identity';
    const { rows } = this.deps;
    const now = this.deps.now();
    const before = this.seen.get(peer.id);
    if (before?.key === identity.key) {
      this.seen.touch(peer.id);
      if (now - before.at >= this.limits.refreshMs || now < before.at) {
        before.at = now;
        this.quietly(() => rows.note(peer.id, identity.key, now));
      }
      return 'known';
    }
    // Over budget (a flood of new senders): not remembered, so a real peer among them is
    // looked at on its next entry, once the flood has passed.
    if (!this.lookups.take(this.deps.monotonic())) return 'busy';
    this.remember(peer.id, identity.key, now);
    let others: { peerId: string; lastSeen: number }[] = [];
    this.quietly(() => {
      this.deps.beforeLookup();
      others = rows.others(identity.key, peer.id, now - this.limits.recentMs, 1);
      rows.note(peer.id, identity.key, now);
    });
    const old = others[0];
    if (!old) return 'no-match';
    const pair = [old.peerId, peer.id].sort().join(' ');
    let last: number | undefined;
    this.quietly(() => (last = rows.noticedAt(pair)));
    if (last !== undefined && now - last < this.limits.pairPeriodMs && now >= last)
      return 'pair-limited';
    const times = (this.perIdentity.get(identity.key) ?? []).filter(
      (t) => now - t < this.limits.pairPeriodMs && t <= now,
    );
    if (times.length >= this.limits.perIdentity) return 'identity-limited';
    while (this.lastHour.length > 0 && !(now - (this.lastHour[0] ?? now) < 3600_000))
      this.lastHour.shift();
    if (this.lastHour.length >= this.limits.perHour) return 'rate-limited';
    times.push(now);
    this.perIdentity.set(identity.key, times);
    trim(this.perIdentity, this.limits.seenMax);
    this.lastHour.push(now);
    this.quietly(() => rows.setNoticed(pair, now));
    this.writeBoth(peer, old.peerId, identity.basis);
    return 'noticed';
  }

  private writeBoth(peer: Peer, oldId: string, basis: IdentityBasis): void {
    const former = this.deps.known(oldId) ?? fromId(oldId);
    const moved: NoticeCode =
      basis === 'install' ? 'identity-moved-install' : 'identity-moved-names';
    const was: NoticeCode = basis === 'install' ? 'identity-was-install' : 'identity-was-names';
    this.quietly(() =>
      this.deps.write(
        oldId,
        {
          code: moved,
          params: {
            nick: peer.nick,
            user: peer.user,
            host: peer.host,
            address: shownAddress(peer.address, peer.port),
            peer: peer.id,
          },
        },
        this.deps.live(oldId),
      ),
    );
    this.quietly(() =>
      this.deps.write(
        peer.id,
        {
          code: was,
          params: {
            nick: former.nick,
            user: former.user,
            host: former.host,
            address: shownAddress(former.address, former.port),
            peer: oldId,
          },
        },
        peer,
      ),
    );
  }

  private remember(peerId: string, key: string, at: number): void {
    this.seen.set(peerId, { key, at });
    trim(this.seen, this.limits.seenMax);
  }

  /** A history that cannot be read or written costs the notice, never the packet's handling. */
  private quietly(fn: () => unknown): void {
    try {
      fn();
    } catch {
      // Only a notice is at stake.
    }
  }
}

/** Forgets the least recently used entries past `max`. */
function trim<K, V>(map: LruMap<K, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.oldest();
    if (!oldest) return;
    map.delete(oldest[0]);
  }
}

/** IPMsg's own port is left out, as people write addresses. */
function shownAddress(address: string, port: number): string {
  return port === 2425 ? address : `${address}:${port}`;
}

/** A peer the history lost: what its id says. */
function fromId(id: string): KnownPeer {
  const at = parseHostPort(id, 2425);
  const address = at.ok ? at.address : id;
  return { id, address, port: at.ok ? at.port : 2425, nick: address, user: '', host: '' };
}
