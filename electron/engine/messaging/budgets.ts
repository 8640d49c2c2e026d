/**
 * What incoming messages may cost, in bytes of memory, in one place. Every UDP source can be
 * forged and one datagram carries up to 64 KB, so counting messages bounds nothing: 3,000
 * messages of 60 KB from forged senders pinned 200 MB and killed a 256 MB heap (the engine runs
 * in Electron's main process: the app would go with it). The figures are chosen so that a heavy
 * real user never meets them, and documented with their reasons in the README.
 *
 * Text is counted at 2 bytes per UTF-16 code unit, what V8 needs for a string with any
 * character past U+00FF (Latin-1-only strings take half): a bound, never an underestimate.
 */
const KiB = 1024;
const MiB = 1024 * KiB;

/** Bytes a text of this many UTF-16 code units may take: O(1), it reads only the length. */
export function textBytes(length: number): number {
  return 2 * length;
}

/**
 * Stored conversations (conversations.ts). A heavy user's day is about a thousand messages of
 * a few hundred characters: well under 1 MiB. 64 MiB holds months of that, and any one peer
 * (a forger posing as many messages from one address) can take at most a quarter of it. Past
 * either bound the oldest messages go first, from the least recently active conversation, as
 * with the message counts that stay beside these bounds.
 */
export const STORE_BUDGET = {
  /** Every conversation together. */
  totalBytes: 64 * MiB,
  /** One conversation: four times the largest message Pigeon sends (1 MiB of text). */
  perPeerBytes: 16 * MiB,
  /** What a stored message costs beside its text: the object, its id, its slot in the log. */
  messageOverhead: 256,
} as const;

/**
 * Long messages being reassembled (part-assembler.ts). A Pigeon peer sends one message at a time
 * (its delivery queue waits for each part's ack), so an honest peer has one open assembly, and
 * the largest is 1 MiB of text (LIMITS.textBytes) in at most MAX_PARTS parts. Whatever goes past
 * a bound is released as what arrived, marked incomplete, never dropped unseen. The same bounds
 * hold the parts committed to the history before their ack (its parts table): in bytes there, a
 * UTF-16 count of 2 per code unit over-counts what UTF-8 takes on disk.
 */
export const ASSEMBLY_BUDGET = {
  /**
   * One open message: the largest text Pigeon sends (LIMITS.textBytes, 1 MiB, so at most 1 Mi
   * code units: 2 MiB) plus the bookkeeping of the most parts it may have (MAX_PARTS x
   * partOverhead), rounded up; part-assembler.test.ts checks the sum.
   */
  perMessageBytes: 2.5 * MiB,
  /** Open messages of one peer (an honest one has one; a few failed ones may linger). */
  perPeerOpen: 4,
  /** Open messages in all. */
  open: 64,
  /** Bytes of every open message together: six of the largest at once. */
  totalBytes: 16 * MiB,
  /** An open message's record. */
  assemblyOverhead: 128,
  /** What one received part costs beside its text: the string's header and its slot. */
  partOverhead: 40,
  /** A message whose parts stop coming is shown as it is after this long. */
  maxAgeMs: 60_000,
} as const;

/** A token bucket's size and refill: `burst` bytes at once, `perSecond` bytes sustained. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

/**
 * Admission of incoming messages (intake.ts), in bytes: each message costs its datagram's size
 * plus `messageCost` (the work and the record a message costs whatever its size), so both
 * floods of tiny messages and floods of 60 KB ones run dry. A message over a limit is neither
 * acked nor stored: its sender, if it is real, sends it again a second later, by when the
 * buckets have refilled.
 */
export interface IntakeLimits {
  messageCost: number;
  /**
   * Per source address (ports are forged as easily as addresses). A burst holds the largest
   * long message Pigeon sends (1 MiB in about 800 parts of 1.9 KiB with their cost), and the
   * refill is short: an attacker posing as bob silences bob only while it floods, and for at
   * most two seconds after.
   */
  perSource: RateLimit;
  /**
   * Everyone together. Sources we have not vouched for (see vouched) may not take the last
   * `reserve` bytes: those are kept for peers that proved their address, so that a flood from
   * many forged senders does not silence a real colleague.
   */
  all: RateLimit & { reserve: number };
  /** Hosts that never announced themselves (no BR_ENTRY heard) share this slice of `all`. */
  unannounced: RateLimit;
  /** Source addresses whose buckets are remembered (the oldest record is reused past this). */
  sources: number;
  /**
   * Addresses that acknowledged a message we sent them (the ack carries our packet number,
   * which a forger that cannot see our traffic does not know), remembered least recently
   * vouched first out.
   */
  vouched: number;
}

export const INTAKE_LIMITS: IntakeLimits = {
  messageCost: 512,
  perSource: { burst: 2 * MiB, perSecond: 1 * MiB },
  all: { burst: 8 * MiB, perSecond: 4 * MiB, reserve: 2 * MiB },
  unannounced: { burst: 1 * MiB, perSecond: 512 * KiB },
  sources: 4096,
  vouched: 1024,
};
