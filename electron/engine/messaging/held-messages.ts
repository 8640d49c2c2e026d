import type { DeliveryState, OutboxCode, Peer } from '../../../shared/model';
import {
  Mode,
  Opt,
  buildMessageBody,
  hasOpt,
  makeCommand,
  parseMessageBody,
} from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { HeldMessage, OutboxStore } from '../history/outbox-store';
import type { Conversations } from './conversations';
import type { DeliveryQueue, OutgoingItem } from './delivery-queue';
import { labelOf, type MessageWriter } from './writing';

/** How often expired messages are looked for. */
const EXPIRY_SWEEP_MS = 60_000;
const DAY_MS = 24 * 3600_000;
/** What a PGID section can carry (message-body.ts). */
const STAMPABLE_ID = /^[0-9A-Za-z-]{1,40}$/;

export interface HeldOptions {
  /** Hold messages for peers that are offline or do not answer (the app, `serve`, `--queue`). */
  enabled: boolean;
  /** How long a message waits before it fails 'expired' (OUTBOX_TTL_MS). */
  ttlMs: number;
}

/** Tells a delivery state: into the conversation, then to listeners (chat:delivery). */
export type TellDelivery = (messageId: string, peerId: string, state: DeliveryState) => void;

/**
 * The outbox: messages to a peer that did not answer the retries (offline, or gone), wait
 * here (in the history's outbox table, so they outlive a restart) until the peer announces
 * itself again at the same address (an entry, or an answer to ours). Then they go one at a
 * time, in the order they were written, through the delivery queue; one that is again not
 * answered goes back to the head of the line. A peer back at another address is another peer
 * id: nothing goes there without the person, who may move the line there (redirect, asked by
 * chat:redirect-queued after an address-change notice) or cancel.
 *
 * Every text message to a Pigeon carries its id (PGID), the same in every copy, so a Pigeon
 * shows a message once even when an earlier, unanswered try did arrive. Other clients cannot
 * tell copies apart: the outbox state says that they may see it twice.
 *
 * Offers of files never wait here: their transfers have their own lifetime.
 */
