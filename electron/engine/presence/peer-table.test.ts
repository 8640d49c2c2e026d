import { describe, expect, it } from 'vitest';
import { PeerTable } from './peer-table';

describe('PeerTable', () => {
  it('creates a peer keyed by address:port and reports it online', () => {
    const t = new PeerTable();
    const r = t.upsert(
      '10.0.0.2',
      2425,
      { nick: 'bob', client: 'iptux', announced: true },
      5,
      'gb18030',
    );
    expect(r.change).toBe('online');
    expect(r.peer).toMatchObject({
      id: '10.0.0.2:2425',
      nick: 'bob',
      client: 'iptux',
      encoding: 'gb18030',
      online: true,
      lastSeen: 5,
    });
    expect(t.get('10.0.0.2:2425')).toBe(r.peer);
  });

  it('uses the address as nick when there is none', () => {
    const t = new PeerTable();
    expect(t.upsert('10.0.0.2', 2425, {}, 0, 'utf-8').peer.nick).toBe('10.0.0.2');
  });

  it('reports changed only for visible changes, and offline/online transitions', () => {
    const t = new PeerTable();
    t.upsert('10.0.0.2', 2425, { nick: 'bob' }, 0, 'utf-8');
    expect(t.upsert('10.0.0.2', 2425, { nick: 'bob' }, 1, 'utf-8').change).toBe('none');
    expect(t.upsert('10.0.0.2', 2425, { nick: 'bobby' }, 2, 'utf-8').change).toBe('changed');
    expect(t.upsert('10.0.0.2', 2425, { online: false }, 3, 'utf-8').change).toBe('offline');
    expect(t.upsert('10.0.0.2', 2425, { online: false }, 4, 'utf-8').change).toBe('none');
    expect(t.upsert('10.0.0.2', 2425, { online: true }, 5, 'utf-8').change).toBe('online');
  });

  it('never downgrades a known client to unknown, and announced is sticky', () => {
    const t = new PeerTable();
    t.upsert('10.0.0.2', 2425, { client: 'feiq', announced: true }, 0, 'utf-8');
    const p = t.upsert('10.0.0.2', 2425, { client: 'unknown', announced: false }, 1, 'utf-8').peer;
    expect(p.client).toBe('feiq');
    expect(p.announced).toBe(true);
  });

  it('finds a peer by address: exact port first, else the only one there', () => {
    const t = new PeerTable();
    t.upsert('10.0.0.2', 2425, {}, 0, 'utf-8');
    expect(t.findByAddress('10.0.0.2', 40000)?.id).toBe('10.0.0.2:2425');
    expect(t.findByAddress('10.0.0.2')?.id).toBe('10.0.0.2:2425');
    t.upsert('10.0.0.2', 2426, {}, 0, 'utf-8');
    expect(t.findByAddress('10.0.0.2', 2426)?.id).toBe('10.0.0.2:2426');
    expect(t.findByAddress('10.0.0.2', 40000)).toBeUndefined();
    expect(t.findByAddress('10.0.0.3')).toBeUndefined();
  });

  it('keeps finding by address right as peers at a shared address come and go', () => {
    const t = new PeerTable(2);
    t.upsert('10.0.0.2', 2425, { online: false }, 0, 'utf-8');
    t.upsert('10.0.0.2', 2426, {}, 1, 'utf-8');
    expect(t.findByAddress('10.0.0.2', 40000)).toBeUndefined(); // two there: ambiguous
    t.upsert('10.0.0.9', 2425, {}, 2, 'utf-8'); // evicts the offline 10.0.0.2:2425
    expect(t.get('10.0.0.2:2425')).toBeUndefined();
    expect(t.findByAddress('10.0.0.2', 40000)?.id).toBe('10.0.0.2:2426');
    expect(t.findByAddress('10.0.0.2')?.id).toBe('10.0.0.2:2426');
    t.upsert('10.0.0.8', 2425, {}, 3, 'utf-8'); // evicts 10.0.0.2:2426, the last one there
    expect(t.findByAddress('10.0.0.2')).toBeUndefined();
    expect(t.findByAddress('10.0.0.2', 2426)).toBeUndefined();
  });

  it('never returns a forgotten peer, however recently it was found', () => {
    const t = new PeerTable(2);
    t.upsert('10.0.0.1', 1, { online: false }, 0, 'utf-8');
    expect(t.findByAddress('10.0.0.1', 1)?.id).toBe('10.0.0.1:1');
    t.upsert('10.0.0.2', 1, {}, 1, 'utf-8');
    t.upsert('10.0.0.3', 1, {}, 2, 'utf-8'); // evicts the offline 10.0.0.1
    expect(t.get('10.0.0.1:1')).toBeUndefined();
    expect(t.findByAddress('10.0.0.1', 1)).toBeUndefined();
    // touch on a forgotten peer must not bring it back.
    const gone = { ...(t.findByAddress('10.0.0.2', 1) ?? fail()), id: '10.0.0.1:1' };
    t.touch(gone, 3);
    expect(t.list().map((p) => p.address)).toEqual(['10.0.0.2', '10.0.0.3']);
  });

  it('touch moves a peer to the recent end and stamps it', () => {
    const t = new PeerTable(2);
    const a = t.upsert('10.0.0.1', 1, {}, 0, 'utf-8').peer;
    t.upsert('10.0.0.2', 1, {}, 1, 'utf-8');
    t.touch(a, 2);
    expect(a.lastSeen).toBe(2);
    t.upsert('10.0.0.3', 1, {}, 3, 'utf-8'); // the least recently seen (10.0.0.2) goes
    expect(t.list().map((p) => p.address)).toEqual(['10.0.0.1', '10.0.0.3']);
  });

  it('evicts the longest-offline peer first when full', () => {
    // Time only moves forward: recency is the order in which peers were last heard.
    const t = new PeerTable(3);
    t.upsert('10.0.0.1', 1, {}, 0, 'utf-8');
    t.upsert('10.0.0.2', 1, { online: false }, 5, 'utf-8');
    t.upsert('10.0.0.3', 1, { online: false }, 10, 'utf-8');
    t.upsert('10.0.0.4', 1, {}, 20, 'utf-8');
    expect(t.list().map((p) => p.address)).toEqual(['10.0.0.1', '10.0.0.3', '10.0.0.4']);
  });

  it('evicts the least recently seen peer when everyone is online', () => {
    const t = new PeerTable(3);
    t.upsert('10.0.0.1', 1, {}, 10, 'utf-8');
    t.upsert('10.0.0.2', 1, {}, 20, 'utf-8');
    t.upsert('10.0.0.3', 1, {}, 30, 'utf-8');
    t.touch(t.get('10.0.0.1:1') ?? fail(), 35);
    t.upsert('10.0.0.4', 1, {}, 40, 'utf-8');
    expect(
      t
        .list()
        .map((p) => p.address)
        .sort(),
    ).toEqual(['10.0.0.1', '10.0.0.3', '10.0.0.4']);
    expect(t.list()).toHaveLength(3);
  });

  it('stays cheap per packet when forged senders keep it full (eviction must not sort or scan the table)', () => {
    // A full table of "online" forged peers: each new forged sender evicts one. That must cost
    // about as much as an insert into a table with room, not a sort of 20,000 peers.
    const t = new PeerTable(20_000);
    let now = 0;
    const fill = (prefix: string, n: number) => {
      const started = performance.now();
      for (let i = 0; i < n; i++)
        t.upsert(`${prefix}.${i >> 8}.${i & 255}`, 2425, { announced: true }, now++, 'utf-8');
      return performance.now() - started;
    };
    fill('10.1', 18_000);
    const belowCap = fill('10.2', 2_000);
    const pastCap = fill('10.3', 2_000);
    expect(t.list()).toHaveLength(20_000);
    expect(pastCap).toBeLessThan(20 * belowCap + 50);
  });
});

