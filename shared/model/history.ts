import type { ChatMessage } from './message';

/**
 * A page of a conversation, oldest first. With no cursor, the newest `limit` messages; `before`
 * pages backwards (older), `after` forwards, `around` opens at a message (a search hit), with
 * that message in the page. Cursors are message ids.
 */
export interface HistoryPageRequest {
  peerId: string;
  before?: string;
  after?: string;
  around?: string;
  limit?: number;
}

export interface HistoryPage {
  messages: ChatMessage[];
  /** Older messages exist before the first one. */
  more: boolean;
  /** Newer messages exist after the last one (only after `after` or `around`). */
  newer: boolean;
}

export interface HistorySearchRequest {
  /** Words, in any language: Chinese words of one or two characters too. */
  text: string;
  /** Only this conversation. */
  peerId?: string;
  /** Epoch ms: from `since` (included) until `until` (excluded). */
  since?: number;
  until?: number;
  limit?: number;
}

export interface HistorySearchHit {
  message: ChatMessage;
  /** The conversation the message is in, and what to call it (its peer's nick when known). */
  conversation: { peerId: string; name: string };
  /** Where the words occur in the message's text: [start, end) UTF-16 offsets. */
  ranges: [number, number][];
}

export type HistoryExportFormat = 'text' | 'html' | 'json';

export type HistoryDeleteRequest = { messageId: string } | { peerId: string } | { all: true };