export class HeldMessages {
  /** By peer id, in the order they go. */
  private readonly held = new Map<string, HeldMessage[]>();
  /** Per peer, the held message now with the delivery queue (one at a time). */
  private readonly going = new Map<string, HeldMessage>();
  private readonly goingIds = new Set<string>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly conversations: Conversations,
    private readonly queue: () => DeliveryQueue,
    private readonly writer: MessageWriter,
    private readonly store: OutboxStore | undefined,
    private readonly tell: TellDelivery,
    private readonly options: HeldOptions,
  ) {
    // A previous run's outbox. Each message's state is told again: a crash may have cut the
    // batch that recorded it in the conversation (its row would then read 'failed: stopped').
    for (const m of store?.all() ?? []) {
      this.lineOf(m.peerId).push(m);
      conversations.setDelivery(m.messageId, this.stateOf(m));
    }
  }

  start(): void {
    this.expire();
  }

  /**
   * The delivery queue's admission of each message: stamped with its id (to a Pigeon), or
   * held (undefined) behind messages already waiting for its peer, so that they keep their
   * order. A peer merely shown offline is still tried first: anyone can forge its BR_EXIT,
   * and a refresh it missed does not mean it is gone. Unanswered, the message waits then.
   */
  admit(item: OutgoingItem): OutgoingItem | undefined {
    if (!eligible(item)) return item;
    if (this.goingIds.has(item.messageId) || !this.options.enabled) return stamp(item);
    if (!this.held.has(item.peerId)) return stamp(item);
    const held = this.hold(item, 'outbox-offline');
    if (!held) return stamp(item);
    this.tell(item.messageId, item.peerId, this.stateOf(held));
    return undefined;
  }

  /** A delivery state from the queue: the one to store and tell (the outbox for some failures). */
  review(item: OutgoingItem, state: DeliveryState): DeliveryState {
    const going = this.goingIds.has(item.messageId) ? this.going.get(item.peerId) : undefined;
    if (going) {
      if (state.state === 'sent') return state;
      this.going.delete(item.peerId);
      this.goingIds.delete(item.messageId);
      if (state.state === 'failed' && state.code !== 'encoding') {
        // Not answered again (or the engine stopped): back to the head of the line.
        going.since = this.ctx.clock.now();
        this.lineOf(going.peerId).unshift(going);
        this.save(going);
        return this.stateOf(going);
      }
      this.drop(going.messageId);
      const peer = this.ctx.peers.get(item.peerId);
      if (peer?.online) this.sendNext(peer);
      return state;
    }
    if (state.state !== 'failed') return state;
    if (state.code !== 'no-ack' || !this.options.enabled || !eligible(item)) return state;
    const held = this.hold(
      item,
      item.proofs === undefined ? 'outbox-no-ack-legacy' : 'outbox-no-ack',
    );
    if (!held) return state;
    // What was written after it waits behind it, untried: they go in order, or not at all.
    for (const behind of this.queue().takeWaiting(item.peerId, eligible)) {
      const m = this.hold(behind, 'outbox-offline');
      if (m) this.tell(behind.messageId, behind.peerId, this.stateOf(m));
      else this.queue().enqueue(behind);
    }
    // The tries' numbers stay (attempts, seconds, port): a program may still want to say them.
    const waiting = this.stateOf(held);
    return { ...waiting, params: { ...state.params, ...waiting.params } };
  }

  /** The peer announced itself (an entry, an answer to ours): what waits for it goes. */
  onAnnounced(peer: Peer): void {
    if (!this.options.enabled || this.going.has(peer.id) || !this.held.has(peer.id)) return;
    this.sendNext(peer);
  }

  /** Whether messages wait for this peer (not counting the one on its way). */
  waiting(peerId: string): number {
    return this.held.get(peerId)?.length ?? 0;
  }

  /**
   * Moves what waits for `fromPeerId` to the peer `to`, at the person's word (never on its
   * own: an address change can be forged). Each waiting message becomes a new message in
   * `to`'s conversation, in the order they waited; on the wire it keeps its first id (PGID),
   * so a Pigeon that got an earlier try shows it once. The old one leaves the outbox as
   * 'redirected', naming its copy. One already on its way to the old address is left to
   * finish there. `publish` puts each copy in its conversation ('queued', before any delivery
   * state of it is told). Answers the ids moved (old, new), in order; a history that refuses
   * a copy stops the move there, the rest staying where they waited.
   */
  redirect(
    fromPeerId: string,
    to: Peer,
    newId: () => string,
    publish: (copy: HeldMessage) => void,
  ): { from: string; to: string }[] {
    const line = this.held.get(fromPeerId);
    if (!line || line.length === 0 || fromPeerId === to.id) return [];
    const now = this.ctx.clock.now();
    const label = labelOf(to);
    const moved: { from: string; to: string }[] = [];
    for (let m = line[0]; m; m = line[0]) {
      if (m.expires <= now) {
        line.shift();
        this.expired(m);
        continue;
      }
      const copy: HeldMessage = {
        messageId: newId(),
        peerId: to.id,
        address: to.address,
        port: to.port,
        label,
        text: m.text,
        created: now,
        since: now,
        expires: m.expires,
        code: 'outbox-redirected',
        wireId: m.wireId ?? m.messageId,
      };
      try {
        this.save(copy);
      } catch {
        break;
      }
      line.shift();
      this.lineOf(to.id).push(copy);
      this.drop(m.messageId);
      publish(copy);
      this.tell(copy.messageId, to.id, this.stateOf(copy));
      this.tell(m.messageId, m.peerId, {
        state: 'redirected',
        at: now,
        code: 'redirected',
        params: { peer: label, to: to.id, id: copy.messageId },
      });
      moved.push({ from: m.messageId, to: copy.messageId });
    }
    if (line.length === 0) this.held.delete(fromPeerId);
    if (moved.length > 0 && to.online && !this.going.has(to.id)) this.sendNext(to);
    return moved;
  }

  /** Takes a waiting message out (it fails 'cancelled'); false when none waits by that id. */
  cancel(messageId: string): boolean {
    for (const [peerId, line] of this.held) {
      const i = line.findIndex((m) => m.messageId === messageId);
      const m = line[i];
      if (!m) continue;
      line.splice(i, 1);
      if (line.length === 0) this.held.delete(peerId);
      this.drop(messageId);
      this.tell(messageId, peerId, {
        state: 'failed',
        code: 'cancelled',
        params: { peer: m.label },
      });
      return true;
    }
    return false;
  }

  /**
   * The history deleted these messages: what of them waits is dropped without a word (there is
   * no message left to tell about). One already on its way still goes.
   */
  forget(which: { messageId: string } | { peerId: string } | { all: true }): void {
    for (const [peerId, line] of this.held) {
      const keep = line.filter((m) =>
        'messageId' in which
          ? m.messageId !== which.messageId
          : 'peerId' in which
            ? m.peerId !== which.peerId
            : false,
      );
      for (const m of line) if (!keep.includes(m)) this.drop(m.messageId);
      if (keep.length > 0) this.held.set(peerId, keep);
      else this.held.delete(peerId);
    }
  }

  private sendNext(peer: Peer): void {
    const line = this.held.get(peer.id);
    for (let m = line?.shift(); m && line; m = line.shift()) {
      if (m.expires <= this.ctx.clock.now()) {
        this.expired(m);
        continue;
      }
      const written = this.writer.write(peer, m.text, { message: m.messageId });
      if (!written.ok) {
        this.drop(m.messageId);
        this.tell(m.messageId, m.peerId, {
          state: 'failed',
          code: written.code,
          params: written.params,
        });
        continue;
      }
      if (line.length === 0) this.held.delete(peer.id);
      this.going.set(peer.id, m);
      this.goingIds.add(m.messageId);
      this.queue().enqueue({
        messageId: m.messageId,
        peerId: peer.id,
        address: peer.address,
        port: peer.port,
        label: labelOf(peer),
        command: makeCommand(Mode.SENDMSG, Opt.SENDCHECKOPT, written.utf8Opt ? Opt.UTF8OPT : 0),
        extras: written.extras,
        ...(written.proofs ? { proofs: written.proofs } : {}),
        proofRequired: peer.capabilities.proof,
        ...(m.wireId !== undefined ? { wireId: m.wireId } : {}),
      });
      return;
    }
    this.held.delete(peer.id);
  }

  /** Fails what waited too long; then again in a minute. */
  private expire(): void {
    const now = this.ctx.clock.now();
    for (const [peerId, line] of this.held) {
      const keep = line.filter((m) => m.expires > now);
      for (const m of line) if (m.expires <= now) this.expired(m);
      if (keep.length > 0) this.held.set(peerId, keep);
      else this.held.delete(peerId);
    }
    this.ctx.later(EXPIRY_SWEEP_MS, () => this.expire());
  }

  private expired(m: HeldMessage): void {
    this.drop(m.messageId);
    this.tell(m.messageId, m.peerId, {
      state: 'failed',
      code: 'expired',
      params: { peer: m.label, days: daysOf(this.options.ttlMs) },
    });
  }

  /** Into the outbox, at the end of its peer's line; undefined if it cannot be kept there. */
  private hold(item: OutgoingItem, code: OutboxCode): HeldMessage | undefined {
    const message = this.conversations.undelivered(item.messageId);
    if (!message) return undefined;
    const now = this.ctx.clock.now();
    const m: HeldMessage = {
      messageId: item.messageId,
      peerId: item.peerId,
      address: item.address,
      port: item.port,
      label: item.label,
      text: message.text,
      created: message.at,
      since: now,
      expires: now + this.options.ttlMs,
      code,
    };
    try {
      this.save(m);
    } catch {
      // The history cannot take it: it fails as it would without an outbox.
      return undefined;
    }
    this.lineOf(item.peerId).push(m);
    return m;
  }

  private save(m: HeldMessage): void {
    this.store?.put(m);
  }

  private drop(messageId: string): void {
    try {
      this.store?.remove(messageId);
    } catch (error) {
      // Left in the table, it would go again after the next start (once, to a Pigeon).
      this.ctx.emit('engine:error', {
        code: 'history-write',
        params: { peer: messageId, error: String(error) },
      });
    }
  }

  private lineOf(peerId: string): HeldMessage[] {
    let line = this.held.get(peerId);
    if (!line) {
      line = [];
      this.held.set(peerId, line);
    }
    return line;
  }

  private stateOf(m: HeldMessage): Extract<DeliveryState, { state: 'outbox' }> {
    return {
      state: 'outbox',
      since: m.since,
      expiresAt: m.expires,
      code: m.code,
      params: { peer: m.label, days: daysOf(this.options.ttlMs) },
    };
  }
}

/** A text message (files offers keep their own lifetime and hooks). */
function eligible(item: OutgoingItem): boolean {
  return (
    item.told === undefined &&
    item.numbered === undefined &&
    !hasOpt(item.command, Opt.FILEATTACHOPT)
  );
}

/** A Pigeon's datagrams (they carry nonces) with the message id added: see HeldMessages. */
function stamp(item: OutgoingItem): OutgoingItem {
  const id = item.wireId ?? item.messageId;
  if (item.proofs === undefined || item.stamped || !STAMPABLE_ID.test(id)) return item;
  const extras = item.extras.map((extra) => {
    const body = parseMessageBody(extra);
    if (body.id !== undefined) return extra;
    return buildMessageBody(
      body.text,
      {
        ...(body.part ? { part: body.part } : {}),
        ...(body.nonce !== undefined ? { nonce: body.nonce } : {}),
        id,
      },
      body.attachments,
    );
  });
  return { ...item, extras };
}

function daysOf(ms: number): number {
  return Math.max(1, Math.round(ms / DAY_MS));
}
