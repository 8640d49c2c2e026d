import type {
  ChatMessage,
  DeliveryState,
  FailureCode,
  OutcomeParams,
  Peer,
} from '../../../shared/model';
import { BROADCAST_ID } from '../../../shared/model';
import {
  Mode,
  Opt,
  makeCommand,
  normaliseLineBreaks,
  parseHostPort,
} from '../../../shared/protocol';
import type { EngineContext } from '../context';
import { clonePeer } from '../presence/peer-table';
import type { Conversations } from './conversations';
import type { DeliveryQueue, OutgoingItem } from './delivery-queue';
import { SEALED_OPTS, type SealedMessages } from './sealed';
import { labelOf, type MessageWriter, type Written } from './writing';

/**
 * What we send: each message is stored and told (chat:message) before anything happens to it,
 * so every listener has the message before its first chat:delivery. Delivery state has one
 * owner, the delivery queue; this only starts it.
 */
export class Outbox {
  constructor(
    private readonly ctx: EngineContext,
    private readonly conversations: Conversations,
    private readonly queue: DeliveryQueue,
    private readonly writer: MessageWriter,
    private readonly newMessageId: () => string,
  ) {}

  /** Where sealed messages of ours are remembered (sealed.ts); unset, nothing is sealed. */
  sealed: SealedMessages | undefined;

  /**
   * One message per distinct recipient; returns their ids in the order of `to`. `sealed`: sent
   * as IP Messenger seals (SECRETOPT|READCHECKOPT), and marked opened when the peer says so.
   */
  send(to: readonly string[], rawText: string, options: { sealed?: boolean } = {}): string[] {
    // Stored, queued and sent in one instant: the clock is read once (turn-clock.ts).
    const { turn } = this.ctx;
    turn?.begin();
    try {
      return this.sendNow(to, rawText, options);
    } finally {
      turn?.end();
    }
  }

  private sendNow(to: readonly string[], rawText: string, options: { sealed?: boolean }): string[] {
    const text = normaliseLineBreaks(rawText);
    const ids: string[] = [];
    // Nearly every send has one recipient: no set to keep them distinct then.
    const seen = to.length > 1 ? new Set<string>() : undefined;
    for (const recipient of to) {
      // NUL ends the text on the wire: the peer would see only the part before it.
      if (text.includes('\0')) {
        ids.push(this.refused(recipient, text, 'text-has-nul', {}));
        continue;
      }
      const peer = this.resolveRecipient(recipient);
      if (!peer) {
        ids.push(this.refused(recipient, text, 'bad-recipient', { to: JSON.stringify(recipient) }));
        continue;
      }
      if (seen) {
        if (seen.has(peer.id)) continue;
        seen.add(peer.id);
      }
      ids.push(this.queueText(peer, text, options.sealed === true));
    }
    return ids;
  }

  /** To everyone, without acknowledgement (BROADCASTOPT), each peer in its own encoding. */
  broadcast(rawText: string): string {
    const text = normaliseLineBreaks(rawText);
    if (text.includes('\0')) return this.refused(BROADCAST_ID, text, 'text-has-nul', {});
    const message: ChatMessage = {
      id: this.newMessageId(),
      peerId: BROADCAST_ID,
      direction: 'out',
      text,
      at: this.ctx.clock.now(),
      broadcast: true,
      delivery: { state: 'sent', attempts: 1 },
    };
    this.conversations.keepOwn(message);
    this.ctx.emit('chat:message', { message: { ...message }, peer: null });
    // No acks for broadcasts. Unicast to each online peer in its own encoding, so FeiQ and
    // legacy IPMsg read it right (one broadcast datagram can only have one encoding).
    for (const peer of this.ctx.peers.online()) {
      const written = this.writer.write(peer, text);
      if (!written.ok) {
        // Nobody acks a broadcast, so say here who could not be written to and why.
        if (written.code === 'encoding')
          this.ctx.emit('engine:error', { code: 'broadcast-encoding', params: written.params });
        continue;
      }
      const cmd = makeCommand(Mode.SENDMSG, Opt.BROADCASTOPT, written.utf8Opt ? Opt.UTF8OPT : 0);
      for (const extra of written.extras)
        void this.ctx.wire.send(cmd, extra, peer.address, peer.port);
    }
    return message.id;
  }

  /** Send a failed message again, as a new message; undefined when there is none to retry. */
  retry(messageId: string): string | undefined {
    const old = this.conversations.undelivered(messageId);
    if (!old || old.direction !== 'out' || old.delivery?.state !== 'failed') return undefined;
    const peer = this.ctx.peers.get(old.peerId) ?? this.resolveRecipient(old.peerId);
    if (!peer) return undefined;
    return this.queueText(peer, old.text, old.sealed !== undefined);
  }

  /** The delivery queue's word on a message: stored and told. */
  onDeliveryState(item: OutgoingItem, state: DeliveryState): void {
    this.conversations.setDelivery(item.messageId, state);
    if (this.ctx.listened())
      this.ctx.emit('chat:delivery', {
        messageId: item.messageId,
        peerId: item.peerId,
        delivery: state,
      });
    item.told?.(state);
  }

