import type { ChatMessage, Peer } from '../../../shared/model';
import {
  Mode,
  Opt,
  hasOpt,
  makeCommand,
  parseAck,
  parseDatagram,
  type WirePacket,
} from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { Datagram } from '../io/udp-socket';
import { LruMap } from '../lru-map';

/** IP Messenger repeats READMSG|READCHECKOPT this often, this many times, until ANSREADMSG. */
export const READMSG_RETRY_MS = 750;
export const READMSG_RETRIES = 12;
/** Sealed messages remembered either way; past this the stalest is forgotten. */
const REMEMBERED = 20_000;

/** The option bits of a sealed message, as IP Messenger sends it (SECRETOPT|READCHECKOPT). */
export const SEALED_OPTS = Opt.SECRETOPT | Opt.READCHECKOPT;

/** A sealed message that arrived: where its READMSG goes and with which number. */
interface Incoming {
  message: ChatMessage;
  address: string;
  port: number;
  packetNo: number;
  readCheck: boolean;
}

/** A READMSG of ours waiting for its ANSREADMSG. */
interface PendingRead {
  bytes: Uint8Array;
  address: string;
  port: number;
  tries: number;
}

/**
 * What a listener may see of a message: the text of a sealed message that arrived stays
 * withheld until the person opens it, in every event, history and summary. The stored message
 * keeps its text (and its weight in the store's budgets).
 */
/** An incoming sealed message not opened yet: its text is not to be shown or found. */
export function isWithheld(m: ChatMessage): boolean {
  return m.direction === 'in' && m.sealed !== undefined && m.sealed.openedAt === null;
}

export function withheld(m: ChatMessage): ChatMessage {
  if (!isWithheld(m)) return { ...m };
  return { ...m, text: '', sealed: { openedAt: null } };
}

/**
 * Sealed messages (SECRETOPT) both ways. Ours ask to be told when they are opened
 * (READCHECKOPT); a READMSG naming one of their packet numbers, from the address it went to, marks
 * it opened. Anyone on the LAN can forge that READMSG, as anyone can forge an IPMsg ack: "opened"
 * says a READMSG came from the peer's address, which is all IPMsg offers. Incoming ones are shown
 * without their text until the person opens them; then the sender gets READMSG (repeated until
 * ANSREADMSG when it asked for READCHECKOPT, as IP Messenger does).
 */
export class SealedMessages {
  /** Ours, by "address:port:packetNo" of each datagram. */
  private readonly sent = new LruMap<string, ChatMessage>();
  /** Theirs, by message id. */
  private readonly received = new LruMap<string, Incoming>();
  /** Our READMSGs still unanswered, by their packet number. */
  private readonly pending = new Map<number, PendingRead>();

  constructor(
    private readonly ctx: EngineContext,
    /** Keeps a message whose sealed state changed (the history, through the conversations). */
    private readonly persist: (message: ChatMessage) => void = () => undefined,
  ) {}

  // ---- ours ------------------------------------------------------------------------------------

  /** One datagram of a sealed message of ours left with this packet number. */
  numbered(message: ChatMessage, address: string, port: number, packetNo: number): void {
    this.sent.set(`${address}:${port}:${packetNo}`, message);
    this.trim(this.sent);
  }

  /** READMSG: one of ours was opened, if it names one sent to where it comes from. */
  onReadMsg(p: WirePacket, d: Datagram): void {
    const { packetNo } = parseAck(p.extra);
    if (packetNo < 0) return;
    const key = `${d.address}:${d.port}:${packetNo}`;
    const message = this.sent.get(key);
    if (!message) return;
    this.sent.delete(key);
    // Told already, by a READMSG for another of its parts.
    if (message.sealed?.openedAt !== null) return;
    const openedAt = this.ctx.clock.now();
    message.sealed = { openedAt };
    this.persist(message);
    this.ctx.emit('chat:opened', { messageId: message.id, peerId: message.peerId, openedAt });
  }

  // ---- theirs ----------------------------------------------------------------------------------

  /** A sealed message arrived (stored with its text): remember where to say it was opened. */
  arrived(message: ChatMessage, peer: Peer, p: WirePacket): void {
    this.received.set(message.id, {
      message,
      address: peer.address,
      port: peer.port,
      packetNo: p.packetNo,
      readCheck: hasOpt(p.command, Opt.READCHECKOPT),
    });
    this.trim(this.received);
  }

  /**
   * The person opens a sealed message: its text is shown everywhere (chat:opened) and its
   * sender told. Undefined when there is no such sealed message (or it is too old to be held).
   */
  open(messageId: string): ChatMessage | undefined {
    const held = this.received.get(messageId);
    if (!held) return undefined;
    const { message } = held;
    if (message.sealed && message.sealed.openedAt !== null) return { ...message };
    const openedAt = this.ctx.clock.now();
    message.sealed = { openedAt };
    this.persist(message);
    this.received.delete(messageId);
    this.ctx.emit('chat:opened', {
      messageId,
      peerId: message.peerId,
      openedAt,
      text: message.text,
    });
    this.tellSender(held);
    return { ...message, sealed: { openedAt } };
  }

  /** ANSREADMSG: the sender heard our READMSG; stop repeating it. */
  onAnsReadMsg(p: WirePacket, d: Datagram): void {
    const { packetNo } = parseAck(p.extra);
    const read = this.pending.get(packetNo);
    // Only from where our READMSG went: anyone can forge one to silence it.
    if (read && read.address === d.address && read.port === d.port) this.pending.delete(packetNo);
  }

  private tellSender(held: Incoming): void {
    const { ctx } = this;
    if (!ctx.isRunning() || !ctx.replies.allows(held.address, held.port)) return;
    const command = makeCommand(Mode.READMSG, held.readCheck ? Opt.READCHECKOPT : 0);
    const bytes = ctx.wire.buildReply(command, held.packetNo);
    ctx.wire.post(bytes, held.address, held.port);
    if (!held.readCheck) return;
    const parsed = parseDatagram(bytes);
    if (!parsed.ok) return;
    const no = parsed.value.packetNo;
    this.pending.set(no, { bytes, address: held.address, port: held.port, tries: 0 });
    ctx.later(READMSG_RETRY_MS, () => this.repeat(no));
  }

  private repeat(no: number): void {
    const read = this.pending.get(no);
    if (!read) return;
    if (++read.tries >= READMSG_RETRIES) {
      this.pending.delete(no);
      return;
    }
    this.ctx.wire.post(read.bytes, read.address, read.port);
    this.ctx.later(READMSG_RETRY_MS, () => this.repeat(no));
  }

  private trim<V>(map: LruMap<string, V>): void {
    if (map.size <= REMEMBERED) return;
    const oldest = map.oldest();
    if (oldest) map.delete(oldest[0]);
  }
}
