import { Mode, modeName, modeOf } from '../../../shared/protocol';
import { LruMap } from '../lru-map';
import type { TrafficLine } from '../../../shared/diagnostics/bundle';

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

/** What is kept per address: the mode as its number, named only when someone asks. */
interface Seen {
  address: string;
  port: number;
  at: number;
  packets: number;
  unsolicited: number;
  command: number;
}

/**
 * Every datagram passes through record(): it writes numbers into place and allocates nothing
 * for an address it already knows. Names and objects are made when the doctor or the
 * diagnostics bundle reads them.
 */
export class TrafficLog {
  /** By address, in the order they were last heard from. */
  private readonly seen = new LruMap<string, Seen>();
  /** A ring of the last `maxLines` datagrams, one array per field; `head` is where the next goes. */
  private readonly ringAt: Float64Array;
  private readonly ringPort: Uint16Array;
  private readonly ringCommand: Uint32Array;
  private readonly ringBytes: Uint32Array;
  private readonly ringAddress: string[];
  private head = 0;
  private lines = 0;

  constructor(
    private readonly maxAddresses = 4096,
    private readonly maxLines = 200,
  ) {
    this.ringAt = new Float64Array(maxLines);
    this.ringPort = new Uint16Array(maxLines);
    this.ringCommand = new Uint32Array(maxLines);
    this.ringBytes = new Uint32Array(maxLines);
    this.ringAddress = new Array<string>(maxLines).fill('');
  }

  /** `solicited`: a packet we asked for even though its mode is not an answer (probe back). */
  record(
    address: string,
    port: number,
    command: number,
    bytes: number,
    at: number,
    solicited = false,
  ): void {
    let e = this.seen.get(address);
    if (e) {
      this.seen.touch(address);
    } else {
      e = { address, port, at, packets: 0, unsolicited: 0, command: 0 };
      if (this.seen.size >= this.maxAddresses) {
        const oldest = this.seen.oldest();
        if (oldest) this.seen.delete(oldest[0]);
      }
      this.seen.set(address, e);
    }
    e.port = port;
    e.at = at;
    e.packets++;
    if (!solicited && !ANSWERS.has(modeOf(command))) e.unsolicited++;
    e.command = command;
    const i = this.head;
    this.ringAt[i] = at;
    this.ringPort[i] = port;
    this.ringCommand[i] = command >>> 0;
    this.ringBytes[i] = bytes;
    this.ringAddress[i] = address;
    this.head = (i + 1) % this.maxLines;
    if (this.lines < this.maxLines) this.lines++;
  }

  get(address: string): SeenEntry | undefined {
    const e = this.seen.get(address);
    if (!e) return undefined;
    return {
      address: e.address,
      port: e.port,
      at: e.at,
      packets: e.packets,
      unsolicited: e.unsolicited,
      mode: modeName(e.command),
    };
  }

  /** Oldest first. */
  recent(): TrafficLine[] {
    const out: TrafficLine[] = [];
    const first = (this.head - this.lines + this.maxLines) % this.maxLines;
    for (let k = 0; k < this.lines; k++) {
      const i = (first + k) % this.maxLines;
      out.push({
        at: this.ringAt[i] ?? 0,
        address: this.ringAddress[i] ?? '',
        port: this.ringPort[i] ?? 0,
        mode: modeName(this.ringCommand[i] ?? 0),
        bytes: this.ringBytes[i] ?? 0,
      });
    }
    return out;
  }
}
