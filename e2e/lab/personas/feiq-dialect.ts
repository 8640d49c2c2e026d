import type { Dialect, Identity } from './dialect';
import { shownRaw, shownText, type Shown } from './display-model';
import { feiqFiles } from './feiq-files';
import { decodeGbkLenient, decodeGbkStrict, encodeGbkStrict } from './gbk';
import { Cmd, NUL, Opt, concat, nulSections, upToNul } from './ipmsg-packet';

/**
 * The FeiQ (飞秋) dialect. FeiQ is closed source; every behaviour below is taken from a public
 * clone that talks to it, or from the team's protocol reference (which cites the same clones and
 * what was observed on real FeiQ-family clients):
 *
 *   CL  compilelife/feiq        feiqlib/{feiqcommu.cpp, feiqengine.cpp, encoding.cpp, ipmsg.h, fellow.h}
 *   PY  wqfantexi/PythonFeiQ    FeiQ/Handle/{AnsEntryRecvHandler,FeiQRecvAnsEntry}.py
 *   REF /work/shared/reference/ipmsg-protocol.md §7 (observed 2026-12) and §9
 */

/** The font description FeiQ appends to every text (REF §9). */
export const FEIQ_FONT = '/font;-16 0 0 0 400 0 0 0 134 0 0 2 32 微软雅黑 8404992;';

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

export function feiqMac(address: string): string {
  // A stable, plausible MAC per host: the MAC is what FeiQ clones key users on (CL dumpVersionInfo).
  const octets = address.split('.').map((o) => Number(o).toString(16).padStart(2, '0'));
  return `00163E${octets.slice(1).join('')}`.toUpperCase().padEnd(12, '0').slice(0, 12);
}

export interface FeiqOptions {
  /** Append FeiQ's `{/font;…}` tail to texts (REF §9: "usually followed by a font tail"). */
  fontTail?: boolean;
}

export function feiqDialect(options: FeiqOptions = {}): Dialect {
  const fontTail = options.fontTail ?? true;
  return {
    name: 'feiq',
    // CL FeiqCommu::start: "1_lbt6_0#128#" + MAC + "#0#0#0#4001#9".
    versionField: (me: Identity) => `1_lbt6_0#128#${feiqMac(me.address)}#0#0#0#4001#9`,
    // REF §9: BR_ENTRY 6291457 (0x600001) and ANSENTRY 6291459 = FILEATTACHOPT|ENCRYPTOPT.
    entryOptions: Opt.FILEATTACHOPT | Opt.ENCRYPTOPT,
    // REF §9: `nick\0group\0` in GBK, no UTF-8 extension, no flags.
    entryExtra: (me) => concat([gbkOrUtf8(me.nick), NUL, gbkOrUtf8(me.group), NUL]),
    // CL SendImOffLine: the nick (pack() adds the NUL).
    exitExtra: (me) => concat([gbkOrUtf8(me.nick), NUL]),
    // CL FeiqEngine::sendImOnLine: straight to BR_ENTRY.
    startupModes: [],
    startupPauseMs: 0,
    readEntry: readFeiqEntry,
    readText: readFeiqText,
    // CL dumpRaw keeps header fields as they came (its own TODO asks about their encoding).
    readHeaderField: (bytes) => decodeGbkLenient(bytes),
    writeText: (text) => {
      const body = gbkOrUtf8(text);
      return fontTail
        ? concat([body, Buffer.from('{'), gbkOrUtf8(FEIQ_FONT), Buffer.from('}')])
        : body;
    },
    // CL RecvSendCheck: IS_OPT_SET(cmd, IPMSG_SENDCHECKOPT) on *any* command, every copy.
    acks: (command) => (command & Opt.SENDCHECKOPT) === Opt.SENDCHECKOPT,
    // CL FeiqEngine::onBrEntry answers at once.
    answerDelayMs: () => 0,
    // CL FeiqEngine::send: one datagram, a 5 s wait for RECVMSG, no retransmission.
    retry: { intervalMs: 5000, retries: 0, giveUpMs: 5000 },
    // CL ipmsg.h: INPUTING 0x79 "no extra; one also follows a sent message, without 0x7a".
    aroundText: { before: [Cmd.INPUTING], after: [Cmd.INPUTING] },
    // PY AnsEntryRecvHandler: an ANSENTRY is answered with OPEN_YOU (0x77)...
    afterAnsEntry: Cmd.OPEN_YOU,
    // ...and PY FeiQRecvAnsEntry answers OPEN_YOU with RESP_YOU (0x78).
    answers: new Map([[Cmd.OPEN_YOU, Cmd.RESP_YOU]]),
    // CL addOrUpdateFellow just adds the stranger (showing its login name); no BR_ENTRY back.
    introducesItselfToStrangers: false,
    files: feiqFiles(),
  };
}

/**
 * CL encoding.cpp Encoding::convert (UTF-8 -> GBK): on iconv failure it returns its input, so a
 * text with a character GBK lacks (✓, emoji) goes out as raw UTF-8, without UTF8OPT (REF §7,
 * observed: "the FeiQ-dialect one sends a text as raw UTF-8").
 */
function gbkOrUtf8(text: string): Uint8Array {
  return encodeGbkStrict(text) ?? new Uint8Array(Buffer.from(text, 'utf8'));
}

/**
 * CL RecvBrEntry / RecvAnsEntry: `encIn->convert(post->extra)` on the WHOLE extra, the UTF-8
 * extension of IPMsg/Pigeon entries included; on failure the bytes stay raw (encoding.cpp) and
 * the name shown is those bytes up to the first NUL (utils.cpp toString). REF §7: "one decodes
 * the whole entry body as GBK, extension included, keeping raw bytes when that fails". FeiQ
 * itself shows the group too (REF §9 `nick\0group\0`), read from the same conversion.
 */
export function readFeiqEntry(extra: Uint8Array): { nick: Shown; group: Shown } {
  const whole = decodeGbkStrict(extra);
  if (whole.ok) {
    const [nick = '', group = ''] = whole.text.split('\0');
    return { nick: shownText(nick), group: shownText(group) };
  }
  const [nick = new Uint8Array(), group = new Uint8Array()] = nulSections(extra);
  return { nick: shownRaw(nick), group: shownRaw(group) };
}

/**
 * CL RecvText: the bytes before the first NUL, converted GBK -> UTF-8 (raw on failure), then
 * createTextContent splits off the `{…}` font description at the first '{'.
 */
export function readFeiqText(extra: Uint8Array): Shown {
  const raw = upToNul(extra);
  const converted = decodeGbkStrict(raw);
  if (converted.ok) {
    const brace = converted.text.indexOf('{');
    const close = brace < 0 ? -1 : converted.text.indexOf('}', brace + 1);
    return shownText(close < 0 ? converted.text : converted.text.slice(0, brace));
  }
  const brace = raw.indexOf(OPEN_BRACE);
  const close = brace < 0 ? -1 : raw.indexOf(CLOSE_BRACE, brace + 1);
  return shownRaw(close < 0 ? raw : raw.slice(0, brace));
}
