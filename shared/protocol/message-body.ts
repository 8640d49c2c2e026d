import type { WireEncoding } from '../model/peer';
import { COLON, concatBytes, latin1Bytes, latin1TextAt, NUL, parseDecimalAt } from './bytes';
import { allocBytes } from './byte-pool';
import { encodeText } from './encoding';

/**
 * The extra of SENDMSG: `text\0attachments`. Pigeon adds sections of its own after the
 * attachment section, each `NAME:value`, which other clients never look at (they read the text
 * up to its NUL, and the attachment section only under FILEATTACHOPT):
 * - `PGPART:id:index:count` when a long message had to be split, so a Pigeon receiver can join
 *   the parts back into one message. Always the first of them: older Pigeons look only there.
 * - `PGNONCE:<32 hex>`: the sender asks for a delivery proof bound to this nonce (see ack.ts).
 * - `PGID:<message id>`: the sender's id of the message, the same in every copy it ever sends
 *   (its outbox sends one again when an earlier try went unanswered): a Pigeon receiver shows
 *   a message id once.
 */
export interface MessageBody {
  text: Uint8Array;
  /** Attachment list bytes (file transfer), empty when none. */
  attachments: Uint8Array;
  part?: MessagePart;
  /** PGNONCE: 32 lower-case hex digits. */
  nonce?: string;
  /** PGID: the sender's message id (letters, digits, '-', at most MAX_MESSAGE_ID long). */
  id?: string;
}

export interface MessagePart {
  id: string;
  index: number;
  count: number;
}

/** What Pigeon writes after the attachment section. */
export interface PigeonSections {
  part?: MessagePart;
  nonce?: string;
  id?: string;
}

/** Longest message id a PGID section carries. */
export const MAX_MESSAGE_ID = 40;
export const MAX_PARTS = 10_000;
/** Pigeon sections looked at after the attachment section; a hostile body may have thousands. */
const MAX_PIGEON_SECTIONS = 4;

/** Zero-length views can never be written to: one serves every body without attachments. */
const EMPTY = new Uint8Array(0);

export function parseMessageBody(extra: Uint8Array): MessageBody {
  // Trailing NULs are left out by a length, not a view: every view is an object of its own,
  // and the text is the only one a message between Pigeons needs (no attachments, and the
  // sections are read in place).
  let length = extra.length;
  while (length > 0 && extra[length - 1] === NUL) length--;
  // Nearly every message is just `text\0`: no sections to split.
  const first = nulIn(extra, 0, length);
  if (first < 0) return { text: extra.subarray(0, length), attachments: EMPTY };
  // Sections are read where they lie, matched byte by byte: no array of views, no marker
  // strings and no regex per datagram (every message between Pigeons has sections).
  let stop = nulIn(extra, first + 1, length);
  const listEnd = stop < 0 ? length : stop;
  const body: MessageBody = {
    text: extra.subarray(0, first),
    attachments: listEnd > first + 1 ? extra.subarray(first + 1, listEnd) : EMPTY,
  };
  for (let n = 0; n < MAX_PIGEON_SECTIONS && stop >= 0; n++) {
    const start = stop + 1;
    stop = nulIn(extra, start, length);
    const end = stop < 0 ? length : stop;
    if (end - start >= 64) continue;
    if (body.part === undefined) {
      const part = parsePart(extra, start, end);
      if (part) {
        body.part = part;
        continue;
      }
    }
    if (body.nonce === undefined) {
      const nonce = parseNonce(extra, start, end);
      if (nonce !== undefined) {
        body.nonce = nonce;
        continue;
      }
    }
    if (body.id === undefined) {
      const id = parseId(extra, start, end);
      if (id !== undefined) body.id = id;
    }
  }
  return body;
}

/** The first NUL in `bytes[from..end)`, or -1. */
function nulIn(bytes: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i++) if (bytes[i] === NUL) return i;
  return -1;
}

