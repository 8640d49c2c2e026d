import { COLON, NUL } from './bytes';
import { FileAttr } from './commands';
import { assertCount, hexDigit, parseHexAt, readName } from './fields';
import { HASH_TRAILER_BYTES } from './file-request';

/**
 * The reply to GETDIRFILES: a stream of `headerSize:name:size:attr[:key=val…]:` headers, each
 * regular file's header followed by its `size` content bytes. headerSize is hex and counts the
 * whole header, from its own first digit through the ':' before the content: IP Messenger
 * (mainwinfile.cpp MakeDirHeader) and iptux (SendFileData.cpp) both write `0000:…`, measure
 * it, then print the length over the zeros with `%04x`. The stream starts with the folder
 * itself (DIR: enter it); RETPARENT (`.`, size 0, attr 3) goes back up, and the one that
 * closes the top folder ends the stream.
 */

/** IPMSG_FILE_MTIME and IPMSG_FILE_CREATETIME, written as the keys `14` and `16`. */
const KEY_MTIME = 0x14;
const KEY_CREATETIME = 0x16;
/** %04x by convention; longer headers take more digits. */
const MIN_SIZE_DIGITS = 4;

export interface DirHeader {
  name: Uint8Array;
  size: number;
  attr: number;
  mtime: number;
}

/**
 * One header: `hhhh:name:size:attr:14=mtime:16=mtime:` (the creation time is not ours to know,
 * so mtime stands in, as a receiver only uses it for timestamps). A ':' in the name is written
 * `::`, which IP Messenger and iptux unescape before reading the numbers. Throws on an empty
 * name or one with NUL (the C peers would cut it there) and on numbers that are not counts.
 */
export function buildDirHeader(h: DirHeader): Uint8Array {
  assertCount(h.size, 'size');
  assertCount(h.mtime, 'mtime');
  if (!Number.isInteger(h.attr) || h.attr < 0 || h.attr > 0xffffffff) {
    throw new Error(`attr must be a 32-bit unsigned integer, got ${String(h.attr)}`);
  }
  if (h.name.length === 0) throw new Error('a folder entry name must not be empty');
  let colons = 0;
  for (const b of h.name) {
    if (b === NUL) throw new Error('a folder entry name must not contain NUL');
    if (b === COLON) colons++;
  }
  const m = h.mtime.toString(16);
  const tail = `:${h.size.toString(16)}:${h.attr.toString(16)}:${KEY_MTIME.toString(16)}=${m}:${KEY_CREATETIME.toString(16)}=${m}:`;
  const body = 1 + h.name.length + colons + tail.length; // leading ':' + name + tail
  let digits = MIN_SIZE_DIGITS;
  while ((digits + body).toString(16).length > digits) digits++;
  const total = digits + body;
  const out = new Uint8Array(total);
  let at = writeAscii(out, 0, total.toString(16).padStart(digits, '0'));
  out[at++] = COLON;
  for (const b of h.name) {
    out[at++] = b;
    if (b === COLON) out[at++] = COLON;
  }
  writeAscii(out, at, tail);
  return out;
}

/** The header that leaves a folder: name `.`, size 0, attr RETPARENT. */
export function buildRetParentHeader(mtime: number): Uint8Array {
  return buildDirHeader({ name: DOT, size: 0, attr: FileAttr.RETPARENT, mtime });
}

const DOT = new Uint8Array([0x2e]);

function writeAscii(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}

export type DirEvent =
  | { type: 'enter'; name: Uint8Array; mtime: number }
  | { type: 'file'; name: Uint8Array; size: number; mtime: number; attr: number }
  /** A view of the pushed chunk, not a copy: consume it before the chunk's memory is reused. */
  | { type: 'data'; bytes: Uint8Array }
  /** `hash` is the SHA-256 trailer when the reader expects one (a copy). */
  | { type: 'file-end'; hash?: Uint8Array }
  | { type: 'leave' }
  | { type: 'done' }
  | { type: 'error'; reason: string };

export interface DirStreamLimits {
  /** Longest header accepted, headerSize included. */
  maxHeaderBytes: number;
  /** Most folders open at once; the top folder counts as 1. */
  maxDepth: number;
  /** Most folders, files and skipped entries in the stream (RETPARENT not counted). */
  maxEntries: number;
  /** The request carried PIGEON_HASHOPT: 32 bytes follow each regular file's content. */
  hashTrailer: boolean;
}

type State = 'size' | 'header' | 'content' | 'trailer' | 'skip' | 'done' | 'failed';

/** Types a sender may list but that carry nothing we write: skipped with their content. */
const SKIPPED_TYPES: ReadonlySet<number> = new Set([
  FileAttr.SYMLINK,
  FileAttr.CDEV,
  FileAttr.BDEV,
  FileAttr.FIFO,
  FileAttr.RESFORK,
  FileAttr.CLIPBOARD,
]);

