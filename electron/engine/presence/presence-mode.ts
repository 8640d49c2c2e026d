import { parseHostPort } from '../../../shared/protocol';

/**
 * Whom an engine tells that it arrives, changes its names and leaves.
 *
 * - `'lan'`: everyone (broadcast, the configured unicast hosts, and the peers that asked for
 *   unicast presence with DIALUPOPT). The app, `pigeon serve`, and the one-shot commands whose
 *   job is discovering (`peers`, `send --broadcast-all`).
 * - `{ only }`: these hosts alone ("ADDR" or "ADDR:PORT"), by unicast and without DIALUPOPT: a
 *   one-shot command that talks to a few hosts and is gone a second later. Announcing to the LAN
 *   would make every colleague's client show it arriving and leaving (iptux redraws its list, and
 *   can crash, on an entry while a chat window is open), and DIALUPOPT would ask them to keep
 *   unicasting presence to a process that no longer exists. Nobody else hears of it: it answers
 *   no one else's entry either.
 */
export type PresenceMode = 'lan' | { readonly only: readonly string[] };

export interface PresenceTarget {
  address: string;
  port: number;
}

/** The hosts of an `only` mode, or undefined for 'lan'. A bad spec is the caller's bug: it throws. */
export function presenceTargets(
  mode: PresenceMode | undefined,
  defaultPort: number,
): PresenceTarget[] | undefined {
  if (mode === undefined || mode === 'lan') return undefined;
  const out = new Map<string, PresenceTarget>();
  for (const spec of mode.only) {
    const t = parseHostPort(spec, defaultPort);
    if (!t.ok) throw new Error(`presence target ${JSON.stringify(spec)} is not ADDR or ADDR:PORT`);
    out.set(`${t.address}:${t.port}`, { address: t.address, port: t.port });
  }
  return [...out.values()];
}
