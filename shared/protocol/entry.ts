import type { WireEncoding } from '../model/peer';
import { concatBytes, latin1Text, splitOnNul, trimTrailingNuls, utf8Bytes } from './bytes';
import { decodeLenient, encodeText, parseEncodingName } from './encoding';

/**
 * The extra of presence packets (BR_ENTRY, ANSENTRY, BR_ABSENCE, BR_EXIT):
 *  - IPMsg:  nick\0group\0\nUN:user\nHN:host\nNN:nick\nGN:group\nVS:... (third section UTF-8)
 *  - iptux:  nick\0group\0icon\0encoding\0 (a fourth section marks a "compatible" peer)
 *  - FeiQ:   nick\0group\0 in GBK
 */
export interface EntryInfo {
  nick: string;
  group: string;
  /** From IPMsg's UTF-8 extension section, when present. */
  ext: {
    user?: string;
    host?: string;
    nick?: string;
    group?: string;
    vs?: string;
    pigeon?: string[];
    /** A Pigeon's install id (PI line), only when it has the exact shape of one (isInstallId). */
    install?: string;
  };
  /** iptux's icon file name and declared encoding (4th section). */
  icon?: string;
  encodingName?: string;
  declaredEncoding?: WireEncoding;
}

const MAX_NAME = 256;

/**
 * A Pigeon install id as it travels in the `PI:` line of the UTF-8 extension section: 32
 * lowercase hex digits (128 random bits, made once per data directory). ASCII only, so a
 * client that converts the whole entry from GBK (FeiQ) reads it as the same ASCII and shows
 * nothing of it; IP Messenger skips the keys it does not know, iptux never reads that section.
 * Anything else in a PI line (longer, other characters) is not an install id and is ignored.
 */
const INSTALL_ID = /^[0-9a-f]{32}$/;

export function isInstallId(value: unknown): value is string {
  return typeof value === 'string' && INSTALL_ID.test(value);
}

export function parseEntryExtra(extra: Uint8Array, encoding: WireEncoding): EntryInfo {
  const sections = splitOnNul(trimTrailingNuls(extra));
  const clip = (s: string) => (s.length > MAX_NAME ? s.slice(0, MAX_NAME) : s);
  const info: EntryInfo = {
    nick: clip(decodeLenient(sections[0] ?? new Uint8Array(), encoding)),
    group: clip(decodeLenient(sections[1] ?? new Uint8Array(), encoding)),
    ext: {},
  };
  const third = sections[2];
  if (third && third[0] === 0x0a) {
    // IPMsg's extension is always UTF-8, whatever the rest of the packet is.
    const text = decodeLenient(third, 'utf-8');
    for (const line of text.split('\n')) {
      const m = /^([A-Z]{2}):(.*)$/.exec(line);
      if (!m) continue;
      const value = clip(m[2] ?? '');
      switch (m[1]) {
        case 'UN':
          info.ext.user = value;
          break;
        case 'HN':
          info.ext.host = value;
          break;
        case 'NN':
          info.ext.nick = value;
          break;
        case 'GN':
          info.ext.group = value;
          break;
        case 'VS':
          info.ext.vs = value;
          break;
        case 'PC':
          info.ext.pigeon = value.split(',').filter(Boolean);
          break;
        case 'PI':
          if (isInstallId(value)) info.ext.install = value;
          else delete info.ext.install;
          break;
      }
    }
  } else if (third && third.length > 0) {
    info.icon = clip(latin1Text(third));
  }
  const fourth = sections[3];
  if (fourth && fourth.length > 0 && fourth.length < 32) {
    info.encodingName = latin1Text(fourth);
    info.declaredEncoding = parseEncodingName(info.encodingName);
  }
  return info;
}

/** Nick and group a person should see: IPMsg's UTF-8 NN/GN win over legacy-encoded fields. */
export function displayNames(info: EntryInfo): { nick: string; group: string } {
  return { nick: info.ext.nick || info.nick, group: info.ext.group ?? info.group };
}

/**
 * Our own entry extra. One encoding per datagram (iptux converts the whole buffer at once):
 * nick and group in `encoding`, then IPMsg's UTF-8 extension section (UN/HN/NN/GN plus PC, the
 * Pigeon capability list, and PI, our install id, both of which other clients ignore), then the
 * encoding's name as iptux's fourth field, so iptux treats us as compatible and reads our names
 * in the right encoding.
 */
export function buildEntryExtra(args: {
  nick: string;
  group: string;
  user: string;
  host: string;
  encoding: WireEncoding;
  capabilities: string[];
  /** Our install id (isInstallId); left out when it does not have that shape. */
  installId?: string | undefined;
}): Uint8Array {
  const nul = new Uint8Array([0]);
  const nick = encodeOrFallback(args.nick, args.encoding);
  const group = encodeOrFallback(args.group, args.encoding);
  const ext = utf8Bytes(
    `\nUN:${args.user}\nHN:${args.host}\nNN:${args.nick}\nGN:${args.group}` +
      (args.capabilities.length ? `\nPC:${args.capabilities.join(',')}` : '') +
      (isInstallId(args.installId) ? `\nPI:${args.installId}` : ''),
  );
  return concatBytes([nick, nul, group, nul, ext, nul, utf8Bytes(args.encoding), nul]);
}

/** Names are best effort in a legacy encoding: the UTF-8 extension carries them exactly. */
function encodeOrFallback(text: string, encoding: WireEncoding): Uint8Array {
  const r = encodeText(text, encoding);
  if (r.ok) return r.bytes;
  const lossy = encodeText(text, 'gb18030');
  return lossy.ok ? lossy.bytes : utf8Bytes(text);
}

/**
 * Our entry for a client that reads nothing but its legacy code page (FeiQ: GBK; IP Messenger
 * without CAPUTF8OPT: the configured legacy encoding): `nick\0group\0` wholly in `encoding`, with
 * no UTF-8 extension section and no iptux fourth field. FeiQ converts the whole extra at once and
 * keeps raw bytes when that fails, so one UTF-8 sequence anywhere (the UN/HN/NN/GN section) spoils
 * both names. A character the code page lacks is written '?', as a Windows ANSI program writes
 * it, so the rest of the name stays readable.
 */
export function buildLegacyEntryExtra(args: {
  nick: string;
  group: string;
  encoding: WireEncoding;
}): Uint8Array {
  const nul = new Uint8Array([0]);
  return concatBytes([
    encodeOrQuestionMark(args.nick, args.encoding),
    nul,
    encodeOrQuestionMark(args.group, args.encoding),
    nul,
  ]);
}

const QUESTION_MARK = new Uint8Array([0x3f]);

function encodeOrQuestionMark(text: string, encoding: WireEncoding): Uint8Array {
  const whole = encodeText(text, encoding);
  if (whole.ok) return whole.bytes;
  const parts: Uint8Array[] = [];
  for (const character of text) {
    const one = encodeText(character, encoding);
    parts.push(one.ok ? one.bytes : QUESTION_MARK);
  }
  return concatBytes(parts);
}
