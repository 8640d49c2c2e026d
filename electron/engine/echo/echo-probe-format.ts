/**
 * The payload of one echo probe, shared by the pigeon mode (the extra of PIGEON_ECHO) and the raw
 * mode (the whole UDP payload). Printable ASCII only, so that a naive echo server that decodes
 * what it reads as text sends it back unharmed:
 *
 *   PGE1:<run>:<seq>:<sentUs>:<flags>|<padding>
 *
 *   run      8 hex digits, random per run (answers to other runs are told apart)
 *   seq      decimal, 0-based probe number
 *   sentUs   decimal, the sender's clock in microseconds (informational: RTTs use local records)
 *   flags    comma-separated, may be empty:
 *              r=<n>              a probe sent back on request ("reverse"), <n> of them in all
 *              b=<n>/<ms>/<size>  please send me <n> probes, <ms> apart, <size> bytes each
 *              c=<cookie>         answer to b= without a valid v=: send b= again with v=<cookie>
 *              v=<cookie>         with b=: the cookie of a c= answer, proving we receive there
 *              a=<n>              answer to b= with a valid v=: the responder will send <n>
 *                                 (0 = refused)
 *   padding  printable characters up to the requested size; the character at byte offset i is
 *            PATTERN[i % PATTERN.length], so a truncated or rewritten answer is recognised
 *
 * See PROTOCOL.md beside this file for the full extension.
 */

export const PROBE_MAGIC = 'PGE1';
const PATTERN = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const COLON = 0x3a;
const BAR = 0x7c;
/** Longest header: magic, 8 + 9 + 16 digits, 64 flag characters and separators. */
const MAX_HEADER = 110;
/** A probe-back cookie: 16 lowercase hex digits (64 bits of an HMAC). */
const COOKIE = /^[0-9a-f]{16}$/;

export interface ProbeBackRequest {
  count: number;
  intervalMs: number;
  size: number;
}

export interface ProbeFields {
  runId: string;
  seq: number;
  sentUs: number;
  reverse?: boolean;
  /** In a reverse probe: how many the responder sends in all. */
  reverseOf?: number;
  back?: ProbeBackRequest;
  /** In an answer to a probe-back request: how many probes the responder grants. */
  granted?: number;
  /** In an answer to a probe-back request: the cookie to send back before anything is granted. */
  cookie?: string;
  /** In a probe-back request: the cookie of an earlier answer (proof that we receive there). */
  proof?: string;
}

export interface DecodedProbe extends ProbeFields {
  /** Length of the header (everything up to and including '|'). */
  headerLength: number;
  /** The padding follows the pattern and nothing else follows it. */
  intact: boolean;
}

export function newRunId(random: () => number = Math.random): string {
  let id = '';
  for (let i = 0; i < 8; i++) id += Math.floor(random() * 16).toString(16);
  return id;
}

function flagsText(f: ProbeFields): string {
  const flags: string[] = [];
  if (f.reverse) flags.push(f.reverseOf !== undefined ? `r=${f.reverseOf}` : 'r');
  if (f.back) flags.push(`b=${f.back.count}/${f.back.intervalMs}/${f.back.size}`);
  if (f.proof !== undefined) flags.push(`v=${f.proof}`);
  if (f.granted !== undefined) flags.push(`a=${f.granted}`);
  if (f.cookie !== undefined) flags.push(`c=${f.cookie}`);
  return flags.join(',');
}

export function probeHeader(f: ProbeFields): string {
  return `${PROBE_MAGIC}:${f.runId}:${f.seq}:${Math.max(0, Math.floor(f.sentUs))}:${flagsText(f)}|`;
}

/**
 * The probe's bytes, padded to `size` (a size below the header's length gives the bare header).
 * The padding pattern is keyed to offsets within the probe itself (in pigeon mode: the extra).
 */
export function encodeProbe(f: ProbeFields, size = 0): Uint8Array {
  const header = probeHeader(f);
  const total = Math.max(header.length, Math.floor(size));
  const out = new Uint8Array(total);
  for (let i = 0; i < header.length; i++) out[i] = header.charCodeAt(i);
  for (let i = header.length; i < total; i++) out[i] = PATTERN.charCodeAt(i % PATTERN.length);
  return out;
}

