/**
 * What a persona's user sees: the peer list with the nick and group it shows, every name it ever
 * showed for a peer (so a test can ask "did it ever show raw bytes?"), the texts it received and
 * the state of the texts it sent. JSON-safe: it travels from the persona process to the test.
 */

/** A string as the client shows it: decoded text, or the raw bytes it kept when decoding failed. */
export type Shown = { kind: 'text'; text: string } | { kind: 'raw'; hex: string };

export const shownText = (text: string): Shown => ({ kind: 'text', text });
export const shownRaw = (bytes: Uint8Array): Shown => ({
  kind: 'raw',
  hex: Buffer.from(bytes).toString('hex'),
});

/** For failure messages: raw bytes as \xNN escapes. */
export function describeShown(s: Shown | undefined): string {
  if (!s) return '(nothing)';
  if (s.kind === 'text') return JSON.stringify(s.text);
  return `raw bytes ${s.hex.replace(/../g, '\\x$&')}`;
}

export type Via = 'BR_ENTRY' | 'ANSENTRY' | 'SENDMSG';

export interface PeerView {
  address: string;
  /** The header's User and Host fields as this client decodes them. */
  user: string;
  host: string;
  version: string;
  nick: Shown;
  group: Shown;
  online: boolean;
}

export interface NameShown {
  address: string;
  via: Via;
  nick: Shown;
  group: Shown;
  at: number;
}

export interface TextShown {
  from: string;
  packetNo: number;
  text: Shown;
  at: number;
}

export interface TextSent {
  packetNo: number;
  to: string;
  text: string;
  /** The bytes that went out (hex), to see what the dialect did with the text. */
  hex: string;
  state: 'sent' | 'acked' | 'timed-out';
  attempts: number;
}

/** Every datagram it handled, by sender and command mode: proves what arrived (and was ignored). */
export interface Received {
  from: string;
  mode: number;
  command: number;
  at: number;
}

/** A file in an offer it received, as its receive window lists it. */
export interface OfferShown {
  from: string;
  /** The offer's packet number (decimal in the header), which its request echoes in hex. */
  packetNo: number;
  fileId: number;
  name: Shown;
  size: number;
  mtime: number;
  /** The offer carried UTF8OPT (IP Messenger then asks with UTF8OPT too). */
  utf8: boolean;
  at: number;
}

/** One download it made: the request bytes it wrote and what came back. */
export interface FetchMade {
  from: string;
  packetNo: number;
  fileId: number;
  offset: number;
  /** The whole TCP request (header and extra) in hex. */
  requestHex: string;
  /** Bytes received in this connection (from `offset`). */
  bytes: number;
  state: 'fetching' | 'done' | 'cut' | 'failed';
  savedAs?: string;
  error?: string;
}

/** A file it offered. */
export interface OfferMade {
  to: string;
  packetNo: number;
  fileId: number;
  name: string;
  size: number;
  /** The offer's extra in hex, to see the record it wrote. */
  hex: string;
}

/** A TCP request it answered (or refused) as a file server. */
export interface ServeMade {
  from: string;
  requestHex: string;
  packetNo?: number;
  fileId?: number;
  offset?: number;
  outcome: 'serving' | 'served' | 'cut' | 'refused';
  why?: string;
  bytes: number;
}

export interface DisplayModel {
  persona: string;
  address: string;
  peers: PeerView[];
  names: NameShown[];
  texts: TextShown[];
  sent: TextSent[];
  received: Received[];
  offers: OfferShown[];
  fetches: FetchMade[];
  offered: OfferMade[];
  served: ServeMade[];
}
