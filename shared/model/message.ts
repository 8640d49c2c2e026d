import type { Peer } from './peer';

/** Why a message could not be delivered; the reason text is for people, the code for programs. */
export type FailureCode =
  | 'no-ack' // every retry went unanswered
  | 'encoding' // the peer's encoding cannot represent the text
  | 'send-error' // the socket refused the datagram (no route, permission)
  | 'stopped' // the engine stopped before the message was acknowledged
  | 'unknown-peer' // nothing is known about the address and it did not answer
  | 'invalid'; // the request itself was malformed

/** The life of one outgoing message. */
export type DeliveryState =
  | { state: 'queued' }
  | { state: 'sent'; attempts: number }
  | { state: 'delivered'; at: number }
  | { state: 'failed'; code: FailureCode; reason: string };

/** Text that could not be decoded: shown with a marker, raw bytes kept. */
export interface UndecodableText {
  /** The bytes of the message body exactly as received, base64. */
  rawBase64: string;
  /** The encoding that was tried. */
  encoding: string;
}

/** One message in a conversation, either direction. JSON-safe. */
export interface ChatMessage {
  /** Local unique id (never reused). */
  id: string;
  /** The conversation: the peer's id ("address:port"). */
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
}

/** What a received message looks like on the event stream (a ChatMessage plus who sent it). */
export interface IncomingMessage extends ChatMessage {
  direction: 'in';
  from: Peer;
}