/** Parse a probe; undefined for anything else (another program's datagram, garbage). */
export function decodeProbe(bytes: Uint8Array): DecodedProbe | undefined {
  // Byte by byte (hot path): PGE1:<8 hex>:<digits>:<digits>:<flags>|
  if (bytes.length < 16) return undefined;
  if (!hasMagic(bytes)) return undefined;
  let runId = '';
  for (let i = 5; i < 13; i++) {
    const c = (bytes[i] ?? 0) | 0x20;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return undefined;
    runId += String.fromCharCode(c);
  }
  if (bytes[13] !== COLON) return undefined;
  let at = 14;
  const number = (maxDigits: number): number | undefined => {
    let n = 0;
    const start = at;
    while (at < bytes.length && at - start <= maxDigits) {
      const c = bytes[at] ?? 0;
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
      at++;
    }
    if (at === start || at - start > maxDigits || bytes[at] !== COLON) return undefined;
    at++;
    return n;
  };
  const seq = number(9);
  if (seq === undefined) return undefined;
  const sentUs = number(16);
  if (sentUs === undefined) return undefined;
  const flagsStart = at;
  while (at < bytes.length && at - flagsStart <= 64 && bytes[at] !== BAR) at++;
  if (bytes[at] !== BAR || at - flagsStart > 64) return undefined;
  const headerLength = at + 1;
  const fields: DecodedProbe = { runId, seq, sentUs, headerLength, intact: true };
  if (at > flagsStart) {
    const text = latin1(bytes.subarray(flagsStart, at)).toLowerCase();
    if (!/^[0-9a-z=/,]*$/.test(text)) return undefined;
    parseFlags(text, fields);
  }
  for (let i = headerLength; i < bytes.length; i++) {
    if (bytes[i] !== PATTERN.charCodeAt(i % PATTERN.length)) {
      fields.intact = false;
      break;
    }
  }
  return fields;
}

/** A probe with no flags (the common case): answer it without decoding further. */
export function isPlainProbe(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || !hasMagic(bytes) || bytes[13] !== COLON) return false;
  let colons = 0;
  for (let i = 14; i < bytes.length && i < MAX_HEADER; i++) {
    const c = bytes[i];
    if (c === COLON) colons++;
    else if (c === BAR) return colons === 2 && bytes[i - 1] === COLON;
  }
  return false;
}

/** "PGE1:", any case. */
function hasMagic(bytes: Uint8Array): boolean {
  return (
    ((bytes[0] ?? 0) | 0x20) === 0x70 &&
    ((bytes[1] ?? 0) | 0x20) === 0x67 &&
    ((bytes[2] ?? 0) | 0x20) === 0x65 &&
    bytes[3] === 0x31 &&
    bytes[4] === COLON
  );
}

function parseFlags(text: string, fields: ProbeFields): void {
  for (const flag of text.split(',')) {
    if (flag === 'r') fields.reverse = true;
    else if (flag.startsWith('r=')) {
      fields.reverse = true;
      const n = Number(flag.slice(2));
      if (Number.isSafeInteger(n)) fields.reverseOf = n;
    } else if (flag.startsWith('b=')) {
      const parts = flag.slice(2).split('/');
      const [count, intervalMs, size] = parts.map(Number);
      if (
        parts.length === 3 &&
        Number.isSafeInteger(count) &&
        Number.isSafeInteger(intervalMs) &&
        Number.isSafeInteger(size)
      ) {
        fields.back = { count: count ?? 0, intervalMs: intervalMs ?? 0, size: size ?? 0 };
      }
    } else if (flag.startsWith('a=')) {
      const n = Number(flag.slice(2));
      if (Number.isSafeInteger(n)) fields.granted = n;
    } else if (flag.startsWith('c=')) {
      if (COOKIE.test(flag.slice(2))) fields.cookie = flag.slice(2);
    } else if (flag.startsWith('v=')) {
      if (COOKIE.test(flag.slice(2))) fields.proof = flag.slice(2);
    }
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
