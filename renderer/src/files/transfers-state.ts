import type { Transfer, TransferStateName } from '../../../shared/model';

/** Transfers by id, as the engine last told them (files:list, then files:transfer). */
export type TransferMap = ReadonlyMap<string, Transfer>;

export type TransferFilter = 'all' | 'active' | 'done' | 'failed';

const FILTER_OF: Record<TransferStateName, Exclude<TransferFilter, 'all'>> = {
  offered: 'active',
  waiting: 'active',
  transferring: 'active',
  // A retry can continue it: still the person's business, not an ending.
  interrupted: 'active',
  done: 'done',
  declined: 'failed',
  cancelled: 'failed',
  expired: 'failed',
  failed: 'failed',
};

/** The engine's list replaces what this page had: it is the whole truth at that moment. */
export function replaceTransfers(list: readonly Transfer[]): TransferMap {
  return new Map(list.map((t) => [t.id, t]));
}

/** Each `files:transfer` carries the whole transfer: it replaces the one with its id. */
export function upsertTransfer(map: TransferMap, transfer: Transfer): TransferMap {
  if (map.get(transfer.id) === transfer) return map;
  const next = new Map(map);
  next.set(transfer.id, transfer);
  return next;
}

export function filterOf(transfer: Transfer): Exclude<TransferFilter, 'all'> {
  return FILTER_OF[transfer.state.state];
}

/** Newest first, for the transfers view; ties keep a stable order by id. */
export function transfersNewestFirst(map: TransferMap, filter: TransferFilter): Transfer[] {
  const list = [...map.values()].filter((t) => filter === 'all' || filterOf(t) === filter);
  return list.sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Incoming items still waiting for the person to accept or decline. */
export function awaitingAnswer(transfers: readonly Transfer[]): Transfer[] {
  return transfers.filter((t) => t.direction === 'in' && t.state.state === 'offered');
}

/** Outgoing items that can still be cancelled; incoming ones being fetched too. */
export function cancellable(t: Transfer): boolean {
  const s = t.state.state;
  if (t.direction === 'out') return s === 'offered' || s === 'waiting' || s === 'transferring';
  return s === 'waiting' || s === 'transferring' || s === 'interrupted';
}
