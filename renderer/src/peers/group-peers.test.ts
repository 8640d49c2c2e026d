import { describe, expect, it } from 'vitest';
import type { Peer } from '../../../shared/model';
import { buildPeerRows, OFFLINE_GROUP } from './group-peers';

function peer(n: number, nick: string, group: string, extra: Partial<Peer> = {}): Peer {
  return {
    id: `10.0.0.${n}:2425`,
    address: `10.0.0.${n}`,
    port: 2425,
    nick,
    group,
    user: 'u',
    host: `host-${n}`,
    client: 'iptux',
    version: '1',
    encoding: 'utf-8',
    capabilities: { utf8: true, files: false, echo: false, proof: false, dialup: false },
    away: false,
    online: true,
    announced: true,
    lastSeen: 0,
    ...extra,
  };
}

const collator = new Intl.Collator('en');
const peers = [
  peer(1, 'Zoe', 'QA'),
  peer(2, 'Amy', 'QA', { away: true }),
  peer(3, 'Bob', 'Design'),
  peer(4, 'Nobody', ''),
  peer(5, 'Gone', 'QA', { online: false }),
  peer(6, 'Ann', 'QA'),
];

describe('buildPeerRows', () => {
  it('groups online peers by group, "no group" then offline last', () => {
    const rows = buildPeerRows(peers, '', new Set(), collator);
    expect(rows.map((r) => (r.kind === 'group' ? `[${r.group}]` : r.peer.nick))).toEqual([
      '[Design]',
      'Bob',
      '[QA]',
      'Ann',
      'Zoe',
      'Amy',
      '[]',
      'Nobody',
      `[${OFFLINE_GROUP}]`,
      'Gone',
    ]);
  });

  it('collapses groups, but not while searching', () => {
    const collapsed = new Set(['QA']);
    expect(buildPeerRows(peers, '', collapsed, collator)).toHaveLength(7);
    const found = buildPeerRows(peers, 'host-1', collapsed, collator);
    expect(found.map((r) => r.key)).toEqual(['g:QA', '10.0.0.1:2425']);
  });

  it('searches nick, group, host and address', () => {
    expect(buildPeerRows(peers, 'design', new Set(), collator)).toHaveLength(2);
    expect(buildPeerRows(peers, '10.0.0.4', new Set(), collator)).toHaveLength(2);
    expect(buildPeerRows(peers, 'nothing', new Set(), collator)).toHaveLength(0);
  });
});
