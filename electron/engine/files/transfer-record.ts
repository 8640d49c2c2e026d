import type { ClientKind, Transfer, WireEncoding } from '../../../shared/model';

/** Who an offer was made to, as IPMsg checks a fetch: the address, and the user and host names. */
export interface Recipient {
  address: string;
  port: number;
  user: string;
  host: string;
}

/** The peer an incoming offer came from, and what we know of how it fetches. */
export interface Offerer extends Recipient {
  client: ClientKind;
  encoding: WireEncoding;
  utf8: boolean;
}

/** An item we offer: where it is on our disk, and to whom. */
export interface OutRecord {
  kind: 'out';
  transfer: Transfer;
  path: string;
  recipient: Recipient;
  /** The offer's packet number, once the datagram that carries it has one. */
  packetNo: number | undefined;
  /** The chat message the offer went with. */
  messageId: string;
}

/** An item offered to us: whose, and where its bytes go. */
export interface InRecord {
  kind: 'in';
  transfer: Transfer;
  from: Offerer;
  packetNo: number;
  /** The folder it is saved into, once accepted. */
  into?: string;
  /** The partial file (or folder) being written, once a fetch began. */
  part?: string;
}

/** What is kept of one transfer across restarts (the history's `transfers` table). */
export type TransferRecord = OutRecord | InRecord;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Enough of a shape check that a hand-edited record cannot crash the engine later. */
export function isRecord(v: unknown): v is TransferRecord {
  if (!isObject(v) || (v.kind !== 'in' && v.kind !== 'out')) return false;
  const t = v.transfer;
  if (!isObject(t) || typeof t.id !== 'string' || typeof t.peerId !== 'string') return false;
  if (!isObject(t.item) || typeof t.item.fileId !== 'number' || typeof t.item.name !== 'string')
    return false;
  if (!isObject(t.state) || typeof t.state.state !== 'string') return false;
  if (v.kind === 'out') return typeof v.path === 'string' && isObject(v.recipient);
  return typeof v.packetNo === 'number' && isObject(v.from);
}
