import iconv from 'iconv-lite';
import {
  buildDatagram,
  concatBytes,
  hasOpt,
  IPMSG_DEFAULT_PORT,
  latin1Bytes,
  makeCommand,
  Mode,
  modeOf,
  Opt,
  parseDatagram,
  utf8Bytes,
  type WirePacket,
} from '../../../shared/protocol';
import type { Endpoint, FakeNetwork, FakeSocket } from './fake-network';

/**
 * A peer whose every datagram a test writes by hand: an iptux, a FeiQ, an old IPMsg, a forger.
 * It sits on a FakeNetwork host, records what it receives (parsed), and sends exactly the bytes
 * it is given, so tests can replay the golden packets from the lab.
 *
 *   const iptux = await ScriptedPeer.start(net, '10.0.0.10', IPTUX);
 *   iptux.send(engineEndpoint, 257, bytes('iptux-peer\0lab\0icon-tux.png\0utf-8\0'));
 *   await clock.flush();
 *   expect(iptux.inboxOf(Mode.ANSENTRY)).toHaveLength(1);
 */

export interface Identity {
  version: string;
  user: string | Uint8Array;
  host: string | Uint8Array;
}

/** Identities as the lab and the clones saw them. */
export const IPTUX: Identity = { version: '1_iptux 0.8.3', user: 'root', host: 'lab-iptux' };
export const FEIQ: Identity = {
  version: '1_lbt6_0#128#001122334455#0#0#0#4001#9',
  user: 'feiq',
  host: 'FEIQ-PC',
};
export const IPMSG: Identity = { version: '1', user: 'taro', host: 'TARO-PC' };

export interface ReceivedPacket {
  packet: WirePacket;
  from: Endpoint;
  bytes: Uint8Array;
}

export class ScriptedPeer {
  /** The next packet number `send` uses (then increments), like iptux counting from 1. */
  packetNo = 1;

  private constructor(
    readonly socket: FakeSocket,
    readonly identity: Identity,
    readonly endpoint: Endpoint,
  ) {}

  static async start(
    network: FakeNetwork,
    address: string,
    identity: Identity,
    port = IPMSG_DEFAULT_PORT,
  ): Promise<ScriptedPeer> {
    const socket = network.socket(address);
    await socket.bind('0.0.0.0', port);
    return new ScriptedPeer(socket, identity, { address, port: socket.local().port });
  }

  /** The bytes this peer would send: its header, then `extra` exactly as given. */
  datagram(command: number, extra: Uint8Array | string, packetNo: number): Uint8Array {
    const asBytes = (v: string | Uint8Array) => (typeof v === 'string' ? utf8Bytes(v) : v);
    return buildDatagram({
      version: this.identity.version,
      packetNo,
      user: asBytes(this.identity.user),
      host: asBytes(this.identity.host),
      command,
      extra: asBytes(extra),
    });
  }

  /** Send one packet; strings are UTF-8. Returns the packet number used. */
  send(to: Endpoint, command: number, extra: Uint8Array | string, packetNo?: number): number {
    const no = packetNo ?? this.packetNo++;
    void this.socket.send(this.datagram(command, extra, no), to.address, to.port);
    return no;
  }

  /** Send raw bytes (malformed input, foreign headers). */
  sendRaw(to: Endpoint, bytes: Uint8Array): void {
    void this.socket.send(bytes, to.address, to.port);
  }

  /** Everything received that parses, oldest first. */
  inbox(): ReceivedPacket[] {
    const out: ReceivedPacket[] = [];
    for (const d of this.socket.received) {
      const r = parseDatagram(d.bytes);
      if (r.ok)
        out.push({ packet: r.value, from: { address: d.address, port: d.port }, bytes: d.bytes });
    }
    return out;
  }

  /** Received packets whose mode (command & 0xff) is `mode`. */
  inboxOf(mode: number): ReceivedPacket[] {
    return this.inbox().filter((r) => modeOf(r.packet.command) === mode);
  }

  /**
   * Answer every SENDMSG that asks for it (SENDCHECKOPT, not BROADCASTOPT/AUTORETOPT) with
   * RECVMSG, as iptux does (289 = RECVMSG|SENDCHECKOPT by default). Returns a function that
   * stops answering.
   */
  autoAck(command = makeCommand(Mode.RECVMSG, Opt.SENDCHECKOPT)): () => void {
    let on = true;
    this.socket.onDatagram((d) => {
      if (!on) return;
      const r = parseDatagram(d.bytes);
      if (!r.ok || modeOf(r.value.command) !== Mode.SENDMSG) return;
      const c = r.value.command;
      if (!hasOpt(c, Opt.SENDCHECKOPT) || hasOpt(c, Opt.BROADCASTOPT) || hasOpt(c, Opt.AUTORETOPT))
        return;
      this.send({ address: d.address, port: d.port }, command, `${r.value.packetNo}\0`);
    });
    return () => {
      on = false;
    };
  }

  /** Forget what arrived so far. */
  clearInbox(): void {
    this.socket.received.length = 0;
  }
}

/** Bytes from pieces: strings as UTF-8, numbers as single bytes, byte arrays as they are. */
export function bytes(...parts: (string | number | number[] | Uint8Array)[]): Uint8Array {
  return concatBytes(
    parts.map((p) =>
      typeof p === 'string'
        ? utf8Bytes(p)
        : typeof p === 'number'
          ? new Uint8Array([p])
          : p instanceof Uint8Array
            ? p
            : new Uint8Array(p),
    ),
  );
}

/** Text in a legacy code page, through iconv-lite (independently of the codec under test). */
export function legacy(text: string, encoding: 'gbk' | 'gb18030' | 'cp932'): Uint8Array {
  return new Uint8Array(iconv.encode(text, encoding));
}

/** Latin-1 bytes (header fields, numbers). */
export function ascii(text: string): Uint8Array {
  return latin1Bytes(text);
}
