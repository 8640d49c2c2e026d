import type {
  ChatMessage,
  IncompleteText,
  OutcomeParams,
  Peer,
  UndecodableText,
} from '../../../shared/model';
import {
  Mode,
  Opt,
  cleanFeiqText,
  clientFromVersion,
  decodeLenient,
  decodeText,
  feiqTextBytes,
  hasOpt,
  normaliseLineBreaks,
  parseAck,
  parseMessageBody,
  receiveEncoding,
  toBase64,
  type MessageBody,
  type MessagePart,
  type WirePacket,
} from '../../../shared/protocol';
import type { EngineContext } from '../context';
import { SEEN_BY_ID, type SeenKey } from '../history/store';
import type { Datagram } from '../io/udp-socket';
import { clonePeer } from '../presence/peer-table';
import type { Presence } from '../presence/presence';
import { ackProof } from './ack-proof';
import type { Conversations } from './conversations';
import { Dedupe } from './dedupe';
import type { DeliveryQueue } from './delivery-queue';
import type { MessageIntake } from './intake';
import { PartAssembler, type PartLog } from './part-assembler';
import type { InboxAttention } from './attention';
import { withheld } from './sealed';
import type { UnreadCounter } from './unread';

/** How a peer is named in a history problem (only then: most messages never need it). */
function labelOf(peer: Peer | string): string {
  return typeof peer === 'string' ? peer : `${peer.nick || peer.user} (${peer.address})`;
}

/** How often long-message parts that never completed are looked for (and shown as they are). */
const PART_SWEEP_MS = 15_000;

/**
 * What arrives: messages (ack, dedupe, decode, reassemble, store, tell), acks for ours, and
 * read notices.
 */
