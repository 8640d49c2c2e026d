import { allocBytes } from './byte-pool';
import { COLON, indexOfByte, latin1Text, parseDecimalAt, startsWithBytes } from './bytes';
import { fail, type Decoded } from './errors';

/**
 * One datagram split into its header fields. User, host and extra stay bytes: their encoding
 * depends on who sent them, which only the engine knows (see encoding.ts and dialect.ts).
 */
export interface WirePacket {
  /** Version field as Latin-1 text, e.g. "1", "1_iptux 0.8.3", "1_lbt6_0#128#...". */
  version: string;
  packetNo: number;
  user: Uint8Array;
  host: Uint8Array;
  /** Full 32-bit command word (mode | options). */
  command: number;
  /** Everything after the fifth ':' (may itself contain ':' and NULs). */
  extra: Uint8Array;
}

/** Larger than any UDP payload: only a TCP request or a bug could bring more. */
export const MAX_DATAGRAM = 65_536;
/** Header fields are short in every real client; longer ones are garbage or an attack. */
export const MAX_HEADER_FIELD = 256;
/** IPMsg formats packet numbers with %d and clients use time(): anything above 2^53 is bogus. */
const MAX_PACKET_NO = Number.MAX_SAFE_INTEGER;

/** Split a datagram on the first five ':' and validate the numbers. Never throws. */
export function parseDatagram(bytes: Uint8Array): Decoded<WirePacket> {
  if (bytes.length === 0) return fail('empty', 'empty datagram');
  if (bytes.length > MAX_DATAGRAM) {
    return fail('oversized', `datagram of ${bytes.length} bytes exceeds ${MAX_DATAGRAM}`);
  }
  // Every datagram passes through here: positions in locals, numbers read in place, so a
  // valid packet costs three views (user, host, extra) and no strings but the version.
  const c1 = indexOfByte(bytes, COLON);
  const c2 = c1 < 0 ? -1 : indexOfByte(bytes, COLON, c1 + 1);
  const c3 = c2 < 0 ? -1 : indexOfByte(bytes, COLON, c2 + 1);
  const c4 = c3 < 0 ? -1 : indexOfByte(bytes, COLON, c3 + 1);
  const c5 = c4 < 0 ? -1 : indexOfByte(bytes, COLON, c4 + 1);
  if (c5 < 0) {
    const found = [c1, c2, c3, c4].filter((c) => c >= 0).length;
    return fail('too-few-fields', `header has ${found + 1} fields, expected 6`);
  }
  if (c1 > MAX_HEADER_FIELD || c3 - c2 - 1 > MAX_HEADER_FIELD || c4 - c3 - 1 > MAX_HEADER_FIELD) {
    return fail('bad-field', `a header field is longer than ${MAX_HEADER_FIELD} bytes`);
  }
  const version = versionText(bytes, c1);
  // IPMsg does atoi(ver) and drops anything that is not 1: so do we.
  if (!leadsWithOne(bytes, c1)) {
    return fail('bad-version', `version field ${JSON.stringify(version.slice(0, 32))} is not 1`);
  }
  const packetNo = parseDecimalAt(bytes, c1 + 1, c2);
  if (packetNo < 0 || packetNo > MAX_PACKET_NO) {
    return fail(
      'bad-packet-no',
      `packet number ${JSON.stringify(latin1Text(bytes.subarray(c1 + 1, Math.min(c2, c1 + 33))))}`,
    );
  }
  const command = parseDecimalAt(bytes, c4 + 1, c5);
  if (command < 0 || command > 0xffffffff) {
    return fail(
      'bad-command',
      `command ${JSON.stringify(latin1Text(bytes.subarray(c4 + 1, Math.min(c5, c4 + 33))))}`,
    );
  }
  return {
    ok: true,
    value: {
      version,
      packetNo,
      user: bytes.subarray(c2 + 1, c3),
      host: bytes.subarray(c3 + 1, c4),
      command: command >>> 0,
      extra: bytes.subarray(c5 + 1),
    },
  };
}

/**
 * The version field as text. A LAN has a handful of clients, each sending the same version
 * packet after packet: the last few are kept and reused when the bytes match.
 */
const versionCache: { bytes: Uint8Array; text: string }[] = [];
const VERSION_CACHE_SIZE = 8;

