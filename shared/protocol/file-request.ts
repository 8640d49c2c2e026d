import { COLON, latin1Bytes, NUL } from './bytes';
import { allDecimalAt, assertCount, parseDecAt, parseHexAt } from './fields';

/**
 * The extra of the TCP requests GETFILEDATA (`packetNo:fileID:offset`) and GETDIRFILES
 * (`packetNo:fileID`), every number in hex. What the clients write:
 * - IP Messenger (recvdlg.cpp StartRecvFile): `%x:%x:` then `0:` for GETFILEDATA; with
 *   ENCFILEOPT more fields follow (capability, key, packet number).
 * - iptux (Command.cpp SendAskData/SendAskFiles): `%x:%x:%lx` and `%x:%x:0`, no trailing ':',
 *   followed by the packet's terminating NUL.
 * - FeiQ clones (feiqcommu.cpp): `%x:%x:%x:` for both.
 */

/** Length of the SHA-256 trailer a Pigeon sends after a file when asked with PIGEON_HASHOPT. */
export const HASH_TRAILER_BYTES = 32;

/**
 * `packetNo:fileId:offset:` in lower-case hex. The trailing ':' is what IP Messenger writes, and
 * a FeiQ-family server was seen to send nothing without it; iptux needs the offset present.
 */
export function buildFileDataRequest(packetNo: number, fileId: number, offset: number): Uint8Array {
  assertCount(packetNo, 'packetNo');
  assertCount(fileId, 'fileId');
  assertCount(offset, 'offset');
  return latin1Bytes(`${packetNo.toString(16)}:${fileId.toString(16)}:${offset.toString(16)}:`);
}

/** `packetNo:fileId:` in lower-case hex, as IP Messenger writes it. */
export function buildDirFilesRequest(packetNo: number, fileId: number): Uint8Array {
  assertCount(packetNo, 'packetNo');
  assertCount(fileId, 'fileId');
  return latin1Bytes(`${packetNo.toString(16)}:${fileId.toString(16)}:`);
}

export type FileRequestFailure =
  'missing-field' | 'bad-packet-no' | 'bad-file-id' | 'bad-offset' | 'oversized';

export type FileRequest =
  | {
      ok: true;
      packetNo: number;
      fileId: number;
      /** Always 0 for 'dir' (iptux's `:0` there is padding for LanQQ, not an offset). */
      offset: number;
      /**
       * The fileID digits read as decimal, when they are all decimal digits. Offers carry
       * decimal ids but requests hex ones; iptux looks an id up as hex first, then as decimal,
       * to serve clients that echo the decimal digits unchanged.
       */
      fileIdDecimal?: number;
    }
  | { ok: false; reason: FileRequestFailure };

/** Longer than any real request (IPMsg's encrypted form is about 100 bytes). */
const MAX_REQUEST_EXTRA = 512;
/** A safe integer needs at most 14 hex digits; leading zeros allowed up to this. */
const MAX_DIGITS = 16;

/**
 * Reads a request extra. Accepts iptux's form (no trailing ':', maybe NUL-terminated), IP
 * Messenger's and FeiQ's (trailing ':'), and ignores fields after the offset. A missing or
 * empty offset means 0. Never throws.
 */
export function parseFileRequest(extra: Uint8Array, kind: 'file' | 'dir'): FileRequest {
  let end = 0;
  while (end < extra.length && extra[end] !== NUL) end++;
  if (end > MAX_REQUEST_EXTRA) return { ok: false, reason: 'oversized' };

  const c1 = colonFrom(extra, 0, end);
  if (c1 === end) return { ok: false, reason: 'missing-field' };
  const packetNo = hexField(extra, 0, c1);
  if (packetNo < 0) return { ok: false, reason: 'bad-packet-no' };

  const c2 = colonFrom(extra, c1 + 1, end);
  const fileId = hexField(extra, c1 + 1, c2);
  if (fileId < 0) {
    return { ok: false, reason: c2 === c1 + 1 ? 'missing-field' : 'bad-file-id' };
  }
  const fileIdDecimal = allDecimalAt(extra, c1 + 1, c2) ? parseDecAt(extra, c1 + 1, c2) : undefined;

  let offset = 0;
  if (kind === 'file' && c2 < end) {
    const c3 = colonFrom(extra, c2 + 1, end);
    if (c3 > c2 + 1) {
      offset = hexField(extra, c2 + 1, c3);
      if (offset < 0) return { ok: false, reason: 'bad-offset' };
    }
  }
  const request: FileRequest = { ok: true, packetNo, fileId, offset };
  if (fileIdDecimal !== undefined && fileIdDecimal >= 0) request.fileIdDecimal = fileIdDecimal;
  return request;
}

function colonFrom(bytes: Uint8Array, from: number, end: number): number {
  let i = from;
  while (i < end && bytes[i] !== COLON) i++;
  return i;
}

function hexField(bytes: Uint8Array, start: number, end: number): number {
  return end - start > MAX_DIGITS ? -1 : parseHexAt(bytes, start, end);
}
