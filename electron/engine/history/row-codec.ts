import zlib from 'node:zlib';
import type { BatchRow } from './batch-write';

/**
 * A message row as bytes: the inbox journal's record and the batch's item are the same bytes,
 * so an incoming message is encoded once, written to the journal from where it lies, and the
 * batch crosses to the writer thread as one copy of a buffer, with no object or JSON per row.
 *
 * A frame: payload length (u32 LE), CRC-32 of the payload (u32 LE; 0 in a batch's rows of our
 * own, which no journal holds), then the payload: flags (u8: 1 out, 2 broadcast, 4 a duplicate
 * key, 8 a delivery state, 16 extras), at and bytes (f64 LE), the key's packet number and hash
 * (f64 LE, when flagged), then id, peer id, text, delivery JSON and extras JSON (when flagged),
 * each as a u32 LE byte length and its UTF-8.
 */
export const FRAME_HEADER = 8;

const OUT = 1;
const BROADCAST = 2;
const KEY = 4;
const DELIVERY = 8;
const EXTRA = 16;

/** The most bytes `encodeRow` can write for the row (UTF-8 takes at most 3 bytes a UTF-16 unit). */
export function maxFrameSize(row: BatchRow): number {
  let strings = row.id.length + row.peerId.length + row.text.length;
  if (row.delivery !== null) strings += row.delivery.length;
  if (row.extra !== null) strings += row.extra.length;
  return FRAME_HEADER + 1 + 32 + 5 * 4 + 3 * strings;
}

/**
 * Writes the row's frame at `at` (room for maxFrameSize bytes is the caller's), its CRC when
 * `checked` (a journal record); returns the frame's size.
 */
export function encodeRow(row: BatchRow, into: Buffer, at: number, checked: boolean): number {
  let flags = 0;
  if (row.direction === 'out') flags |= OUT;
  if (row.broadcast === 1) flags |= BROADCAST;
  const key = row.packetNo !== null && row.hash !== null;
  if (key) flags |= KEY;
  if (row.delivery !== null) flags |= DELIVERY;
  if (row.extra !== null) flags |= EXTRA;
  let o = at + FRAME_HEADER;
  into[o++] = flags;
  o = into.writeDoubleLE(row.at, o);
  o = into.writeDoubleLE(row.bytes, o);
  if (key) {
    o = into.writeDoubleLE(row.packetNo as number, o);
    o = into.writeDoubleLE(row.hash as number, o);
  }
  o = putString(into, o, row.id);
  o = putString(into, o, row.peerId);
  o = putString(into, o, row.text);
  if (row.delivery !== null) o = putString(into, o, row.delivery);
  if (row.extra !== null) o = putString(into, o, row.extra);
  const length = o - at - FRAME_HEADER;
  into.writeUInt32LE(length, at);
  into.writeUInt32LE(
    checked ? zlib.crc32(into.subarray(at + FRAME_HEADER, at + FRAME_HEADER + length)) : 0,
    at + 4,
  );
  return FRAME_HEADER + length;
}

function putString(into: Buffer, at: number, s: string): number {
  const n = into.write(s, at + 4, 'utf8');
  into.writeUInt32LE(n, at);
  return at + 4 + n;
}

/**
 * The rows of a run of frames, in order. `checked`: each frame's CRC must match and the bytes
 * must make a row (a journal read after a crash); the first that does not ends the run, and
 * `end` says where. A batch's own frames are read without the checks.
 */
export function decodeRows(bytes: Uint8Array, checked: boolean): { rows: BatchRow[]; end: number } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows: BatchRow[] = [];
  let at = 0;
  while (at + FRAME_HEADER <= buf.length) {
    const length = buf.readUInt32LE(at);
    const start = at + FRAME_HEADER;
    if (length > buf.length - start) break;
    const payload = buf.subarray(start, start + length);
    if (checked && zlib.crc32(payload) !== buf.readUInt32LE(at + 4)) break;
    const row = decodePayload(payload);
    if (!row) break;
    rows.push(row);
    at = start + length;
  }
  return { rows, end: at };
}

/** One payload's row; undefined when the bytes do not make one (damage). */
function decodePayload(p: Buffer): BatchRow | undefined {
  let o = 0;
  const need = (n: number) => o + n <= p.length;
  if (!need(17)) return undefined;
  const flags = p[o++] as number;
  if (flags > 31) return undefined;
  const at = p.readDoubleLE(o);
  const bytes = p.readDoubleLE(o + 8);
  o += 16;
  let packetNo: number | null = null;
  let hash: number | null = null;
  if (flags & KEY) {
    if (!need(16)) return undefined;
    packetNo = p.readDoubleLE(o);
    hash = p.readDoubleLE(o + 8);
    o += 16;
  }
  const str = (): string | undefined => {
    if (!need(4)) return undefined;
    const n = p.readUInt32LE(o);
    o += 4;
    if (!need(n)) return undefined;
    const s = p.toString('utf8', o, o + n);
    o += n;
    return s;
  };
  const id = str();
  const peerId = str();
  const text = str();
  const delivery = flags & DELIVERY ? str() : null;
  const extra = flags & EXTRA ? str() : null;
  if (
    id === undefined ||
    peerId === undefined ||
    text === undefined ||
    delivery === undefined ||
    extra === undefined ||
    o !== p.length ||
    !Number.isFinite(at) ||
    !Number.isFinite(bytes) ||
    (packetNo !== null && !Number.isFinite(packetNo)) ||
    (hash !== null && !Number.isFinite(hash))
  )
    return undefined;
  return {
    id,
    peerId,
    direction: flags & OUT ? 'out' : 'in',
    text,
    at,
    broadcast: flags & BROADCAST ? 1 : 0,
    delivery,
    extra,
    bytes,
    packetNo,
    hash,
  };
}