export class Inbox {
  readonly dedupe: Dedupe;
  private lastProblemAt = -Infinity;
  private readonly assembler: PartAssembler;
  /**
   * The ack of the datagram being read, until it is sent: `deliver` sends it the moment the
   * message is committed, before the cache, events and counts, which the sender does not wait
   * for. Set only while `read` runs.
   */
  private ackDue: (() => void) | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly presence: Presence,
    private readonly conversations: Conversations,
    private readonly queue: DeliveryQueue,
    private readonly unread: UnreadCounter,
    private readonly newMessageId: () => string,
    private readonly intake: MessageIntake,
    dedupe: Dedupe = new Dedupe(),
    parts?: PartLog,
  ) {
    this.dedupe = dedupe;
    // With a log (the history's parts table), what a previous run acked is open again.
    this.assembler = new PartAssembler(
      (peerId, text, incomplete, also) =>
        this.deliver(
          this.ctx.peers.get(peerId) ?? peerId,
          text,
          false,
          undefined,
          incomplete,
          [],
          undefined,
          undefined,
          also,
        ),
      {},
      parts,
    );
    this.assembler.restore(ctx.clock.now());
  }

  /**
   * Files offered with a message (FILEATTACHOPT): files/ turns the attachment list into
   * transfers and answers their ids, which the message lists. Unset, offers are ignored.
   */
  offers: ((peer: Peer, p: WirePacket, attachments: Uint8Array) => string[]) | undefined;

  /** Away replies and sealed messages (attention.ts); unset, neither happens. */
  attention: InboxAttention | undefined;

  start(): void {
    this.ctx.later(PART_SWEEP_MS, () => this.sweepParts());
  }

  onSendMsg(p: WirePacket, d: Datagram): void {
    const { ctx } = this;
    // ---- intake (intake.ts): over a rate limit, a message is neither acked nor stored, so
    // that its sender, if real, sends it again once the buckets have refilled.
    const from = ctx.peers.findByAddress(d.address, d.port);
    if (!this.intake.admit(d.address, d.bytes.length, from?.announced === true, ctx.now())) return;
    // ---- end of intake
    const broadcast = hasOpt(p.command, Opt.BROADCASTOPT);
    const autoReply = hasOpt(p.command, Opt.AUTORETOPT);
    const body = parseMessageBody(p.extra);
    // Ack every copy, duplicates too: our first ack may have been lost. Never ack broadcasts
    // or automatic replies (that is how message storms between two away-repliers start). A
    // Pigeon sender's nonce is answered with the proof that we hold this very text.
    const ack = (): void => {
      if (!hasOpt(p.command, Opt.SENDCHECKOPT) || broadcast || autoReply) return;
      if (!ctx.replies.allows(d.address, d.port)) return;
      const proof = body.nonce === undefined ? undefined : ackProof(body.nonce, body.text);
      ctx.wire.post(ctx.wire.buildReply(Mode.RECVMSG, p.packetNo, proof), d.address, d.port);
    };
    // The intake's lookup: nothing between it and here changes the peer table.
    let peer = from;
    if (!peer) {
      // A host that never announced itself: show its message anyway, as IPMsg does, and
      // introduce ourselves so it can answer (unless it asked not to be added).
      const legacy = ctx.settings().legacyEncoding;
      const client = clientFromVersion(p.version);
      const enc = receiveEncoding({
        version: p.version,
        command: p.command,
        body: p.extra,
        legacy,
      });
      const created = ctx.peers.upsert(
        d.address,
        d.port,
        {
          user: decodeLenient(p.user, enc),
          host: decodeLenient(p.host, enc),
          client,
          version: p.version,
          encoding: enc,
          utf8: hasOpt(p.command, Opt.UTF8OPT) || client === 'iptux' || client === 'pigeon',
          announced: false,
        },
        ctx.clock.now(),
        legacy,
      );
      peer = created.peer;
      this.presence.emitChange(peer, created.change);
      if (!hasOpt(p.command, Opt.NOADDLISTOPT)) this.presence.introduceTo(peer);
    } else {
      this.presence.heardFrom(peer);
    }
    // Keyed on the body too: a forged datagram with this peer's next number must not make its
    // real message a "duplicate" that is acked and never shown. A duplicate was kept the
    // first time (or is being reassembled): ack it again.
    // A Pigeon names its message (PGID): a copy its outbox sends days later, with another
    // packet number and nonce, is the same message. Those keys outlive the others (store.ts).
    // A part is named by its part id too: a copy cut differently has other parts (writing.ts).
    // The PGID key is ASCII (parseMessageBody checked the id and the part's id): hashed as is.
    const hash =
      body.id === undefined
        ? this.dedupe.hashOf(p.extra)
        : this.dedupe.hashOfAscii(
            body.part ? `${body.id}:${body.part.id}:${body.part.index}` : `${body.id}:0`,
          );
    const packetNo = body.id === undefined ? p.packetNo : SEEN_BY_ID;
    const seen: SeenKey = { peerId: peer.id, packetNo, hash };
    if (!this.dedupe.firstTimeHashed(peer.id, packetNo, hash) || this.seenBefore(seen)) {
      ack();
      return;
    }
    // Committed to the history before the ack leaves: what we acknowledge survives a crash
    // right after. One we could not keep is not acked, and not remembered as seen, so that
    // its sender's next try is taken in.
    this.ackDue = ack;
    let kept = false;
    try {
      kept = this.read(p, body, peer, broadcast, seen);
    } finally {
      if (!kept) this.ackDue = undefined;
    }
    if (!kept) {
      this.dedupe.unsee(peer.id, packetNo, hash);
      return;
    }
    // Still owed when nothing was delivered: a part held, an offer of files alone.
    this.sendDueAck();
    this.attention?.arrived(peer, p, from?.announced === true);
  }

  /** RECVMSG: a peer acknowledged one of ours (with a proof, if it is a Pigeon). */
  onRecvMsg(p: WirePacket, d: Datagram): void {
    const ack = parseAck(p.extra);
    // Only an ack that matched a message of ours says the peer is there: anyone can forge one
    // "from" a colleague who left, to keep them looking online.
    if (ack.packetNo >= 0 && this.queue.ack(d.address, ack.packetNo, ack.proof))
      this.presence.heardFromAddress(d);
  }

  /** READMSG: a sealed message was opened; answer when the sender asked to know. */
  onReadMsg(p: WirePacket, d: Datagram): void {
    if (hasOpt(p.command, Opt.READCHECKOPT) && this.ctx.replies.allows(d.address, d.port)) {
      this.ctx.wire.post(this.ctx.wire.buildReply(Mode.ANSREADMSG, p.packetNo), d.address, d.port);
    }
  }

  private sendDueAck(): void {
    const ack = this.ackDue;
    this.ackDue = undefined;
    ack?.();
  }

  /** False when the message could not be kept (history full or failing). */
  private read(
    p: WirePacket,
    body: MessageBody,
    peer: Peer,
    broadcast: boolean,
    seen: SeenKey,
  ): boolean {
    // FeiQ's font tail is GBK even after a UTF-8 text: judge and decode the text alone.
    const textBytes = peer.client === 'feiq' ? feiqTextBytes(body.text) : body.text;
    const encoding = receiveEncoding({
      version: p.version,
      command: p.command,
      body: textBytes,
      known: peer.encoding,
      legacy: this.ctx.settings().legacyEncoding,
    });
    const files =
      hasOpt(p.command, Opt.FILEATTACHOPT) && body.attachments.length > 0 && !broadcast
        ? (this.offers?.(peer, p, body.attachments) ?? [])
        : [];
    const decoded = decodeText(textBytes, encoding);
    if (!decoded.ok) {
      return this.deliver(
        peer,
        '',
        broadcast,
        { rawBase64: toBase64(body.text), encoding },
        undefined,
        files,
        seen,
      );
    }
    let text = normaliseLineBreaks(decoded.text);
    if (peer.client === 'feiq') text = cleanFeiqText(text);
    if (body.part && peer.client === 'pigeon')
      return this.part(p, body.part, peer, text, broadcast, files, seen);
    // An offer without a text is its files alone, not an empty message beside them.
    if (text === '' && files.length === 0 && body.attachments.length > 0)
      return this.noteSeen(seen);
    return this.deliver(peer, text, broadcast, undefined, undefined, files, seen, p);
  }

  /**
   * A part of a long message: held (committed before the ack), or the last one, which stores
   * the message. False when it could not be kept: then it is not acked.
   */
  private part(
    p: WirePacket,
    part: MessagePart,
    peer: Peer,
    text: string,
    broadcast: boolean,
    files: string[],
    seen: SeenKey,
  ): boolean {
    try {
      const outcome = this.assembler.add(
        peer.id,
        part,
        text,
        this.ctx.clock.now(),
        (whole, incomplete, also) =>
          this.deliver(peer, whole, broadcast, undefined, incomplete, files, seen, p, also),
        seen,
      );
      return outcome !== 'refused';
    } catch (error) {
      this.historyProblem('history-write', {
        peer: `${peer.nick || peer.user} (${peer.address})`,
        error: String(error),
      });
      return false;
    }
  }

  private seenBefore(seen: SeenKey): boolean {
    try {
      return this.conversations.seenBefore(seen);
    } catch {
      return false;
    }
  }

  private noteSeen(seen: SeenKey): boolean {
    try {
      this.conversations.noteSeen(seen, this.ctx.clock.now());
    } catch {
      // Only a duplicate after a crash is at stake, not the message (it is not stored yet).
    }
    return true;
  }

  /** `peer` is the peer, or its id when it was forgotten meanwhile (the message still shows). */
  private deliver(
    peer: Peer | string,
    text: string,
    broadcast: boolean,
    undecodable: UndecodableText | undefined,
    incomplete?: IncompleteText,
    files: string[] = [],
    seen?: SeenKey,
    p?: WirePacket,
    also?: () => void,
  ): boolean {
    const peerId = typeof peer === 'string' ? peer : peer.id;
    const message: ChatMessage = {
      id: this.newMessageId(),
      peerId,
      direction: 'in',
      text,
      at: this.ctx.clock.now(),
      broadcast,
    };
    if (undecodable) message.undecodable = undecodable;
    if (incomplete) message.incomplete = incomplete;
    if (files.length > 0) message.files = files;
    if (p && typeof peer !== 'string') this.attention?.marked(message, peer, p);
    try {
      if (this.conversations.commit(message, seen, also) === 'full') {
        this.historyProblem('history-full', { peer: labelOf(peer) });
        return false;
      }
    } catch (error) {
      this.historyProblem('history-write', { peer: labelOf(peer), error: String(error) });
      return false;
    }
    // Committed: the datagram's ack leaves now, the rest is for this side alone and follows in
    // the same turn. Only a delivery with the datagram's key is its message (without one, it is
    // an older long message given up, or one restored from the parts log).
    if (seen) this.sendDueAck();
    this.conversations.cache(message, typeof peer === 'string' ? undefined : peer);
    // The message first, then the count that includes it: a page never counts what it lacks.
    if (this.ctx.listened())
      this.ctx.emit('chat:message', {
        message: withheld(message),
        peer: typeof peer === 'string' ? null : clonePeer(peer),
      });
    this.unread.arrived(peerId);
    return true;
  }

  /** Told once a minute at most: a flood would otherwise repeat it for every datagram. */
  private historyProblem(code: 'history-full' | 'history-write', params: OutcomeParams): void {
    const now = this.ctx.clock.now();
    if (now - this.lastProblemAt < 60_000) return;
    this.lastProblemAt = now;
    if (code === 'history-full')
      params = { budget: Math.round(this.conversations.budgetBytes() / 1048576) };
    this.ctx.emit('engine:error', { code, params });
  }

  /** Forget nothing, but release long-message parts that never completed (shown, marked). */
  private sweepParts(): void {
    this.assembler.expire(this.ctx.clock.now());
    this.ctx.later(PART_SWEEP_MS, () => this.sweepParts());
  }
}
