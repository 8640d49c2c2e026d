import type { Dialect, Identity } from './dialect';
import { shownText } from './display-model';
import { decodeGbkLenient, encodeGbkLossy } from './gbk';
import { ipmsgFiles } from './ipmsg-files';
import { Cmd, NUL, Opt, concat, modeOf, nulSections, upToNul } from './ipmsg-packet';

/**
 * A plain IP Messenger client in a GBK (code page 936) build, as Chinese builds of IPMsg 2.x
 * (飞鸽传书) and the small GBK clients written after them: no CAPUTF8OPT, no UTF8OPT, no UTF-8
 * extension section; everything it reads and writes is GBK. Sources:
 *
 *   REF   /work/shared/reference/ipmsg-protocol.md §1, §4, §5, §7 (legacy code page, observed
 *         2026-12: BR_ABSENCE ignored, names learnt from BR_ENTRY/ANSENTRY only)
 *   RS    langzime/ipmsg-rs   src/core/net_worker.rs (GB18030 client: acks SENDCHECKOPT, answers
 *         BR_ENTRY with ANSENTRY, BR_ABSENCE only logged)
 *   TUT   rehth/test  Pycharm/飞鸽传书/python17_04/飞鸽传书/{recvmsg,create}.py (a GBK client:
 *         version "1", decode('gbk'), no BR_ABSENCE branch, ANSENTRY adds the peer)
 */
export function gbkIpmsgDialect(): Dialect {
  return {
    name: 'gbk-ipmsg',
    // REF §1 "IPMsg `1`"; TUT create_msg writes feiq_version = 1.
    versionField: () => '1',
    // No CAPUTF8OPT: it cannot read UTF-8 (REF §7), so nobody may send it UTF8OPT. FILEATTACHOPT:
    // it serves files on TCP 2425 (shirouzu/ipmsg mainwin.cpp HostStatus adds it whenever TCP
    // is available).
    entryOptions: Opt.FILEATTACHOPT,
    // REF §1 entry `nick\0group\0`, in the legacy code page (REF §7), no extension section.
    entryExtra: (me: Identity) =>
      concat([encodeGbkLossy(me.nick), NUL, encodeGbkLossy(me.group), NUL]),
    // REF §2 BR_EXIT: "IPMsg: nick\0group".
    exitExtra: (me) => concat([encodeGbkLossy(me.nick), NUL, encodeGbkLossy(me.group), NUL]),
    // REF §4: NOOPERATION to every target, a 250 ms pause, then BR_ENTRY.
    startupModes: [Cmd.NOOPERATION],
    startupPauseMs: 250,
    // Nick = section 1, group = section 2, each shown in code page 936; a UTF-8 third section
    // means nothing to it. UTF-8 names come out as mojibake (`鸽子` as `楦藉瓙`).
    readEntry: (extra) => {
      const [nick = new Uint8Array(), group = new Uint8Array()] = nulSections(extra);
      return { nick: shownText(decodeGbkLenient(nick)), group: shownText(decodeGbkLenient(group)) };
    },
    // The text up to the NUL, in code page 936; UTF8OPT is not a bit it knows. A FeiQ font tail
    // stays visible (REF §9, "what plain IPMsg shows of a FeiQ user").
    readText: (extra) => shownText(decodeGbkLenient(upToNul(extra))),
    readHeaderField: (bytes) => decodeGbkLenient(bytes),
    writeText: (text) => encodeGbkLossy(text),
    // REF §5 / §2: RECVMSG for SENDMSG|SENDCHECKOPT, every copy, never for broadcasts or
    // auto-replies (RS answers any SENDCHECKOPT as well).
    acks: (command) =>
      modeOf(command) === Cmd.SENDMSG &&
      (command & Opt.SENDCHECKOPT) !== 0 &&
      (command & (Opt.BROADCASTOPT | Opt.AUTORETOPT)) === 0,
    // REF §4: a random 0-1023 ms (+5) before the ANSENTRY on a small LAN.
    answerDelayMs: () => 5 + Math.floor(Math.random() * 1024),
    // REF §5: IPMsg resends after 1 s, up to 4 times, then gives up.
    retry: { intervalMs: 1000, retries: 4, giveUpMs: 1000 },
    aroundText: { before: [], after: [] },
    afterAnsEntry: undefined,
    answers: new Map(),
    // REF §4: "A SENDMSG from an unknown host makes IPMsg unicast a BR_ENTRY back (unless
    // NOADDLISTOPT)".
    introducesItselfToStrangers: true,
    files: ipmsgFiles(),
  };
}