const PART_MARKER = latin1Bytes('PGPART:');
const NONCE_MARKER = latin1Bytes('PGNONCE:');
const ID_MARKER = latin1Bytes('PGID:');

/** `PGPART:id:index:count`, the id 1-24 of [0-9a-z], the numbers 1-6 digits. */
function parsePart(bytes: Uint8Array, start: number, end: number): MessagePart | undefined {
  if (!markerAt(bytes, start, end, PART_MARKER)) return undefined;
  const idStart = start + PART_MARKER.length;
  let at = idStart;
  while (at < end && isLowerAlnum(bytes[at])) at++;
  if (at === idStart || at - idStart > 24 || bytes[at] !== COLON) return undefined;
  const idEnd = at;
  const indexStart = idEnd + 1;
  at = indexStart;
  while (at < end && isDigit(bytes[at])) at++;
  if (at === indexStart || at - indexStart > 6 || bytes[at] !== COLON) return undefined;
  const index = parseDecimalAt(bytes, indexStart, at);
  const countStart = at + 1;
  if (end <= countStart || end - countStart > 6) return undefined;
  const count = parseDecimalAt(bytes, countStart, end);
  if (count < 1 || count > MAX_PARTS || index >= count) return undefined;
  return { id: latin1TextAt(bytes, idStart, idEnd), index, count };
}

/** `PGNONCE:` and exactly 32 lower-case hex digits. */
function parseNonce(bytes: Uint8Array, start: number, end: number): string | undefined {
  if (end - start !== NONCE_MARKER.length + 32 || !markerAt(bytes, start, end, NONCE_MARKER))
    return undefined;
  const from = start + NONCE_MARKER.length;
  for (let i = from; i < end; i++) if (!isLowerHex(bytes[i])) return undefined;
  return latin1TextAt(bytes, from, end);
}

/** `PGID:` and 1 to MAX_MESSAGE_ID of [0-9A-Za-z-]. */
function parseId(bytes: Uint8Array, start: number, end: number): string | undefined {
  const from = start + ID_MARKER.length;
  if (end <= from || end - from > MAX_MESSAGE_ID || !markerAt(bytes, start, end, ID_MARKER))
    return undefined;
  for (let i = from; i < end; i++) if (!isIdByte(bytes[i])) return undefined;
  return latin1TextAt(bytes, from, end);
}

