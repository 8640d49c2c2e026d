/**
 * IPMsg command modes and option bits, named as in IP Messenger's ipmsg.h, plus the iptux and
 * FeiQ extensions we meet on real LANs (see the repo's docs/protocol notes in README).
 * A command word is `mode | options`: mode = cmd & 0xff, options = cmd & 0xffffff00.
 */
export const Mode = {
  NOOPERATION: 0x00,
  BR_ENTRY: 0x01,
  BR_EXIT: 0x02,
  ANSENTRY: 0x03,
  BR_ABSENCE: 0x04,
  BR_ISGETLIST: 0x10,
  OKGETLIST: 0x11,
  GETLIST: 0x12,
  ANSLIST: 0x13,
  ANSLIST_DICT: 0x14,
  BR_ISGETLIST2: 0x18,
  SENDMSG: 0x20,
  RECVMSG: 0x21,
  READMSG: 0x30,
  DELMSG: 0x31,
  ANSREADMSG: 0x32,
  GETINFO: 0x40,
  SENDINFO: 0x41,
  GETABSENCEINFO: 0x50,
  SENDABSENCEINFO: 0x51,
  GETFILEDATA: 0x60,
  RELEASEFILES: 0x61,
  GETDIRFILES: 0x62,
  DIRFILES_AUTH: 0x63,
  DIRFILES_AUTHRET: 0x64,
  GETPUBKEY: 0x72,
  ANSPUBKEY: 0x73,
  AGENT_REQ: 0xa0,
  AGENT_ANSREQ: 0xa1,
  AGENT_PACKET: 0xa2,
  AGENT_PROXYREQ: 0xa3,
  DIR_POLL: 0xb0,
  DIR_POLLAGENT: 0xb1,
  DIR_BROADCAST: 0xb2,
  DIR_ANSBROAD: 0xb3,
  DIR_PACKET: 0xb4,
  DIR_REQUEST: 0xb5,
  DIR_AGENTPACKET: 0xb6,
  DIR_EVBROAD: 0xb7,
  DIR_AGENTREJECT: 0xb8,
  /** FeiQ (reverse-engineered by its clones). */
  FEIQ_GROUP_MSG: 0x23,
  FEIQ_OPEN_YOU: 0x77,
  FEIQ_RESP_YOU: 0x78,
  FEIQ_INPUTING: 0x79,
  FEIQ_INPUT_END: 0x7a,
  FEIQ_SENDIMAGE: 0xc0,
  FEIQ_REPORT_RECVIMAGE: 0xc1,
  FEIQ_GROUP_INFO: 0xc9,
  FEIQ_KNOCK: 0xd1,
  /** Pigeon's echo probe and its answer: an extension other clients ignore (unknown modes). */
  PIGEON_ECHO: 0xe0,
  PIGEON_ECHO_REPLY: 0xe1,
  /**
   * The sender cancelled an offer: `packetNo:fileId` (decimal). IPMsg has no way to tell a
   * receiver; other clients learn it when their fetch is refused.
   */
  PIGEON_FILES_CANCEL: 0xe2,
  /** iptux. */
  IPTUX_SENDMSG: 0xfb,
  IPTUX_SENDSIGN: 0xfc,
  IPTUX_SENDSUBLAYER: 0xfd,
  IPTUX_SENDICON: 0xfe,
  IPTUX_ASKSHARED: 0xff,
} as const;
export type ModeName = keyof typeof Mode;

/** Option bits. Several share a value: their meaning depends on the command. */
export const Opt = {
  // entry commands
  ABSENCEOPT: 0x00000100,
  SERVEROPT: 0x00000200,
  DIALUPOPT: 0x00010000,
  FILEATTACHOPT: 0x00200000,
  ENCRYPTOPT: 0x00400000,
  UTF8OPT: 0x00800000,
  CAPUTF8OPT: 0x01000000,
  ENCEXTMSGOPT: 0x04000000,
  CLIPBOARDOPT: 0x08000000,
  CAPFILEENCOPT: 0x00040000,
  CAPIPDICTOPT: 0x02000000,
  DIR_MASTER: 0x10000000,
  // SENDMSG
  SENDCHECKOPT: 0x00000100,
  SECRETOPT: 0x00000200,
  BROADCASTOPT: 0x00000400,
  MULTICASTOPT: 0x00000800,
  NOPOPUPOPT: 0x00001000,
  AUTORETOPT: 0x00002000,
  RETRYOPT: 0x00004000,
  PASSWORDOPT: 0x00008000,
  NOLOGOPT: 0x00020000,
  NEWMULTIOPT: 0x00040000,
  NOADDLISTOPT: 0x00080000,
  READCHECKOPT: 0x00100000,
  SECRETEXOPT: 0x00000300,
  // Pigeon, on GETFILEDATA/GETDIRFILES only
  /**
   * The requester (a Pigeon) asks for a 32-byte SHA-256 trailer after each regular file's
   * content: after the whole stream for GETFILEDATA, after each file's content bytes in
   * GETDIRFILES. The hash covers the whole file from byte 0, whatever the offset.
   * Safe because nobody sets this bit on these modes: it is PASSWORDOPT, a SENDMSG option.
   * IP Messenger's requests carry only ENCRYPTOPT, ENCFILEOPT (0x800) and UTF8OPT; iptux's only
   * FILEATTACHOPT; FeiQ's none. And servers that don't know it ignore it: IP Messenger tests
   * GET_MODE and the ENCFILEOPT bit, iptux and the FeiQ clones only GET_MODE. Only a Pigeon
   * server answers it, so a requester expects the trailer only from a peer known to be Pigeon.
   */
  PIGEON_HASHOPT: 0x00008000,
  // iptux
  IPTUX_SHAREDOPT: 0x80000000,
  IPTUX_PASSWDOPT: 0x40000000,
} as const;
export type OptName = keyof typeof Opt;

/** File attribute types and flags (attachment lists; used by file transfer). */
export const FileAttr = {
  REGULAR: 0x1,
  DIR: 0x2,
  RETPARENT: 0x3,
  SYMLINK: 0x4,
  CDEV: 0x5,
  BDEV: 0x6,
  FIFO: 0x7,
  RESFORK: 0x10,
  CLIPBOARD: 0x20,
  RONLYOPT: 0x100,
  HIDDENOPT: 0x1000,
  EXHIDDENOPT: 0x2000,
  ARCHIVEOPT: 0x4000,
  SYSTEMOPT: 0x8000,
} as const;

export const IPMSG_DEFAULT_PORT = 2425;

export function modeOf(command: number): number {
  return command & 0xff;
}

export function optionsOf(command: number): number {
  return (command & 0xffffff00) >>> 0;
}

export function hasOpt(command: number, opt: number): boolean {
  return (optionsOf(command) & opt) >>> 0 === opt >>> 0;
}

export function makeCommand(mode: number, ...options: number[]): number {
  let cmd = mode & 0xff;
  for (const o of options) cmd = (cmd | o) >>> 0;
  return cmd >>> 0;
}

const modeNames = new Map<number, ModeName>();
for (const [name, value] of Object.entries(Mode) as [ModeName, number][]) {
  if (!modeNames.has(value)) modeNames.set(value, name);
}

/** Name of a command's mode for logs and diagnostics ("SENDMSG", "0x9a" when unknown). */
export function modeName(command: number): string {
  const m = modeOf(command);
  return modeNames.get(m) ?? `0x${m.toString(16)}`;
}
