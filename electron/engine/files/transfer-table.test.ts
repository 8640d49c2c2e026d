import { afterEach, describe, expect, it } from 'vitest';
import type { Transfer, TransferState } from '../../../shared/model';
import type { EngineContext } from '../context';
import { HistoryStore } from '../history/store';
import { FILE_LIMITS } from './file-limits';
import type { InRecord, OutRecord, TransferRecord } from './transfer-record';
import { isFinished, TransferTable } from './transfer-table';

/**
 * The table's indexes (offers made to us by address and packet number, the bounds' buckets)
 * against a model that scans every record as the table once did.
 */
const stores: HistoryStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

const limits = { ...FILE_LIMITS, maxServedOffers: 6, maxIncoming: 9 };

function table(): TransferTable {
  const store = new HistoryStore(':memory:');
  stores.push(store);
  const ctx = {
    clock: { now: () => 1000, setTimeout: () => 0, clearTimeout: () => {} },
    emit: () => {},
    isRunning: () => false,
    dataDir: '/nonexistent/pigeon-transfer-table',
  } as unknown as EngineContext;
  return new TransferTable(ctx, limits, 'i', store.transfers);
}

function transfer(id: string, direction: 'in' | 'out', fileId: number): Transfer {
  return {
    id,
    peerId: '127.0.0.99:2425',
    direction,
    offerId: '1',
    item: { fileId, name: `${id}.bin`, kind: 'file', size: 10, mtime: 0 },
    state: { state: direction === 'in' ? 'offered' : 'waiting' },
    bytes: 0,
    at: 0,
    expiresAt: 10_000,
  } as Transfer;
}

const from = (address: string) => ({
  address,
  port: 2425,
  user: 'u',
  host: 'h',
  client: 'pigeon' as const,
  encoding: 'utf-8' as const,
  utf8: true,
});

function incoming(t: TransferTable, address: string, packetNo: number, fileId: number): InRecord {
  return {
    kind: 'in',
    transfer: transfer(t.newId(), 'in', fileId),
    from: from(address),
    packetNo,
  };
}

function outgoing(t: TransferTable, packetNo: number | undefined, fileId: number): OutRecord {
  return {
    kind: 'out',
    transfer: transfer(t.newId(), 'out', fileId),
    path: '/x',
    recipient: { address: '127.0.0.99', port: 2425, user: 'u', host: 'h' },
    packetNo,
    messageId: 'm',
  };
}

const ids = (records: TransferRecord[]) => records.map((r) => r.transfer.id);

describe('the transfer table indexes', () => {
  it('finds the items of an offer made to us, and no longer once pruned', () => {
    const t = table();
    const a1 = incoming(t, '10.0.0.5', 77, 1);
    const a2 = incoming(t, '10.0.0.5', 77, 2);
    const other = incoming(t, '10.0.0.6', 77, 1);
    for (const r of [a1, a2, other]) t.add(r);
    expect(ids(t.incomingOffer('10.0.0.5', 77))).toEqual(ids([a1, a2]));
    expect(t.incomingOffer('10.0.0.5', 78)).toEqual([]);
    // Cancelled, it is still the offer's (a later cancel from the peer names it again).
    t.setState(a1, { state: 'cancelled', by: 'us' });
    expect(ids(t.incomingOffer('10.0.0.5', 77))).toEqual(ids([a1, a2]));
    // Past maxIncoming the oldest open offers expire (still found); finished past 500 go.
    for (let i = 0; i < limits.maxIncoming; i++) t.add(incoming(t, '10.0.0.7', 100 + i, 1));
    expect(a2.transfer.state.state).toBe('expired');
    expect(other.transfer.state.state).toBe('expired');
    expect(ids(t.incomingOffer('10.0.0.6', 77))).toEqual(ids([other]));
    for (let i = 0; i < 500; i++) {
      const r = incoming(t, '10.0.0.8', 1000 + i, 1);
      t.add(r);
      t.setState(r, { state: 'declined' });
    }
    t.add(incoming(t, '10.0.0.8', 5000, 1));
    expect(t.get(a1.transfer.id)).toBeUndefined();
    expect(t.incomingOffer('10.0.0.5', 77)).toEqual([]);
    expect(t.incomingOffer('10.0.0.6', 77)).toEqual([]);
  });

  it('serves a numbered offer until it is cancelled or expires, and a fetched one again', () => {
    const t = table();
    const r = outgoing(t, undefined, 3);
    t.add(r);
    expect(t.servedItem(42, 3)).toBeUndefined();
    t.numbered(r, 42);
    expect(t.servedItem(42, 3)).toBe(r);
    t.setState(r, { state: 'done', at: 1 });
    expect(t.servedItem(42, 3)).toBe(r);
    t.setState(r, { state: 'cancelled', by: 'us' });
    expect(t.servedItem(42, 3)).toBeUndefined();
    expect(t.offerItems(42)).toEqual([]);
  });

  it('prunes exactly as a scan of every record, oldest added first, over random churn', () => {
    const t = table();
    const rnd = random(11);
    const states: TransferState[] = [
      { state: 'transferring' },
      { state: 'waiting' },
      { state: 'done', at: 1 },
      { state: 'declined' },
      { state: 'cancelled', by: 'peer' },
    ];
    // The model: the records in the order they were added, with states of its own, pruned as
    // the table once did (a scan of every record).
    const model: TransferRecord[] = [];
    const state = new Map<string, string>();
    const finished = (r: TransferRecord) =>
      isFinished({ state: state.get(r.transfer.id) } as TransferState);
    const modelPrune = () => {
      const done = model.filter(finished);
      for (const r of done.slice(0, Math.max(0, done.length - 500)))
        model.splice(model.indexOf(r), 1);
      for (const [kind, bound] of [
        ['out', limits.maxServedOffers],
        ['in', limits.maxIncoming],
      ] as const) {
        const open = model.filter((r) => r.kind === kind && !finished(r));
        for (const r of open.slice(0, Math.max(0, open.length - bound)))
          state.set(r.transfer.id, 'expired');
      }
    };
    for (let step = 0; step < 4000; step++) {
      const live = t.all();
      if (live.length > 0 && rnd(2) === 0) {
        // A state change, the only way a record moves between the buckets.
        const r = live[rnd(live.length)] as TransferRecord;
        const s = states[rnd(states.length)] as TransferState;
        t.setState(r, s);
        state.set(r.transfer.id, s.state);
        continue;
      }
      const r =
        rnd(2) === 0
          ? incoming(t, `10.0.${rnd(3)}.5`, rnd(40), rnd(3))
          : outgoing(t, rnd(40), rnd(3));
      state.set(r.transfer.id, r.transfer.state.state);
      t.add(r);
      model.push(r);
      modelPrune();
      expect(ids(t.all())).toEqual(ids(model));
      for (const x of t.all()) expect(x.transfer.state.state).toBe(state.get(x.transfer.id));
      // Every offer made to us is found under its address and number, and only there.
      for (let a = 0; a < 3; a++)
        for (let p = 0; p < 40; p += 7) {
          const want = model.filter(
            (m) => m.kind === 'in' && m.packetNo === p && m.from.address === `10.0.${a}.5`,
          );
          expect(ids(t.incomingOffer(`10.0.${a}.5`, p))).toEqual(ids(want));
        }
    }
    expect(model.length).toBeGreaterThan(500);
  });
});

/** A seeded xorshift32: the same churn on every run. */
function random(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}