/**
 * Incremental reader of a GETDIRFILES reply: push() each chunk as it arrives and act on the
 * events, then end() when the peer closes. The stream is hostile until proven otherwise:
 * every header is checked (headerSize, depth, entry count, sizes, names that could leave the
 * target folder) and the first problem yields one 'error' event, after which the reader is
 * stuck and yields nothing more. 'enter' and 'leave' always pair up; the 'leave' of the top
 * folder is followed by 'done', and any byte after it is an error. Linear in the bytes: headers
 * are copied into one buffer of maxHeaderBytes, content is handed out as views.
 */
export class DirStreamReader {
  private state: State = 'size';
  private readonly header: Uint8Array;
  private headerFill = 0;
  /** headerSize as read so far, then once its ':' has been read (state 'header'). */
  private headerSize = 0;
  /** Index of the ':' after headerSize in `header`. */
  private sizeColon = 0;
  /** Content or skipped bytes still to come for the current entry. */
  private remaining = 0;
  private readonly trailer = new Uint8Array(HASH_TRAILER_BYTES);
  private trailerFill = 0;
  private depth = 0;
  private entries = 0;
  private skippedEntries = 0;
  /** Bytes consumed by earlier chunks, for the position in error reasons. */
  private consumed = 0;

  constructor(private readonly limits: DirStreamLimits) {
    this.header = new Uint8Array(Math.max(0, limits.maxHeaderBytes));
  }

  /** Entries passed over (symlinks, devices, unknown empty types). */
  get skipped(): number {
    return this.skippedEntries;
  }

  push(chunk: Uint8Array): DirEvent[] {
    const events: DirEvent[] = [];
    if (this.state === 'failed') return events;
    if (this.state === 'done') {
      if (chunk.length > 0) this.fail(events, 0, 'data after the end of the folder');
      return events;
    }
    let i = 0;
    const len = chunk.length;
    while (i < len) {
      switch (this.current()) {
        case 'size':
          i = this.readSize(chunk, i, events);
          break;
        case 'header': {
          const take = Math.min(this.headerSize - this.headerFill, len - i);
          this.header.set(chunk.subarray(i, i + take), this.headerFill);
          this.headerFill += take;
          i += take;
          if (this.headerFill === this.headerSize) this.onHeader(events, i);
          break;
        }
        case 'content': {
          const take = Math.min(this.remaining, len - i);
          events.push({ type: 'data', bytes: chunk.subarray(i, i + take) });
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) this.endFile(events);
          break;
        }
        case 'trailer': {
          const take = Math.min(HASH_TRAILER_BYTES - this.trailerFill, len - i);
          this.trailer.set(chunk.subarray(i, i + take), this.trailerFill);
          this.trailerFill += take;
          i += take;
          if (this.trailerFill === HASH_TRAILER_BYTES) {
            events.push({ type: 'file-end', hash: this.trailer.slice() });
            this.state = 'size';
          }
          break;
        }
        case 'skip': {
          const take = Math.min(this.remaining, len - i);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) this.state = 'size';
          break;
        }
        case 'done':
          this.fail(events, i, 'data after the end of the folder');
          return events;
        case 'failed':
          return events;
      }
    }
    this.consumed += len;
    return events;
  }

  /** The state as it is now (a call, so that TypeScript does not narrow it across the loop). */
  private current(): State {
    return this.state;
  }

  /** The peer closed the connection: fine after 'done', a truncated stream otherwise. */
  end(): DirEvent[] {
    const events: DirEvent[] = [];
    if (this.state === 'done' || this.state === 'failed') return events;
    this.fail(events, 0, `stream ended early (${this.where()})`);
    return events;
  }

  private where(): string {
    switch (this.state) {
      case 'content':
        return `${this.remaining} bytes of a file missing`;
      case 'trailer':
        return 'inside a hash trailer';
      case 'skip':
        return 'inside a skipped entry';
      case 'header':
      case 'size':
        return this.headerFill > 0 ? 'inside a header' : `${this.depth} folders still open`;
      default:
        return this.state;
    }
  }

  /** Header bytes up to the ':' after headerSize; returns the next index in `chunk`. */
  private readSize(chunk: Uint8Array, from: number, events: DirEvent[]): number {
    let i = from;
    while (i < chunk.length) {
      const b = chunk[i++] ?? 0;
      if (this.headerFill >= this.header.length) {
        this.fail(events, i - 1, `header longer than ${this.limits.maxHeaderBytes} bytes`);
        return i;
      }
      this.header[this.headerFill++] = b;
      if (b === COLON) {
        const size = this.headerFill === 1 ? -1 : this.headerSize;
        if (size < 0) {
          this.fail(events, i - 1, 'headerSize is empty');
        } else if (size <= this.headerFill) {
          this.fail(events, i - 1, `headerSize ${size} leaves no room for the fields`);
        } else {
          this.sizeColon = this.headerFill - 1;
          this.state = 'header';
        }
        return i;
      }
      const d = hexDigit(b);
      if (d < 0) {
        this.fail(events, i - 1, `headerSize has the byte 0x${b.toString(16)}`);
        return i;
      }
      // A lying headerSize must fail at once, not after maxHeaderBytes of waiting.
      this.headerSize = this.headerSize * 16 + d;
      if (this.headerSize > this.limits.maxHeaderBytes) {
        this.fail(events, i - 1, `headerSize exceeds ${this.limits.maxHeaderBytes}`);
        return i;
      }
    }
    return i;
  }

  private onHeader(events: DirEvent[], at: number): void {
    const h = this.header;
    const end = this.headerSize;
    this.headerFill = 0;
    this.headerSize = 0;
    if (h[end - 1] !== COLON) {
      this.fail(events, at, "header does not end with ':' (headerSize does not match)");
      return;
    }
    const name = readName(h, this.sizeColon + 1, end);
    const sizeEnd = colonFrom(h, name.end + 1, end);
    const attrEnd = colonFrom(h, sizeEnd + 1, end);
    if (name.end >= end - 1 || sizeEnd >= end || attrEnd >= end) {
      this.fail(events, at, 'header lacks the size or attr field');
      return;
    }
    const size = parseHexAt(h, name.end + 1, sizeEnd);
    if (size < 0) {
      this.fail(events, at, 'size is not a hex count below 2^53');
      return;
    }
    const attr = attrEnd - sizeEnd - 1 <= 8 ? parseHexAt(h, sizeEnd + 1, attrEnd) : -1;
    if (attr < 0) {
      this.fail(events, at, 'attr is not a 32-bit hex number');
      return;
    }
    const mtime = readMtime(h, attrEnd + 1, end);
    const type = attr & 0xff;

    if (type === FileAttr.RETPARENT) {
      if (this.depth === 0) {
        this.fail(events, at, 'RETPARENT above the root');
        return;
      }
      this.depth--;
      events.push({ type: 'leave' });
      if (this.depth === 0) {
        events.push({ type: 'done' });
        this.state = 'done';
      } else this.state = 'size';
      return;
    }
    if (this.depth === 0 && (this.entries > 0 || type !== FileAttr.DIR)) {
      this.fail(events, at, 'the stream does not start with a folder');
      return;
    }
    if (++this.entries > this.limits.maxEntries) {
      this.fail(events, at, `more than ${this.limits.maxEntries} entries`);
      return;
    }
    if (type === FileAttr.DIR || type === FileAttr.REGULAR) {
      const unsafe = unsafeName(name.bytes);
      if (unsafe) {
        this.fail(events, at, `unsafe name: ${unsafe}`);
        return;
      }
    }
    if (type === FileAttr.DIR) {
      if (this.depth >= this.limits.maxDepth) {
        this.fail(events, at, `folders nested deeper than ${this.limits.maxDepth}`);
        return;
      }
      this.depth++;
      events.push({ type: 'enter', name: name.bytes, mtime });
      this.state = 'size';
    } else if (type === FileAttr.REGULAR) {
      events.push({ type: 'file', name: name.bytes, size, mtime, attr });
      this.remaining = size;
      if (size > 0) this.state = 'content';
      else this.endFile(events);
    } else if (SKIPPED_TYPES.has(type) || size === 0) {
      this.skippedEntries++;
      this.remaining = size;
      this.state = size > 0 ? 'skip' : 'size';
    } else {
      this.fail(events, at, `unknown entry type 0x${type.toString(16)} with ${size} bytes`);
    }
  }

  private endFile(events: DirEvent[]): void {
    if (this.limits.hashTrailer) {
      this.trailerFill = 0;
      this.state = 'trailer';
    } else {
      events.push({ type: 'file-end' });
      this.state = 'size';
    }
  }

  private fail(events: DirEvent[], at: number, reason: string): void {
    this.state = 'failed';
    events.push({ type: 'error', reason: `${reason} (at byte ${this.consumed + at})` });
  }
}

