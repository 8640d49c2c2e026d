import type { Emit } from '../../../shared/contract';

/** Conversations with unread incoming messages; past this many the stalest is forgotten. */
const MAX_CONVERSATIONS = 10_000;

/**
 * The one unread counter: per conversation and in all. It lives in the engine, so every window,
 * browser tab and the shell's badge see the same numbers, and a tab that opens later still sees
 * what arrived before it. The page marks a conversation read (chat:mark-read) while it shows it.
 */
export class UnreadCounter {
  private readonly counts = new Map<string, number>();
  private sum = 0;
  /** The conversation last moved to the end of `counts` (the most recent), while it is there. */
  private newest: string | undefined;

  constructor(
    private readonly emit: Emit,
    private readonly listened: () => boolean,
  ) {}

  get total(): number {
    return this.sum;
  }

  of(peerId: string): number {
    return this.counts.get(peerId) ?? 0;
  }

  arrived(peerId: string): void {
    const had = this.counts.get(peerId);
    const n = (had ?? 0) + 1;
    if (had === undefined || peerId !== this.newest) {
      // To the end, the most recent. Not when it is there already: a delete that empties a
      // map makes V8 allocate its table again, for every message of a conversation.
      this.counts.delete(peerId);
      this.newest = peerId;
    }
    this.counts.set(peerId, n);
    this.sum++;
    if (this.counts.size > MAX_CONVERSATIONS) {
      const [oldest, stale] = this.counts.entries().next().value as [string, number];
      this.drop(oldest);
      this.sum -= stale;
    }
    if (this.listened()) this.emit('chat:unread', { peerId, unread: n, total: this.sum });
  }

  /** Unread messages deleted from the history: `n` of the conversation's, or all of them. */
  forget(peerId: string, n = Infinity): void {
    const had = this.counts.get(peerId);
    if (!had) return;
    const left = Math.max(0, had - n);
    if (left === 0) this.drop(peerId);
    else this.counts.set(peerId, left);
    this.sum -= had - left;
    this.emit('chat:unread', { peerId, unread: left, total: this.sum });
  }

  forgetAll(): void {
    for (const peerId of [...this.counts.keys()]) this.forget(peerId);
  }

  markRead(peerId: string): void {
    const n = this.counts.get(peerId);
    if (!n) return;
    this.drop(peerId);
    this.sum -= n;
    this.emit('chat:unread', { peerId, unread: 0, total: this.sum });
  }

  private drop(peerId: string): void {
    this.counts.delete(peerId);
    if (peerId === this.newest) this.newest = undefined;
  }
}
