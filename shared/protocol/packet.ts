import { COLON, latin1Text, parseDecimal } from './bytes';
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
  const cuts: number[] = [];
  for (let i = 0; i < bytes.length && cuts.length < 5; i++) {
    if (bytes[i] === COLON) cuts.push(i);
  }
  if (cuts.length < 5) {
    return fail('too-few-fields', `header has ${cuts.length + 1} fields, expected 6`);
  }
  const [c1, c2, c3, c4, c5] = cuts as [number, number, number, number, number];
  if (c1 > MAX_HEADER_FIELD || c3 - c2 - 1 > MAX_HEADER_FIELD || c4 - c3 - 1 > MAX_HEADER_FIELD) {
    return fail('bad-field', `a header field is longer than ${MAX_HEADER_FIELD} bytes`);
  }
  const versionBytes = bytes.subarray(0, c1);
  const packetNoBytes = bytes.subarray(c1 + 1, c2);
  const user = bytes.subarray(c2 + 1, c3);
  const host = bytes.subarray(c3 + 1, c4);
  const commandBytes = bytes.subarray(c4 + 1, c5);
  const version = latin1Text(versionBytes);
  // IPMsg does atoi(ver) and drops anything that is not 1: so do we.
  if (!leadsWithOne(versionBytes)) {
    return fail('bad-version', `version field ${JSON.stringify(version.slice(0, 32))} is not 1`);
  }
  const packetNo = parseDecimal(packetNoBytes);
  if (packetNo < 0 || packetNo > MAX_PACKET_NO) {
    return fail(
      'bad-packet-no',
      `packet number ${JSON.stringify(latin1Text(packetNoBytes.subarray(0, 32)))}`,
    );
  }
  const command = parseDecimal(commandBytes);
  if (command < 0 || command > 0xffffffff) {
    return fail(
      'bad-command',
      `command ${JSON.stringify(latin1Text(commandBytes.subarray(0, 32)))}`,
    );
  }
  return {
    ok: true,
    value: {
      version,
      packetNo,
      user,
      host,
      command: command >>> 0,
      extra: bytes.subarray(c5 + 1),
    },
  };
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
  const out = new Uint8Array(
    prefix.version.length + no.length + prefix.names.length + cmd.length + 1 + extra.length,
  );
  let at = 0;
  out.set(prefix.version, at);
  at += prefix.version.length;
  for (let i = 0; i < no.length; i++) out[at++] = no.charCodeAt(i);
  out.set(prefix.names, at);
  at += prefix.names.length;
  for (let i = 0; i < cmd.length; i++) out[at++] = cmd.charCodeAt(i);
  out[at++] = COLON;
  out.set(extra, at);
  return out;
}

/** Leading spaces, then the integer 1 (not 10, not 01x...): what IPMsg's atoi(ver) == 1 accepts. */
function leadsWithOne(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09)) i++;
  let n = 0;
  let digits = 0;
  while (i < bytes.length && digits < 12) {
    const d = (bytes[i] ?? 0) - 0x30;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
    digits++;
    i++;
  }
  return digits > 0 && n === 1;
}
