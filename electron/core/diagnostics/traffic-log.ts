import { Mode, modeName, modeOf } from '../../../shared/protocol';

/**
 * Who we heard from and when: the doctor's "last packet seen from it", and the recent packet
 * summary of the diagnostics bundle. Bounded in both dimensions.
 */
export interface SeenEntry {
  address: string;
  port: number;
  at: number;
  packets: number;
  /** Packets that were not answers to something we sent (entries, messages, probes). */
  unsolicited: number;
  mode: string;
}

export interface TrafficLine {
  at: number;
  address: string;
  port: number;
  mode: string;
  bytes: number;
}

/** Modes that only ever answer something: hearing one says nothing about unsolicited traffic. */
const ANSWERS = new Set<number>([
  Mode.ANSENTRY,
  Mode.RECVMSG,
  Mode.ANSREADMSG,
  Mode.SENDINFO,
  Mode.SENDABSENCEINFO,
  Mode.ANSPUBKEY,
  Mode.FEIQ_RESP_YOU,
  Mode.PIGEON_ECHO_REPLY,
]);

export class TrafficLog {
  private readonly seen = new Map<string, SeenEntry>();
  /** The address at the end of `seen`'s order. */
  private newest: string | undefined;
  /** A ring of the last `maxLines` datagrams; `head` is where the next one goes. */
  private readonly ring: (TrafficLine | undefined)[] = [];
  private head = 0;

  constructor(
    private readonly maxAddresses = 4096,
    private readonly maxLines = 200,
  ) {}

  /** `solicited`: a packet we asked for even though its mode is not an answer (probe back). */
  record(
    address: string,
    port: number,
    command: number,
    bytes: number,
    at: number,
    solicited = false,
  ): void {
    const mode = modeOf(command);
    let e = this.seen.get(address);
    if (e) {
      // Map order is recency; the address heard last is already at the end.
      if (this.newest !== address) this.seen.delete(address);
    } else {
      e = { address, port, at, packets: 0, unsolicited: 0, mode: '' };
      if (this.seen.size >= this.maxAddresses) {
        const oldest = this.seen.keys().next().value;
        if (oldest !== undefined) this.seen.delete(oldest);
        if (oldest === this.newest) this.newest = undefined;
      }
    }
    e.port = port;
    e.at = at;
    e.packets++;
    if (!solicited && !ANSWERS.has(mode)) e.unsolicited++;
    e.mode = modeName(command);
    if (this.newest !== address || this.seen.get(address) !== e) this.seen.set(address, e);
    this.newest = address;
    this.ring[this.head] = { at, address, port, mode: e.mode, bytes };
    this.head = (this.head + 1) % this.maxLines;
  }

  get(address: string): SeenEntry | undefined {
    const e = this.seen.get(address);
    return e ? { ...e } : undefined;
  }

  /** Oldest first. */
  recent(): TrafficLine[] {
    const ordered = [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
    return ordered.filter((l): l is TrafficLine => l !== undefined).map((l) => ({ ...l }));
  }
}
