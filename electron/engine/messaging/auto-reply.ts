import type { ChatMessage, Peer } from '../../../shared/model';
import { Mode, Opt, hasOpt, makeCommand, type WirePacket } from '../../../shared/protocol';
import type { EngineContext } from '../context';
import { LruMap } from '../lru-map';
import { awayText } from '../presence/presence';
import { clonePeer } from '../presence/peer-table';
import { TokenBucket } from '../token-bucket';
import type { Conversations } from './conversations';
import type { MessageWriter } from './writing';

/** One automatic reply per peer per this long (IP Messenger answers every message). */
export const AUTO_REPLY_PERIOD_MS = 10 * 60_000;
/**
 * Automatic replies in all, whoever asks: a burst, then this many a minute. Announcing is free
 * (anyone can send BR_ENTRY from a made-up address), so "once per peer" alone would let a forger
 * with many names make us send as many replies.
 */
const AUTO_REPLY_BURST = 20;
const AUTO_REPLY_PER_MINUTE = 20;
/** Peers whose last reply is remembered; past this the stalest is forgotten. */
const REMEMBERED_PEERS = 4096;

/** Why a message got no automatic reply, or 'sent'. Outcomes as codes, for tests and logs. */
export type AutoReplyOutcome =
  | 'sent'
  | 'not-away'
  | 'broadcast' // to everyone: nobody answers a broadcast
  | 'auto-reply' // an automatic reply is never answered (two away clients would ping-pong)
  | 'unannounced' // a source that never announced itself: it may be forged, aimed at a victim
  | 'not-allowed' // the reply guard refuses the address (broadcast, network, our own socket)
  | 'recently' // this peer had its reply within the period
  | 'budget' // too many replies of late, to anyone
  | 'unwritable'; // the text cannot be written in the peer's encoding

/**
 * The away reply (IPMsg's AUTORETOPT): a message from a peer that announced itself gets the
 * away text back, once per peer per period, unacknowledged (no SENDCHECKOPT), and never in
 * answer to a broadcast or to an automatic reply. The reply is stored and told like any message
 * we send, marked `autoReply`.
 */
export class AutoReply {
  private readonly last = new LruMap<string, number>();
  private readonly budget: TokenBucket;

  constructor(
    private readonly ctx: EngineContext,
    private readonly writer: MessageWriter,
    private readonly conversations: Conversations,
    private readonly newMessageId: () => string,
  ) {
    this.budget = new TokenBucket(AUTO_REPLY_BURST, AUTO_REPLY_PER_MINUTE / 60, ctx.now());
  }

  /** A new away period: everyone gets a reply again. */
  reset(): void {
    this.last.clear();
  }

  /**
   * A message (first copy only) arrived from `peer`; `announced` is whether the peer had
   * announced itself before this message (a message alone makes an unannounced entry).
   */
  consider(peer: Peer, p: WirePacket, announced: boolean): AutoReplyOutcome {
    const { ctx } = this;
    const settings = ctx.settings();
    if (!settings.away) return 'not-away';
    if (hasOpt(p.command, Opt.BROADCASTOPT)) return 'broadcast';
    if (hasOpt(p.command, Opt.AUTORETOPT)) return 'auto-reply';
    if (!announced) return 'unannounced';
    if (!ctx.replies.allows(peer.address, peer.port)) return 'not-allowed';
    const now = ctx.now();
    const at = this.last.get(peer.id);
    if (at !== undefined && now - at < AUTO_REPLY_PERIOD_MS && now >= at) return 'recently';
    if (!this.budget.take(now)) return 'budget';
    const text = awayText(settings.awayMessage);
    const written = this.writer.write(peer, text);
    if (!written.ok) return 'unwritable';
    this.last.set(peer.id, now);
    if (this.last.size > REMEMBERED_PEERS) {
      const oldest = this.last.oldest();
      if (oldest) this.last.delete(oldest[0]);
    }
    const command = makeCommand(Mode.SENDMSG, Opt.AUTORETOPT, written.utf8Opt ? Opt.UTF8OPT : 0);
    for (const extra of written.extras) void ctx.wire.send(command, extra, peer.address, peer.port);
    const message: ChatMessage = {
      id: this.newMessageId(),
      peerId: peer.id,
      direction: 'out',
      text,
      at: ctx.clock.now(),
      broadcast: false,
      autoReply: true,
      // Never acknowledged (AUTORETOPT): sent is all that can be known.
      delivery: { state: 'sent', attempts: 1 },
    };
    this.conversations.add(message);
    ctx.emit('chat:message', { message: { ...message }, peer: clonePeer(peer) });
    return 'sent';
  }
}