function markerAt(bytes: Uint8Array, start: number, end: number, marker: Uint8Array): boolean {
  if (end - start < marker.length) return false;
  for (let i = 0; i < marker.length; i++) if (bytes[start + i] !== marker[i]) return false;
  return true;
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

function isLowerAlnum(b: number | undefined): boolean {
  return isDigit(b) || (b !== undefined && b >= 0x61 && b <= 0x7a);
}

function isLowerHex(b: number | undefined): boolean {
  return isDigit(b) || (b !== undefined && b >= 0x61 && b <= 0x66);
}

function isIdByte(b: number | undefined): boolean {
  return isLowerAlnum(b) || b === 0x2d || (b !== undefined && b >= 0x41 && b <= 0x5a);
}

/**
 * `text\0`, or `text\0attachments\0` followed by Pigeon's sections, each ending in NUL (the
 * attachment list is empty unless the message offers files).
 */
export function buildMessageBody(
  text: Uint8Array,
  sections: PigeonSections = {},
  attachments: Uint8Array = EMPTY,
): Uint8Array {
  const { part, nonce, id } = sections;
  // The numbers of a part as text; the other sections are checked and then copied as they are.
  const index = part ? String(part.index) : '';
  const count = part ? String(part.count) : '';
  // The engine's own nonce (32 hex digits): a length check keeps a wrong caller from writing
  // a section a peer cannot parse.
  if (nonce !== undefined && nonce.length !== 32) throw new Error('a nonce is 32 hex digits');
  if (id !== undefined && !isMessageId(id))
    throw new Error('a message id is letters, digits and -');
  // text \0 \0 (section \0)*, written into one array of the exact size, zeroed (allocBytes
  // hands out each region once): this runs for every datagram to a Pigeon, so no marker
  // strings or arrays of them, and a pooled view rather than a malloc'd array of its own.
  let size = text.length + 1;
  if (part || nonce !== undefined || id !== undefined || attachments.length > 0) {
    size += attachments.length + 1;
    if (part) size += PART_MARKER.length + part.id.length + index.length + count.length + 3;
    if (nonce !== undefined) size += NONCE_MARKER.length + nonce.length + 1;
    if (id !== undefined) size += ID_MARKER.length + id.length + 1;
  }
  const out = allocBytes(size);
  out.set(text);
  out.set(attachments, text.length + 1);
  let at = text.length + 1 + attachments.length + 1;
  if (part) {
    out.set(PART_MARKER, at);
    at = writeLatin1(out, at + PART_MARKER.length, part.id);
    out[at++] = COLON;
    at = writeLatin1(out, at, index);
    out[at++] = COLON;
    at = writeLatin1(out, at, count) + 1;
  }
  if (nonce !== undefined) {
    out.set(NONCE_MARKER, at);
    at = writeLatin1(out, at + NONCE_MARKER.length, nonce) + 1;
  }
  if (id !== undefined) {
    out.set(ID_MARKER, at);
    writeLatin1(out, at + ID_MARKER.length, id);
  }
  return out;
}

/** What a PGID section may carry: 1 to MAX_MESSAGE_ID of [0-9A-Za-z-]. */
function isMessageId(id: string): boolean {
  if (id.length < 1 || id.length > MAX_MESSAGE_ID) return false;
  for (let i = 0; i < id.length; i++) if (!isIdByte(id.charCodeAt(i))) return false;
  return true;
}

function writeLatin1(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i) & 0xff;
  return at + text.length;
}

/**
 * Split text so that each piece encodes to at most `maxBytes`: at line breaks where possible,
 * else between characters (code points), never inside a multibyte character. Returns the
 * encoded pieces, or the encoder's error when the text cannot be represented at all.
 */
export function splitForWire(
  text: string,
  encoding: WireEncoding,
  maxBytes: number,
): { ok: true; pieces: Uint8Array[] } | { ok: false; reason: string; character?: string } {
  if (maxBytes < 8) return { ok: false, reason: `piece budget of ${maxBytes} bytes is too small` };
  const whole = encodeText(text, encoding);
  if (!whole.ok) return { ok: false, reason: whole.reason, character: whole.character };
  if (whole.bytes.length <= maxBytes) return { ok: true, pieces: [whole.bytes] };

  const pieces: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  let currentLen = 0;
  const flush = () => {
    if (current.length) pieces.push(concatBytes(current));
    current = [];
    currentLen = 0;
  };
  // Lines keep their '\n' so that joining the pieces gives the text back exactly.
  const lines = text.split(/(?<=\n)/);
  for (const line of lines) {
    const enc = encodeText(line, encoding);
    if (!enc.ok) return { ok: false, reason: enc.reason, character: enc.character };
    if (currentLen + enc.bytes.length <= maxBytes) {
      current.push(enc.bytes);
      currentLen += enc.bytes.length;
      continue;
    }
    flush();
    if (enc.bytes.length <= maxBytes) {
      current.push(enc.bytes);
      currentLen = enc.bytes.length;
      continue;
    }
    // One line longer than a datagram: cut between code points.
    for (const ch of line) {
      const c = encodeText(ch, encoding);
      if (!c.ok) return { ok: false, reason: c.reason, character: c.character };
      if (currentLen + c.bytes.length > maxBytes) flush();
      current.push(c.bytes);
      currentLen += c.bytes.length;
    }
  }
  flush();
  return { ok: true, pieces };
}
