/**
 * The IPMsg datagram as the legacy clients split it: `Ver:PacketNo:User:Host:Command:Extra`,
 * the first five ':' end the header and the extra is kept as bytes (compilelife/feiq
 * `feiqlib/feiqcommu.cpp` FeiqCommu::dumpRaw; protocol reference §1). Independent of Pigeon's
 * codec on purpose.
 */

export const Cmd = {
  NOOPERATION: 0x00,
  BR_ENTRY: 0x01,
  BR_EXIT: 0x02,
  ANSENTRY: 0x03,
  BR_ABSENCE: 0x04,
  SENDMSG: 0x20,
  RECVMSG: 0x21,
  GETFILEDATA: 0x60,
  RELEASEFILES: 0x61,
  GETDIRFILES: 0x62,
  // FeiQ's own commands (compilelife/feiq feiqlib/ipmsg.h; wqfantexi/PythonFeiQ Struct/IPMSG.py)
  OPEN_YOU: 0x77,
  RESP_YOU: 0x78,
  INPUTING: 0x79,
} as const;

export const Opt = {
  ABSENCEOPT: 0x100,
  SENDCHECKOPT: 0x100,
  BROADCASTOPT: 0x400,
  AUTORETOPT: 0x2000,
  DIALUPOPT: 0x10000,
  NOADDLISTOPT: 0x80000,
  FILEATTACHOPT: 0x200000,
  ENCRYPTOPT: 0x400000,
  UTF8OPT: 0x800000,
} as const;

/** File types (attr & 0xff) of an attachment record (ipmsg.h IPMSG_FILE_*). */
export const FileType = { REGULAR: 1, DIR: 2 } as const;

export const BEL = 0x07;
export const COLON = 0x3a;

export interface Packet {
  version: string;
  packetNo: number;
  user: Uint8Array;
  host: Uint8Array;
  command: number;
  extra: Uint8Array;
}

export const modeOf = (command: number): number => command & 0xff;

/** undefined for anything with fewer than six fields or a non-numeric command (CL: "协议错误"). */
export function parsePacket(bytes: Uint8Array): Packet | undefined {
  const cuts: number[] = [];
  for (let i = 0; i < bytes.length && cuts.length < 5; i++) if (bytes[i] === COLON) cuts.push(i);
  const [c1, c2, c3, c4, c5] = cuts;
  if (c1 === undefined || c2 === undefined || c3 === undefined) return undefined;
  if (c4 === undefined || c5 === undefined) return undefined;
  const ascii = (from: number, to: number) =>
    Buffer.from(bytes.subarray(from, to)).toString('latin1');
  const packetNo = Number(ascii(c1 + 1, c2));
  const command = Number(ascii(c4 + 1, c5));
  if (!Number.isSafeInteger(packetNo) || !Number.isSafeInteger(command)) return undefined;
  return {
    version: ascii(0, c1),
    packetNo,
    user: bytes.slice(c2 + 1, c3),
    host: bytes.slice(c3 + 1, c4),
    command: command >>> 0,
    extra: bytes.slice(c5 + 1),
  };
}

export function buildPacket(args: {
  version: string;
  packetNo: number;
  user: string;
  host: string;
  command: number;
  extra: Uint8Array;
}): Uint8Array {
  const head = Buffer.from(
    `${args.version}:${args.packetNo}:${args.user}:${args.host}:${args.command >>> 0}:`,
    'latin1',
  );
  return new Uint8Array(Buffer.concat([head, args.extra]));
}

/** The sections of an extra, split on NUL; trailing NULs make no empty sections. */
export function nulSections(extra: Uint8Array): Uint8Array[] {
  let end = extra.length;
  while (end > 0 && extra[end - 1] === 0) end--;
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= end; i++) {
    if (i === end || extra[i] === 0) {
      out.push(extra.slice(start, i));
      start = i + 1;
    }
  }
  return out;
}

/** The bytes before the first NUL (C strings: CL's toString, IPMsg's strcpy of the text). */
export function upToNul(bytes: Uint8Array): Uint8Array {
  const i = bytes.indexOf(0);
  return i < 0 ? bytes : bytes.slice(0, i);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export const NUL = new Uint8Array([0]);