function colonFrom(bytes: Uint8Array, from: number, end: number): number {
  let i = from;
  while (i < end && bytes[i] !== COLON) i++;
  return i;
}

/** The `14=<hex>` field among `key=val` fields; 0 when absent or unreadable (not fatal). */
function readMtime(h: Uint8Array, from: number, end: number): number {
  let p = from;
  while (p < end) {
    const q = colonFrom(h, p, end);
    const eq = indexOfIn(h, 0x3d, p, q);
    if (eq > p && parseHexAt(h, p, eq) === KEY_MTIME) {
      const v = q - eq - 1 <= 16 ? parseHexAt(h, eq + 1, q) : -1;
      return v < 0 ? 0 : v;
    }
    p = q + 1;
  }
  return 0;
}

function indexOfIn(bytes: Uint8Array, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (bytes[i] === byte) return i;
  return -1;
}

/**
 * Why a name could leave its folder or is not a name at all, or '' when it is safe. A '\\' byte
 * is not judged here: in GBK and CP932 it is the second byte of characters such as 表 (95 5C),
 * so only the decoded name can tell (the engine's safeEntryName refuses a real backslash).
 */
function unsafeName(name: Uint8Array): string {
  if (name.length === 0) return 'empty';
  if (name.length === 1 && name[0] === 0x2e) return "'.'";
  if (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e) return "'..'";
  for (const b of name) {
    if (b === 0x2f) return "contains '/'";
    if (b === NUL) return 'contains NUL';
  }
  return '';
}
