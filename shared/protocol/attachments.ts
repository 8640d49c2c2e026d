import { COLON, NUL } from './bytes';
import { FileAttr } from './commands';
import { allDecimalAt, assertCount, parseDecAt, parseHexAt, readName } from './fields';

/**
 * The attachment list of a file offer: the section after `text\0` in SENDMSG|FILEATTACHOPT.
 * Each record is `fileID:name:size:mtime:attr[:key=val…]` and ends with `\a`; IP Messenger
 * writes `…:attr:\a` (share.cpp EncodeMsg: "%d:%s:%llx:%llx:%x%s:%c"), iptux `…:attr:\a`, and
 * older or other clients `\a`, `\a:` or `:\a:`, so a ':' on either side of the `\a` is accepted.
 */
export interface AttachmentEntry {
  /** Decimal on the wire (IPMsg atoi, iptux %u); read as hex when it has hex letters. */
  fileId: number;
  /** Raw bytes in the peer's encoding, `::` unescaped to `:`. The caller sanitises it. */
  name: Uint8Array;
  size: number;
  /** Unix time (seconds). */
  mtime: number;
  /** Type in the low byte (FileAttr), flags above. */
  attr: number;
}

const BEL = 0x07;
/** IPMsg reads a fileID with atoi into an int: larger ids would not survive its parse. */
const MAX_FILE_ID = 0x7fffffff;
/** A fileID longer than this is garbage; refusing it early keeps the digit loops short. */
const MAX_ID_DIGITS = 16;

/**
 * Every well-formed record, in order, up to `maxEntries`. Records with a missing or empty name,
 * a field that is not a number, a size beyond Number.MAX_SAFE_INTEGER or a fileID seen before
 * are skipped and counted, as are records beyond the cap and an unterminated tail: a datagram
 * cut at 8 KiB can end in `5:big.iso:a5` whose size is cut short, so a record is trusted only
 * with its `\a`. Linear in the input; never throws.
 */
export function parseAttachments(
  bytes: Uint8Array,
  maxEntries = 1000,
): { entries: AttachmentEntry[]; skipped: number } {
  const entries: AttachmentEntry[] = [];
  const seen = new Set<number>();
  let skipped = 0;
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === NUL) end--;

  let pos = 0;
  while (pos < end) {
    let bel = pos;
    while (bel < end && bytes[bel] !== BEL) bel++;
    let start = pos;
    // `\a:` and `:\a:` leave the previous record's ':' in front of this one.
    if (start < bel && bytes[start] === COLON) start++;
    pos = bel + 1;
    if (start === bel) continue; // `\a\a`, or the ':' after the last record
    if (bel === end || entries.length >= maxEntries) {
      skipped++;
      continue;
    }
    const entry = parseRecord(bytes, start, bel);
    if (entry === undefined || seen.has(entry.fileId)) {
      skipped++;
      continue;
    }
    seen.add(entry.fileId);
    entries.push(entry);
  }
  return { entries, skipped };
}

/** One record in bytes[start..end), without its `\a`; undefined when it is not usable. */
function parseRecord(bytes: Uint8Array, start: number, end: number): AttachmentEntry | undefined {
  const idEnd = nextColon(bytes, start, end);
  if (idEnd === end || idEnd - start > MAX_ID_DIGITS) return undefined;
  const fileId = parseFileId(bytes, start, idEnd);
  if (fileId < 0) return undefined;

  const name = readName(bytes, idEnd + 1, end);
  if (name.bytes.length === 0 || name.end === end) return undefined;

  const sizeEnd = nextColon(bytes, name.end + 1, end);
  const size = parseHexAt(bytes, name.end + 1, sizeEnd);
  if (size < 0 || sizeEnd === end) return undefined;

  const mtimeEnd = nextColon(bytes, sizeEnd + 1, end);
  const mtime = parseHexAt(bytes, sizeEnd + 1, mtimeEnd);
  if (mtime < 0) return undefined;

  // IPMsg (ShareInfo ctor) takes a record without attr as a regular file.
  let attr: number = FileAttr.REGULAR;
  if (mtimeEnd < end) {
    const attrEnd = nextColon(bytes, mtimeEnd + 1, end);
    if (attrEnd > mtimeEnd + 1) {
      attr = attrEnd - mtimeEnd - 1 <= 8 ? parseHexAt(bytes, mtimeEnd + 1, attrEnd) : -1;
      if (attr < 0) return undefined;
    }
  }
  return { fileId, name: name.bytes, size, mtime, attr };
}

