import {
  Mode,
  Opt,
  buildDatagram,
  latin1Bytes,
  makeCommand,
  utf8Bytes,
} from '../../../shared/protocol';

/** A datagram "from" anyone: the header names a user nobody is. */
export function forged(
  version: string,
  packetNo: number,
  command: number,
  extra: Uint8Array,
): Uint8Array {
  return buildDatagram({
    version,
    packetNo,
    user: latin1Bytes('forged'),
    host: latin1Bytes('host'),
    command,
    extra,
  });
}

/** The kinds of hostile datagram the load test and the flood bench throw, built once. */
export interface HostileDatagrams {
  /** Random bytes: not IPMsg at all. */
  junk: Uint8Array[];
  /** Entries of fake peers. */
  entries: Uint8Array[];
  /** Entries with 60 KB nicks. */
  hugeNicks: Uint8Array[];
  /** One message, again and again: a retransmission storm. */
  storm: Uint8Array;
  /** Messages of 60 KB. */
  bigs: Uint8Array[];
  /** Parts of long messages that never complete (10,000 parts announced). */
  parts: Uint8Array[];
}

/** `int(n)`: a pseudo-random whole number below n (the caller seeds it, for repeatable runs). */
export function hostileDatagrams(int: (n: number) => number): HostileDatagrams {
  const SEND = makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT);
  const variants = <T>(n: number, make: (v: number) => T): T[] =>
    Array.from({ length: n }, (_, v) => make(v));
  return {
    junk: variants(256, () => Uint8Array.from({ length: int(300) }, () => int(256))),
    entries: variants(256, (v) =>
      forged('1', 1000 + v, Mode.BR_ENTRY, latin1Bytes(`fake${v}\0g\0`)),
    ),
    hugeNicks: variants(8, (v) =>
      forged('1', 2000 + v, Mode.BR_ENTRY, utf8Bytes(`${'N'.repeat(60_000)}${v}\0group\0`)),
    ),
    storm: forged('1', 777, SEND, utf8Bytes('again and again\0')),
    bigs: variants(16, (v) =>
      forged('1', 3000 + v, SEND, utf8Bytes(`${v} ${'flood '.repeat(10_240)}\0`)),
    ),
    parts: variants(512, (v) =>
      forged(
        '1_pigeon 0.1.0',
        4000 + v,
        SEND,
        utf8Bytes(`${'p'.repeat(1000)}\0\0PGPART:f${v % 64}:${v * 19}:10000\0`),
      ),
    ),
  };
}
