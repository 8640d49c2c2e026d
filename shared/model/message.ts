/**
 * The conversation that holds what we broadcast to everyone. Peer ids are "address:port", so
 * this can never be a peer's; the engine, the UI and the CLI all use this one constant.
 */
export const BROADCAST_ID = '*';

/** Why a message could not be delivered. The text for people is in the catalogue (texts/). */
export type FailureCode =
  | 'no-ack' // every retry went unanswered
  | 'encoding' // the peer's encoding cannot represent the text
  | 'send-error' // the socket refused the datagram (no route, permission)
  | 'stopped' // the engine stopped before the message was acknowledged
  | 'not-started' // the engine was not running when the message was to go out
  | 'text-has-nul' // NUL ends a text on the wire: the peer would see only what is before it
  | 'bad-recipient' // neither a known peer nor an IPv4 address
  | 'expired' // waited in the outbox longer than OUTBOX_TTL_MS without the peer coming back
  | 'cancelled'; // taken out of the outbox by the person before it went

/**
 * Why a message waits in the outbox (sent when the peer announces itself again at the same
 * address). The text for people is in the catalogue (texts/).
 */
export type OutboxCode =
  | 'outbox-offline' // earlier messages to the peer wait unanswered: this one waits behind them
  | 'outbox-no-ack' // a Pigeon did not answer the retries: it gets the message exactly once
  | 'outbox-no-ack-legacy' // another client did not answer: if a try did arrive, it shows twice
  | 'outbox-redirected'; // moved here from another conversation's outbox at the person's word

/** How long a message waits in the outbox before it fails with 'expired' (README). */
export const OUTBOX_TTL_MS = 7 * 24 * 3600_000;

/**
 * Why an acknowledged message is still not shown as delivered: the acknowledgement arrived, but
 * it proves nothing (see SECURITY.md). The text for people is in the catalogue (texts/).
 */
export type UnconfirmedCode =
  | 'forged-acks' // acks for numbers never sent to that address came around it: someone forges them
  | 'no-proof'; // a Pigeon that proves delivery acked only without a valid proof

/** Values a catalogue text fills in; JSON-safe. */
export type OutcomeParams = Record<string, string | number>;

/**
 * Why a message left the outbox for another conversation (chat:redirect-queued): the person
 * sent it to the peer at a new address. Its copy there is `params.id`, in conversation
 * `params.to`. The text for people is in the catalogue (texts/).
 */
export type RedirectCode = 'redirected';

/**
 * A line the engine writes into a conversation, not a message anyone sent (ChatMessage.notice).
 * The text for people is in the catalogue (texts/notices.ts); every one of them says that what
 * it rests on (addresses, names, install ids) can be forged on a LAN.
 */
export type NoticeCode =
  /** In the old conversation: a peer with the same Pigeon install id announces from `address`. */
  | 'identity-moved-install'
  /** In the old conversation: a peer with the same user, host and nick announces from `address`. */
  | 'identity-moved-names'
  /** In the new conversation: the same install id was announced before from `address`. */
  | 'identity-was-install'
  /** In the new conversation: the same user, host and nick were announced before from `address`. */
  | 'identity-was-names';

/**
 * A notice's code and values. `params.peer` is the other conversation's peer id, `address` the
 * other address, `nick` (and `user`, `host` for the names codes) what that peer announced.
 */
export interface ConversationNotice {
  code: NoticeCode;
  params: OutcomeParams;
}

/** The life of one outgoing message. */
export type DeliveryState =
  | { state: 'queued' }
  | { state: 'sent'; attempts: number }
  | { state: 'delivered'; at: number }
  /** Acknowledged, but the acknowledgement could have been forged: not known to be delivered. */
  | { state: 'unconfirmed'; at: number; code: UnconfirmedCode; params: OutcomeParams }
  | { state: 'failed'; code: FailureCode; params: OutcomeParams }
  /**
   * Waiting in the outbox since `since` for the peer to come back at the same address (then it
   * is sent, and goes through sent/delivered as any message); fails 'expired' at `expiresAt`,
   * 'cancelled' when the person takes it out (chat:cancel-queued).
   */
  | { state: 'outbox'; since: number; expiresAt: number; code: OutboxCode; params: OutcomeParams }
  /**
   * Taken out of the outbox at `at` and sent to another peer as a new message (its id and peer
   * in `params`: see RedirectCode); this one never went.
   */
  | { state: 'redirected'; at: number; code: RedirectCode; params: OutcomeParams };

/** Text that could not be decoded: shown with a marker, raw bytes kept. */
export interface UndecodableText {
  /** The bytes of the message body exactly as received, base64. */
  rawBase64: string;
  /** The encoding that was tried. */
  encoding: string;
}

/**
 * A long message that arrived in parts and was shown before all of them came (its sender
 * stopped, or it went past what a receiver holds for one): the text is the parts that arrived,
 * in order.
 */
export interface IncompleteText {
  /** Parts that arrived. */
  received: number;
  /** Parts the message was sent in. */
  total: number;
}

/**
 * A sealed message (IPMsg's SECRETOPT). Outgoing: the peer was asked to say when it opens it
 * (READCHECKOPT); `openedAt` is when its READMSG came (iptux never sends one). Incoming: the text
 * is withheld (the message's `text` is empty) until the person opens it (`chat:open-sealed`),
 * which tells the sender; `openedAt` is then when. Opening is a state of its own, beside
 * delivery: a message is delivered first and may be opened much later, or never.
 */
export interface SealState {
  openedAt: number | null;
}

/** One message in a conversation, either direction. JSON-safe. */
export interface ChatMessage {
  /** Local unique id (never reused). */
  id: string;
  /** The conversation: the peer's id ("address:port"), or BROADCAST_ID. */
  peerId: string;
  direction: 'in' | 'out';
  text: string;
  /** Epoch ms: when we sent it, or when it arrived. */
  at: number;
  /** Sent to everyone (BROADCASTOPT): no acknowledgement is expected. */
  broadcast: boolean;
  /** Outgoing only. */
  delivery?: DeliveryState;
  /** Incoming only, when the text failed to decode. */
  undecodable?: UndecodableText;
  /** Incoming only, when parts of a long message are missing from the text. */
  incomplete?: IncompleteText;
  /** The message offers files: the ids of its transfers (see `files:transfer`). */
  files?: string[];
  /** Kept whatever the history's disk budget needs (history:pin). */
  pinned?: boolean;
  /** Sealed (see SealState). */
  sealed?: SealState;
  /**
   * An automatic reply (AUTORETOPT): an away notice, never acknowledged and never answered.
   * Outgoing ones are ours, sent while away.
   */
  autoReply?: true;
  /**
   * Not a message: a line the engine wrote into the conversation (an address change). Such a
   * row has direction 'in', empty text and no delivery; it is kept, paged and deleted like the
   * messages around it.
   */
  notice?: ConversationNotice;
}