function fail(): never {
  throw new Error('expected a peer');
}

describe('PeerTable names', () => {
  const hostile = {
    nick: 'mal\u202Elory\x1b[2J',
    group: 'ops\n12:00:00 + admin',
    user: 'root\u009b2J',
    host: 'pc\u200B\uFEFF\x07',
  };

  it('arrive without control characters, on creation and on update', () => {
    const t = new PeerTable();
    const created = t.upsert('10.0.0.2', 2425, hostile, 0, 'utf-8').peer;
    // Controls go; bidi and invisible characters stay, for the UI to mark and the CLI to
    // escape: stripping them would turn `bo\u200Bb` into a perfect `bob`.
    expect(created).toMatchObject({
      nick: 'mal\u202Elory[2J',
      group: 'ops12:00:00 + admin',
      user: 'root2J',
      host: 'pc\u200B\uFEFF',
    });
    t.upsert('10.0.0.2', 2425, { nick: 'bob', group: 'g', user: 'u', host: 'h' }, 1, 'utf-8');
    const updated = t.upsert('10.0.0.2', 2425, hostile, 2, 'utf-8');
    expect(updated.peer).toMatchObject({ nick: 'mal\u202Elory[2J', host: 'pc\u200B\uFEFF' });
    expect(updated.change).toBe('changed');
  });

  it('keep what names are made of, emoji included, and are not copied when clean', () => {
    const t = new PeerTable();
    const update = { nick: '小王 👨‍👩‍👧', group: '研发部', user: 'wang', host: 'WANG-PC' };
    expect(t.upsert('10.0.0.2', 2425, update, 0, 'utf-8').peer).toMatchObject(update);
  });

  it('a name of nothing but controls counts as no name', () => {
    const t = new PeerTable();
    expect(t.upsert('10.0.0.2', 2425, { nick: '\x1b\x07' }, 0, 'utf-8').peer.nick).toBe('10.0.0.2');
    t.upsert('10.0.0.3', 2425, { nick: 'carol' }, 0, 'utf-8');
    expect(t.upsert('10.0.0.3', 2425, { nick: '\x00\n' }, 1, 'utf-8').peer.nick).toBe('carol');
    // A lone RLO is not a control: it stays, and the UI shows it as what it is.
    expect(t.upsert('10.0.0.3', 2425, { nick: '\u202E' }, 2, 'utf-8').peer.nick).toBe('\u202E');
  });
});
