import type { Peer } from '../../../shared/model';

/**
 * How many peers learned from packets get our presence by unicast. A peer's entry with
 * DIALUPOPT asks every receiver to unicast its presence there until it exits (IPMsg's DialUpList),
 * and a forged entry asks the same: 1,000 forged dial-up entries made every refresh send 1,000
 * unicast entries (102 KB), and every name change and start-up repeat as many again.
 *
 * 128 dial-up peers per announce: IPMsg's DialUpList holds the few hosts on other subnets or a
 * VPN, and iptux's IP ranges make every iptux of a remote subnet one, which for a site is tens;
 * 128 entries of about 120 bytes cost at most ~16 KB a refresh, whatever is forged. The most
 * recently heard go first. A dial-up peer left out of a refresh is not expected to answer it (it
 * is not shown offline for its silence), and forged ones never answer, so each refresh shows
 * them offline and the next one reaches the peers after them.
 */
export const DIALUP_UNICAST_MAX = 128;

/**
 * How many known peers get one unicast presence packet when we change our names (the legacy
 * clients, which ignore BR_ABSENCE) or leave (BR_EXIT, as iptux sends it to every peer it saw):
 * a LAN of 1,000 hosts, while forged entries (the peer table holds 20,000) cannot make one name
 * change or one exit a flood of 20,000 datagrams.
 */
export const PEER_UNICAST_MAX = 1024;

/**
 * Up to `max` peers that pass `wanted`, most recently heard first. `oldestFirst` is the peer
 * table's order (it keeps its peers by recency).
 */
export function mostRecentPeers(
  oldestFirst: readonly Peer[],
  wanted: (p: Peer) => boolean,
  max: number,
): Peer[] {
  const out: Peer[] = [];
  for (let i = oldestFirst.length - 1; i >= 0 && out.length < max; i--) {
    const p = oldestFirst[i];
    if (p && wanted(p)) out.push(p);
  }
  return out;
}