function versionText(bytes: Uint8Array, end: number): string {
  for (const cached of versionCache) {
    if (cached.bytes.length === end && startsWithBytes(bytes, cached.bytes)) return cached.text;
  }
  const copy = bytes.slice(0, end);
  const text = latin1Text(copy);
  if (versionCache.length >= VERSION_CACHE_SIZE) versionCache.pop();
  versionCache.unshift({ bytes: copy, text });
  return text;
}

/** Assemble a datagram. User and host must be ':'-free (config validation sees to it). */
export function buildDatagram(p: WirePacket): Uint8Array {
  return buildWithPrefix(headerPrefix(p.version, p.user, p.host), p.packetNo, p.command, p.extra);
}

/**
 * The constant parts of our header, `version:` and `:user:host:`, encoded once. The engine
 * keeps one of these and builds every datagram in a single allocation.
 */
export interface HeaderPrefix {
  version: Uint8Array;
  names: Uint8Array;
}

export function headerPrefix(version: string, user: Uint8Array, host: Uint8Array): HeaderPrefix {
  const v = new Uint8Array(version.length + 1);
  for (let i = 0; i < version.length; i++) v[i] = version.charCodeAt(i) & 0xff;
  v[version.length] = COLON;
  const names = new Uint8Array(user.length + host.length + 3);
  names[0] = COLON;
  names.set(user, 1);
  names[1 + user.length] = COLON;
  names.set(host, 2 + user.length);
  names[names.length - 1] = COLON;
  return { version: v, names };
}

export function buildWithPrefix(
  prefix: HeaderPrefix,
  packetNo: number,
  command: number,
  extra: Uint8Array,
): Uint8Array {
  const no = String(packetNo);
  const cmd = String(command >>> 0);
  const out = allocBytes(headerLength(prefix, no, cmd) + extra.length);
  out.set(extra, writeHeader(out, prefix, no, cmd));
  return out;
}

/**
 * A reply whose extra is the packet number it answers, `123\0` (RECVMSG, ANSREADMSG): the
 * commonest datagram on a busy LAN, written straight into one allocation.
 */
export function buildReplyWithPrefix(
  prefix: HeaderPrefix,
  packetNo: number,
  command: number,
  answered: number,
): Uint8Array {
  const no = String(packetNo);
  const cmd = String(command >>> 0);
  const ref = String(answered);
  const out = allocBytes(headerLength(prefix, no, cmd) + ref.length + 1);
  writeAscii(out, writeHeader(out, prefix, no, cmd), ref);
  // The final NUL is already there: allocBytes hands out zeroed bytes.
  return out;
}

/** `version:packetNo:user:host:command:` in bytes. */
export function headerLength(prefix: HeaderPrefix, no: string, cmd: string): number {
  return prefix.version.length + no.length + prefix.names.length + cmd.length + 1;
}

/** Write the header at the start of `out`; returns where the extra begins. */
export function writeHeader(
  out: Uint8Array,
  prefix: HeaderPrefix,
  no: string,
  cmd: string,
): number {
  out.set(prefix.version, 0);
  let at = writeAscii(out, prefix.version.length, no);
  out.set(prefix.names, at);
  at = writeAscii(out, at + prefix.names.length, cmd);
  out[at] = COLON;
  return at + 1;
}

function writeAscii(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/**
 * The packet number a RECVMSG or ANSREADMSG refers to: decimal digits, perhaps padded with
 * spaces and followed by NULs. -1 when the extra is anything else. Only the first `length` bytes
 * are read (an ack's number ends at its first NUL: no view is made for it).
 */
export function parseAnsweredPacketNo(extra: Uint8Array, length = extra.length): number {
  let start = 0;
  let end = length;
  while (end > start && (extra[end - 1] === 0 || isBlank(extra[end - 1]))) end--;
  while (start < end && isBlank(extra[start])) start++;
  return parseDecimalAt(extra, start, end);
}

function isBlank(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/** Leading spaces, then the integer 1 (not 10, not 01x...): what IPMsg's atoi(ver) == 1 accepts. */
function leadsWithOne(bytes: Uint8Array, end: number): boolean {
  let i = 0;
  while (i < end && (bytes[i] === 0x20 || bytes[i] === 0x09)) i++;
  let n = 0;
  let digits = 0;
  while (i < end && digits < 12) {
    const d = (bytes[i] ?? 0) - 0x30;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
    digits++;
    i++;
  }
  return digits > 0 && n === 1;
}
