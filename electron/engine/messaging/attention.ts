import type { ChatMessage, Peer } from '../../../shared/model';
import { Opt, hasOpt, type WirePacket } from '../../../shared/protocol';
import type { AutoReply } from './auto-reply';
import type { SealedMessages } from './sealed';

/**
 * What the inbox asks of the away reply and of sealed messages, in one place: it marks each
 * message that arrives (an automatic reply, a sealed one) and hears of each first copy.
 */
export class InboxAttention {
  constructor(
    private readonly autoReply: AutoReply,
    private readonly sealed: SealedMessages,
  ) {}

  /** A message about to be stored and told: what its options say it is. */
  marked(message: ChatMessage, peer: Peer, p: WirePacket): void {
    if (hasOpt(p.command, Opt.AUTORETOPT)) message.autoReply = true;
    // A text that could not be decoded has nothing to withhold; broadcasts are never sealed.
    if (hasOpt(p.command, Opt.SECRETOPT) && !message.broadcast && !message.undecodable) {
      message.sealed = { openedAt: null };
      this.sealed.arrived(message, peer, p);
    }
  }

  /** The first copy of a message was read (told, or held as a part): answer it if away. */
  arrived(peer: Peer, p: WirePacket, announced: boolean): void {
    this.autoReply.consider(peer, p, announced);
  }
}
