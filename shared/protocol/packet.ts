import { COLON, concatBytes, latin1Bytes, latin1Text } from './bytes';
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

const DIGITS = /^[0-9]{1,16}$/;

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
  const field = (from: number, to: number) => bytes.subarray(from, to);
  const versionBytes = field(0, c1);
  const packetNoBytes = field(c1 + 1, c2);
  const user = field(c2 + 1, c3);
  const host = field(c3 + 1, c4);
  const commandBytes = field(c4 + 1, c5);
  for (const [name, f] of [
    ['version', versionBytes],
    ['user', user],
    ['host', host],
  ] as const) {
    if (f.length > MAX_HEADER_FIELD) {
      return fail('bad-field', `${name} field is ${f.length} bytes long`);
    }
  }
  const version = latin1Text(versionBytes);
  // IPMsg does atoi(ver) and drops anything that is not 1: so do we.
  const lead = /^\s*(\d+)/.exec(version);
  if (!lead || Number(lead[1]) !== 1) {
    return fail('bad-version', `version field ${JSON.stringify(version.slice(0, 32))} is not 1`);
  }
  const packetNoText = latin1Text(packetNoBytes);
  if (!DIGITS.test(packetNoText) || Number(packetNoText) > MAX_PACKET_NO) {
    return fail('bad-packet-no', `packet number ${JSON.stringify(packetNoText.slice(0, 32))}`);
  }
  const commandText = latin1Text(commandBytes);
  if (!DIGITS.test(commandText) || Number(commandText) > 0xffffffff) {
    return fail('bad-command', `command ${JSON.stringify(commandText.slice(0, 32))}`);
  }
  return {
    ok: true,
    value: {
      version,
      packetNo: Number(packetNoText),
      user,
      host,
      command: Number(commandText) >>> 0,
      extra: bytes.subarray(c5 + 1),
    },
  };
}

/** Assemble a datagram. User and host must be ':'-free (config validation sees to it). */
export function buildDatagram(p: WirePacket): Uint8Array {
  const colon = new Uint8Array([COLON]);
  return concatBytes([
    latin1Bytes(p.version),
    colon,
    latin1Bytes(String(p.packetNo)),
    colon,
    p.user,
    colon,
    p.host,
    colon,
    latin1Bytes(String(p.command >>> 0)),
    colon,
    p.extra,
  ]);
}
