import {
  Mode,
  Opt,
  buildProvenReplyWithPrefix,
  buildReplyWithPrefix,
  buildWithPrefix,
  headerPrefix,
  latin1Bytes,
  startsWithBytes,
  type HeaderPrefix,
} from '../../shared/protocol';
import type { DatagramSocket } from './io/udp-socket';
import type { PacketNumbers } from './packet-numbers';

/**
 * Writes datagrams with our identity and fresh packet numbers, and recognises our own packets
 * when they come back (we hear our own broadcasts). Identity is the instance, not the address:
 * a datagram is ours only if we sent exactly those bytes under that packet number, so two
 * engines on 127.0.0.x with the same login and host still hear each other.
 */
export class Wire {
  private readonly sent = new Map<number, Uint8Array>();
  private readonly maxRemembered = 512;
  /** Counts for diagnostics and tests. */
  readonly stats = { sent: 0, sendErrors: 0 };

  private readonly prefix: HeaderPrefix;
  private postErrorListener: ((address: string, port: number, message: string) => void) | undefined;

  constructor(
    private readonly socket: DatagramSocket,
    private readonly numbers: PacketNumbers,
    identity: { version: string; user: string; host: string },
  ) {
    this.prefix = headerPrefix(
      identity.version,
      latin1Bytes(identity.user),
      latin1Bytes(identity.host),
    );
    socket.onPostError?.((address, port, err) => this.postFailed(address, port, err));
  }

  /** Where failures of post() are reported (the delivery queue, for its failure reasons). */
  onPostError(listener: (address: string, port: number, message: string) => void): void {
    this.postErrorListener = listener;
  }

  /**
   * The next packet number; `gap` leaves a random gap before it, for messages whose ack cannot
   * be proven (see PacketNumbers.nextWithGap).
   */
  nextPacketNo(gap = false): number {
    return gap ? this.numbers.nextWithGap() : this.numbers.next();
  }

  /** Numbers above this one may be ours from this run (PacketNumbers.runFloor). */
  runFloor(): number {
    return this.numbers.runFloor();
  }

  build(
    command: number,
    extra: Uint8Array,
    packetNo = this.numbers.next(),
  ): { packetNo: number; bytes: Uint8Array } {
    const bytes = buildWithPrefix(this.prefix, packetNo, command, extra);
    // Only what goes to broadcast or sweep targets comes back to us: presence packets, messages
    // to everyone and echo probes (broadcast reach). Acks and unicast messages need no memory,
    // and they are the hot path.
    const mode = command & 0xff;
    if (
      mode <= Mode.BR_ABSENCE ||
      mode === Mode.PIGEON_ECHO ||
      (mode === Mode.SENDMSG && (command & Opt.BROADCASTOPT) !== 0)
    ) {
      this.remember(packetNo, bytes);
    }
    return { packetNo, bytes };
  }

  /**
   * A RECVMSG (or ANSREADMSG) for `answered`, with a delivery proof after it when the message
   * asked for one (PGNONCE): never remembered, it cannot come back to us.
   */
  buildReply(command: number, answered: number, proof?: string): Uint8Array {
    if (proof === undefined)
      return buildReplyWithPrefix(this.prefix, this.numbers.next(), command, answered);
    return buildProvenReplyWithPrefix(this.prefix, this.numbers.next(), command, answered, proof);
  }

  /** Send and report failure as a value (no route, EPERM from a firewall...). */
  async sendBytes(bytes: Uint8Array, address: string, port: number): Promise<string | undefined> {
    try {
      await this.socket.send(bytes, address, port);
      this.stats.sent++;
      return undefined;
    } catch (err) {
      this.stats.sendErrors++;
      return err instanceof Error ? err.message : String(err);
    }
  }

  async send(command: number, extra: Uint8Array, address: string, port: number): Promise<number> {
    const { packetNo, bytes } = this.build(command, extra);
    await this.sendBytes(bytes, address, port);
    return packetNo;
  }

  /**
   * Fire and forget, for the hot path (acks, messages, retransmissions): no promise and no
   * closure per datagram. A failure is counted and reported to the onPostError listener.
   */
  post(bytes: Uint8Array, address: string, port: number): void {
    this.stats.sent++;
    if (this.socket.post) this.socket.post(bytes, address, port);
    else
      this.socket
        .send(bytes, address, port)
        .then(undefined, (err: unknown) => this.postFailed(address, port, err));
  }

  private postFailed(address: string, port: number, err: unknown): void {
    this.stats.sent--;
    this.stats.sendErrors++;
    this.postErrorListener?.(address, port, err instanceof Error ? err.message : String(err));
  }

  isOwn(packetNo: number, bytes: Uint8Array): boolean {
    const mine = this.sent.get(packetNo);
    return mine !== undefined && mine.length === bytes.length && startsWithBytes(bytes, mine);
  }

  private remember(packetNo: number, bytes: Uint8Array): void {
    // Retransmissions reuse the number with the same bytes; a Map keeps insertion order.
    this.sent.delete(packetNo);
    this.sent.set(packetNo, bytes);
    if (this.sent.size > this.maxRemembered) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
  }
}
