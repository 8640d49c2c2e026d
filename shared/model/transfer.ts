import type { OutcomeParams } from './message';

/** One file or folder of an offer, as the attachment list names it. */
export interface OfferedItem {
  /** The offer's file id (decimal on the wire), unique within its offer. */
  fileId: number;
  /** Display name, already decoded; a peer's name is shown, never trusted as a path. */
  name: string;
  kind: 'file' | 'folder';
  /** Bytes of a file; a folder's size is unknown until it has been fetched (-1). */
  size: number;
  /** Unix seconds, 0 when the offer did not say. */
  mtime: number;
}

/** Why a transfer stopped short. The text for people is in the catalogue (texts/). */
export type TransferFailureCode =
  | 'file-connect' // the peer's TCP port could not be reached (firewall, gone)
  | 'file-refused' // the peer closed without sending: it no longer offers the file, or not to us
  | 'file-cut' // the connection broke part-way (resumable)
  | 'file-stalled' // too little progress for too long (resumable)
  | 'file-not-offered' // the offer's datagram was never acknowledged: the peer never saw it
  | 'file-hash-mismatch' // a Pigeon peer's hash does not match what arrived
  | 'file-no-space' // not enough free space for what was offered
  | 'file-write' // the file could not be written (permissions, disk full)
  | 'file-read' // a file we offer could not be read (moved, changed, deleted)
  | 'file-unsafe-name' // a name tried to leave the chosen folder, or names no file
  | 'file-malformed' // the folder stream did not follow the protocol
  | 'file-too-large' // past a limit: entries in a folder, or an auto-accept quota
  | 'file-stopped'; // Pigeon stopped during the transfer (resumable)

/** The life of one transfer: one offered item, in either direction. */
export type TransferState =
  /** Out: offered, the peer has not fetched it yet. In: waiting for the person to accept. */
  | { state: 'offered' }
  /** Accepted (in) or requested (out), no bytes yet. */
  | { state: 'waiting' }
  | { state: 'transferring' }
  /** Stopped short in a way a retry can continue from `bytes` (or restart, if the peer ignores offsets). */
  | { state: 'interrupted'; code: TransferFailureCode; params: OutcomeParams }
  | { state: 'done'; at: number }
  | { state: 'declined' }
  | { state: 'cancelled'; by: 'us' | 'peer' }
  | { state: 'expired' }
  | { state: 'failed'; code: TransferFailureCode; params: OutcomeParams };

export type TransferStateName = TransferState['state'];

/** What was checked before a received file was called done. */
export type Verification = 'size' | 'hash';

/** One file or folder on its way, either direction. JSON-safe. */
export interface Transfer {
  /** Local unique id. */
  id: string;
  /** The conversation: the peer's id ("address:port"). */
  peerId: string;
  direction: 'in' | 'out';
  /** The offer's packet number, as the wire has it (decimal). */
  offerId: string;
  item: OfferedItem;
  state: TransferState;
  /** Bytes moved so far (for a folder, of all its files). */
  bytes: number;
  /** Files moved so far, for a folder. */
  files?: number;
  /** Bytes per second over the last few seconds, while transferring. */
  rate?: number;
  /** Epoch ms when the offer was made or arrived. */
  at: number;
  /** Epoch ms after which the offer is no longer served or fetchable. */
  expiresAt: number;
  /** In, done: where it was saved (the file, or the folder). Shown only in the desktop app. */
  savedAs?: string;
  /** In, done: what was verified. */
  verified?: Verification;
  /** In: whether the peer is known to continue from an offset (Pigeon) or restarts (iptux). */
  resumes?: boolean;
}