  /**
   * An offer of files to a peer: `groups` are its attachment lists, one datagram each (files/
   * packed them for this peer). The message carries `text` and lists the transfers; `numbered`
   * hears each datagram's packet number before it goes out, `told` every delivery state. A
   * text too long to share the first datagram goes first as a message of its own. Returns the
   * id of the message that carries the files.
   */
  sendOffer(
    peer: Peer,
    rawText: string,
    groups: Uint8Array[],
    files: string[],
    hooks: Pick<OutgoingItem, 'numbered' | 'told'>,
  ): string {
    let text = normaliseLineBreaks(rawText);
    let written = this.ctx.isRunning()
      ? this.writer.writeOffer(peer, text, groups)
      : ({ ok: false, code: 'not-started', params: {} } as const);
    if (!written.ok && written.code === 'too-long') {
      // A long text goes as a message of its own, right before the offer.
      this.queueText(peer, text);
      text = '';
      written = this.writer.writeOffer(peer, '', groups);
    }
    if (!written.ok && written.code === 'too-long')
      written = {
        ok: false,
        code: 'send-error',
        params: { peer: labelOf(peer), error: 'too long' },
      };
    return this.queueWritten(peer, text, written, Opt.FILEATTACHOPT, files, hooks);
  }

  private queueText(peer: Peer, text: string, sealed = false): string {
    const option = sealed && this.sealed ? SEALED_OPTS : 0;
    // The id first: a long message's part ids derive from it (writing.ts partIdOf), and a plain
    // text's datagrams carry it from the start (held-messages.ts would stamp it in otherwise:
    // parsing and building every datagram again); a sealed one's never do.
    const id = this.newMessageId();
    const wire = option === 0 ? id : undefined;
    const written = this.ctx.isRunning()
      ? this.writer.write(peer, text, wire !== undefined ? { message: id, wire } : { message: id })
      : ({ ok: false, code: 'not-started', params: {} } as const);
    return this.queueWritten(peer, text, written, option, undefined, {}, wire ?? '', id);
  }

  /** Stored and told first (failed, with why, when it could not be written), then queued. */
  private queueWritten(
    peer: Peer,
    text: string,
    written: Written | { ok: false; code: FailureCode; params: OutcomeParams },
    option: number,
    files?: string[],
    hooks: Pick<OutgoingItem, 'numbered' | 'told'> = {},
    /** The id the writer wrote into the datagrams (PGID), if it did. */
    idWritten = '',
    id = this.newMessageId(),
  ): string {
    // Fields set one by one, not spread in: every message of a conversation takes this way.
    const message: ChatMessage = {
      id,
      peerId: peer.id,
      direction: 'out',
      text,
      at: this.ctx.clock.now(),
      broadcast: false,
      delivery: written.ok
        ? { state: 'queued' }
        : { state: 'failed', code: written.code, params: written.params },
    };
    if (files) message.files = files;
    if (option & Opt.SECRETOPT) message.sealed = { openedAt: null };
    this.conversations.keepOwn(message, peer);
    if (this.ctx.listened())
      this.ctx.emit('chat:message', { message: { ...message }, peer: clonePeer(peer) });
    if (!written.ok) {
      if (message.delivery) hooks.told?.(message.delivery);
      return message.id;
    }
    const item: OutgoingItem = {
      messageId: message.id,
      peerId: peer.id,
      address: peer.address,
      port: peer.port,
      label: labelOf(peer),
      command: makeCommand(
        Mode.SENDMSG,
        Opt.SENDCHECKOPT,
        option,
        written.utf8Opt ? Opt.UTF8OPT : 0,
      ),
      extras: written.extras,
      proofRequired: peer.capabilities.proof,
    };
    if (written.proofs) {
      item.proofs = written.proofs;
      if (idWritten === id) item.stamped = true;
    }
    if (hooks.told) item.told = hooks.told;
    if (message.sealed) item.numbered = this.sealedNumbering(message, peer, hooks.numbered);
    else if (hooks.numbered) item.numbered = hooks.numbered;
    this.queue.enqueue(item);
    return message.id;
  }

  /** Each datagram of a sealed message is remembered by its number, for the peer's READMSG. */
  private sealedNumbering(
    message: ChatMessage,
    peer: Peer,
    also: OutgoingItem['numbered'],
  ): NonNullable<OutgoingItem['numbered']> {
    return (part, packetNo) => {
      this.sealed?.numbered(message, peer.address, peer.port, packetNo);
      also?.(part, packetNo);
    };
  }

  /** A message that cannot go at all: told (so it shows, failed, with why), never stored. */
  private refused(to: string, text: string, code: FailureCode, params: OutcomeParams): string {
    const message: ChatMessage = {
      id: this.newMessageId(),
      peerId: to,
      direction: 'out',
      text,
      at: this.ctx.clock.now(),
      broadcast: to === BROADCAST_ID,
      delivery: { state: 'failed', code, params },
    };
    this.ctx.emit('chat:message', { message, peer: null });
    return message.id;
  }

  /** A peer id, or an address we may not have heard from yet (it gets a peer entry). */
  resolveRecipient(to: string): Peer | undefined {
    const { peers } = this.ctx;
    const byId = peers.get(to);
    if (byId) return byId;
    const target = parseHostPort(to, this.ctx.settings().port);
    if (!target.ok) return undefined;
    const known = peers.findByAddress(target.address, target.port);
    if (known) return known;
    // Never heard of: write UTF-8 with UTF8OPT, which every current client reads.
    return peers.upsert(
      target.address,
      target.port,
      { utf8: true, encoding: 'utf-8', announced: false, online: false },
      this.ctx.clock.now(),
      this.ctx.settings().legacyEncoding,
    ).peer;
  }
}