function nextColon(bytes: Uint8Array, from: number, end: number): number {
  let i = from;
  while (i < end && bytes[i] !== COLON) i++;
  return i;
}

function parseFileId(bytes: Uint8Array, start: number, end: number): number {
  let id: number;
  if (allDecimalAt(bytes, start, end)) id = parseDecAt(bytes, start, end);
  else id = parseHexAt(bytes, start, end);
  return id > MAX_FILE_ID ? -1 : id;
}

export interface AttachmentItem {
  fileId: number;
  name: Uint8Array;
  size: number;
  mtime: number;
  kind: 'file' | 'folder';
}

/**
 * How a ':' in a name is written. 'ipmsg': doubled (`::`), which IP Messenger and iptux's
 * folder stream read back. 'iptux': replaced with '_', because iptux's attachment parser reads
 * size and attr by counting single ':' before it unescapes the name, so `::` shifts its fields.
 */
export type AttachmentStyle = 'ipmsg' | 'iptux';

const UNDERSCORE = 0x5f;

/**
 * One record exactly as IP Messenger writes it: `fileID:name:size:mtime:attr:\a`, the id in
 * decimal and the numbers in lower-case hex, attr bare 1 (file) or 2 (folder): iptux accepts
 * only those two and stops at the first other entry. Throws on a name that is empty or has a
 * NUL or `\a` (they would end the section or the record; callers sanitise names first) and on
 * numbers the peers cannot read back.
 */
export function buildAttachment(item: AttachmentItem, style: AttachmentStyle): Uint8Array {
  assertCount(item.fileId, 'fileId');
  if (item.fileId > MAX_FILE_ID) throw new Error(`fileId ${item.fileId} exceeds ${MAX_FILE_ID}`);
  assertCount(item.size, 'size');
  assertCount(item.mtime, 'mtime');
  const name = escapeName(item.name, style);
  const attr = item.kind === 'folder' ? FileAttr.DIR : FileAttr.REGULAR;
  const head = `${item.fileId}:`;
  const tail = `:${item.size.toString(16)}:${item.mtime.toString(16)}:${attr.toString(16)}:\x07`;
  const out = new Uint8Array(head.length + name.length + tail.length);
  writeAscii(out, 0, head);
  out.set(name, head.length);
  writeAscii(out, head.length + name.length, tail);
  return out;
}

function escapeName(name: Uint8Array, style: AttachmentStyle): Uint8Array {
  if (name.length === 0) throw new Error('an attachment name must not be empty');
  let colons = 0;
  for (const b of name) {
    if (b === NUL) throw new Error('an attachment name must not contain NUL');
    if (b === BEL) throw new Error('an attachment name must not contain \\a (BEL)');
    if (b === COLON) colons++;
  }
  if (colons === 0) return name;
  if (style === 'iptux') return name.map((b) => (b === COLON ? UNDERSCORE : b));
  const out = new Uint8Array(name.length + colons);
  let at = 0;
  for (const b of name) {
    out[at++] = b;
    if (b === COLON) out[at++] = COLON;
  }
  return out;
}

function writeAscii(out: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
}

/**
 * Greedy grouping of records, in order, into offers whose concatenated records fit `budget`
 * bytes each. A record larger than the budget on its own gets a group of its own, which does
 * not fit: the caller decides what to do with it (refuse the file, shorten its name).
 */
export function packAttachments(records: Uint8Array[], budget: number): Uint8Array[][] {
  const groups: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let used = 0;
  for (const record of records) {
    if (current.length > 0 && used + record.length > budget) {
      groups.push(current);
      current = [];
      used = 0;
    }
    current.push(record);
    used += record.length;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
