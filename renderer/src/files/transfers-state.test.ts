import { describe, expect, it } from 'vitest';
import type { Transfer, TransferState } from '../../../shared/model';
import {
  awaitingAnswer,
  cancellable,
  filterOf,
  replaceTransfers,
  transfersNewestFirst,
  upsertTransfer,
} from './transfers-state';

function transfer(
  id: string,
  at: number,
  state: TransferState,
  direction: 'in' | 'out' = 'in',
): Transfer {
  return {
    id,
    peerId: '10.0.0.2:2425',
    direction,
    offerId: '1',
    item: { fileId: 1, name: `${id}.txt`, kind: 'file', size: 100, mtime: 0 },
    state,
    bytes: 0,
    at,
    expiresAt: at + 1000,
  };
}

describe('transfers slice', () => {
  it('replaces a transfer by id with what the engine told last', () => {
    let map = replaceTransfers([transfer('a', 1, { state: 'offered' })]);
    map = upsertTransfer(map, { ...transfer('a', 1, { state: 'transferring' }), bytes: 40 });
    map = upsertTransfer(map, transfer('b', 2, { state: 'offered' }));
    expect(map.size).toBe(2);
    expect(map.get('a')?.state.state).toBe('transferring');
    expect(map.get('a')?.bytes).toBe(40);
  });

  it('the engine list replaces everything the page had', () => {
    const before = replaceTransfers([transfer('old', 1, { state: 'done', at: 2 })]);
    const after = replaceTransfers([transfer('new', 3, { state: 'offered' })]);
    expect(before.has('old')).toBe(true);
    expect([...after.keys()]).toEqual(['new']);
  });

  it('lists newest first, filtered by what the person can still do', () => {
    const map = replaceTransfers([
      transfer('done', 1, { state: 'done', at: 2 }),
      transfer('cut', 2, { state: 'interrupted', code: 'file-cut', params: {} }),
      transfer('gone', 3, { state: 'expired' }),
      transfer('new', 4, { state: 'offered' }),
      transfer('no', 5, { state: 'declined' }),
    ]);
    expect(transfersNewestFirst(map, 'all').map((t) => t.id)).toEqual([
      'no',
      'new',
      'gone',
      'cut',
      'done',
    ]);
    expect(transfersNewestFirst(map, 'active').map((t) => t.id)).toEqual(['new', 'cut']);
    expect(transfersNewestFirst(map, 'done').map((t) => t.id)).toEqual(['done']);
    expect(transfersNewestFirst(map, 'failed').map((t) => t.id)).toEqual(['no', 'gone']);
    expect(filterOf(transfer('x', 0, { state: 'cancelled', by: 'peer' }))).toBe('failed');
  });

  it('knows which items wait for an answer and which can be cancelled', () => {
    const offeredIn = transfer('i', 1, { state: 'offered' });
    const offeredOut = transfer('o', 1, { state: 'offered' }, 'out');
    const doneOut = transfer('d', 1, { state: 'done', at: 1 }, 'out');
    expect(awaitingAnswer([offeredIn, offeredOut, doneOut]).map((t) => t.id)).toEqual(['i']);
    expect(cancellable(offeredOut)).toBe(true);
    expect(cancellable(doneOut)).toBe(false);
    // Incoming and offered: the answer is Decline, not Cancel.
    expect(cancellable(offeredIn)).toBe(false);
    expect(cancellable(transfer('t', 1, { state: 'transferring' }))).toBe(true);
  });
});
