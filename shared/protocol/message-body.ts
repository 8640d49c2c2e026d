import type { WireEncoding } from '../model/peer';
import { concatBytes, indexOfByte, latin1Text, NUL, splitOnNul, trimTrailingNuls } from './bytes';
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

const PART = /^PGPART:([0-9a-z]{1,24}):(\d{1,6}):(\d{1,6})$/;
const NONCE = /^PGNONCE:([0-9a-f]{32})$/;
/** Longest message id a PGID section carries. */
export const MAX_MESSAGE_ID = 40;
const ID = /^PGID:([0-9A-Za-z-]{1,40})$/;
export const MAX_PARTS = 10_000;
/** Pigeon sections looked at after the attachment section; a hostile body may have thousands. */
const MAX_PIGEON_SECTIONS = 4;

/** Zero-length views can never be written to: one serves every body without attachments. */
const EMPTY = new Uint8Array(0);

export function parseMessageBody(extra: Uint8Array): MessageBody {
  const trimmed = trimTrailingNuls(extra);
  // Nearly every message is just `text\0`: no sections to split.
  if (indexOfByte(trimmed, NUL) < 0) return { text: trimmed, attachments: EMPTY };
  const sections = splitOnNul(trimmed);
  const body: MessageBody = {
    text: sections[0] ?? EMPTY,
    attachments: sections[1] ?? EMPTY,
  };
  const end = Math.min(sections.length, 2 + MAX_PIGEON_SECTIONS);
  for (let i = 2; i < end; i++) {
    const section = sections[i];
    if (!section || section.length >= 64) continue;
    const marker = latin1Text(section);
    if (body.part === undefined) {
      const part = parsePart(marker);
      if (part) {
        body.part = part;
        continue;
      }
    }
    if (body.nonce === undefined) {
      const m = NONCE.exec(marker);
      if (m) {
        body.nonce = m[1];
        continue;
      }
    }
    if (body.id === undefined) {
      const m = ID.exec(marker);
      if (m) body.id = m[1];
    }
  }
  return body;
}

function parsePart(marker: string): MessagePart | undefined {
  const m = PART.exec(marker);
  if (!m) return undefined;
  const index = Number(m[2]);
  const count = Number(m[3]);
  if (count < 1 || count > MAX_PARTS || index >= count) return undefined;
  return { id: m[1] ?? '', index, count };
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
  const markers: string[] = [];
  if (sections.part) {
    const { id, index, count } = sections.part;
    markers.push(`PGPART:${id}:${index}:${count}`);
  }
  if (sections.nonce !== undefined) {
    // The engine's own nonce (32 hex digits): a length check keeps a wrong caller from writing
    // a section a peer cannot parse, without a regex per datagram.
    if (sections.nonce.length !== 32) throw new Error('a nonce is 32 hex digits');
    markers.push(`PGNONCE:${sections.nonce}`);
  }
  if (sections.id !== undefined) {
    if (!ID.test(`PGID:${sections.id}`)) throw new Error('a message id is letters, digits and -');
    markers.push(`PGID:${sections.id}`);
  }
  // text \0 \0 (marker \0)*, written into one array of the exact size (a new one is zeroed):
  // this runs for every datagram to a Pigeon.
  let size = text.length + 1;
  if (markers.length > 0 || attachments.length > 0) {
    size += attachments.length + 1;
    for (const marker of markers) size += marker.length + 1;
  }
  const out = new Uint8Array(size);
  out.set(text);
  out.set(attachments, text.length + 1);
  let at = text.length + 1 + attachments.length + 1;
  for (const marker of markers) {
    for (let i = 0; i < marker.length; i++) out[at++] = marker.charCodeAt(i) & 0xff;
    at++;
  }
  return out;
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
