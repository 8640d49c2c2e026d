import type {
  ChatMessage,
  DoctorReport,
  DoctorRequest,
  EchoRequest,
  HistoryDeleteRequest,
  HistoryExportFormat,
  HistoryPage,
  HistoryPageRequest,
  HistorySearchHit,
  HistorySearchRequest,
  InterfacesReport,
  Peer,
  ReachRequest,
  ReachResult,
  SweepRequest,
  SweepResult,
  Transfer,
} from '../model';
import type { AppInfo, AppSettings, SettingsPatch, SettingsUpdateResult } from './settings';

/**
 * Every call the UI can make, as `domain:verb` channels. `req: null` means "no payload".
 * Requests and responses are JSON-safe: the WebSocket host carries them as JSON.
 */
export interface RequestMap {
  'app:info': { req: null; res: AppInfo };
  'settings:get': { req: null; res: AppSettings };
  'settings:update': { req: SettingsPatch; res: SettingsUpdateResult };
  'peers:list': { req: null; res: Peer[] };
  'peers:refresh': { req: null; res: null };
  /** Announce ourselves to one host by unicast; it answers and shows up as a peer. */
  'peers:add': { req: { address: string; port?: number }; res: null };
  /** Every conversation with its last message and unread count, for the chat list at start. */
  'chat:conversations': { req: null; res: ConversationSummary[] };
  /** A page of a conversation from the history (newest first page, then `before` the oldest). */
  'chat:history': { req: HistoryPageRequest; res: HistoryPage };
  /**
   * `to`: peer ids ("address:port") or bare IPv4 addresses (port 2425). One message per peer,
   * answered with their ids; the messages themselves arrive as `chat:message` events (before
   * any `chat:delivery` for them), so every window shows the same thing. `sealed`: the peer
   * opens it before reading it and says when (SECRETOPT|READCHECKOPT; `chat:opened` follows).
   */
  'chat:send': { req: { to: string[]; text: string; sealed?: boolean }; res: { ids: string[] } };
  'chat:broadcast': { req: { text: string }; res: { id: string } };
  /** Sends a failed message again as a new message (its `chat:message` follows). */
  'chat:retry': { req: { messageId: string }; res: { id: string } };
  /**
   * Takes a message out of the outbox before it goes: it fails 'cancelled' (its
   * `chat:delivery` follows). 'not-found' when none waits by that id (sent meanwhile).
   */
  'chat:cancel-queued': { req: { messageId: string }; res: null };
  /**
   * The person's confirmation after an address-change notice: what waits in the outbox for
   * `fromPeerId` goes to `toPeerId` instead, in order, each as a new message there (its
   * `chat:message` follows; the old one's `chat:delivery` says 'redirected' and names it). On
   * the wire each keeps its first id, so a Pigeon shows it once. Nothing moves without this.
   * Errors: 'nothing-queued' (nothing waits for fromPeerId), 'unknown-peer' (no peer toPeerId),
   * 'not-announced' (toPeerId never announced itself), 'peer-offline' (toPeerId is offline),
   * 'history-write' (the history refused the first copy).
   */
  'chat:redirect-queued': {
    req: { fromPeerId: string; toPeerId: string };
    res: { moved: RedirectedMessage[] };
  };
  'chat:mark-read': { req: { peerId: string }; res: null };
  /** Full-text search across conversations, newest first, with where the words are. */
  'history:search': { req: HistorySearchRequest; res: HistorySearchHit[] };
  /** A whole conversation as text, HTML (peer text escaped) or JSON. */
  'history:export': {
    req: { peerId: string; format: HistoryExportFormat };
    res: { text: string };
  };
  /** Deletes a message, a conversation, or everything: from the index and the disk too. */
  'history:delete': { req: HistoryDeleteRequest; res: { deleted: number } };
  /** A pinned message is never given up to the history's disk budget. */
  'history:pin': { req: { messageId: string; pinned: boolean }; res: null };
  /**
   * Open a sealed message that arrived: its sender is told (READMSG), and the message with its
   * text is answered (every window gets it as `chat:opened`).
   */
  'chat:open-sealed': { req: { messageId: string }; res: ChatMessage };
  /**
   * Start an echo run to a peer id or "host[:port]"; progress arrives as `echo:progress`, the
   * end as `echo:done`, both carrying the runId answered here.
   */
  'echo:start': { req: EchoRequest; res: { runId: string } };
  /** Stop an echo run or a size sweep early; `stopped` is false when it had already ended. */
  'echo:stop': { req: { runId: string }; res: { stopped: boolean } };
  /** The largest datagram that gets there and back; steps arrive as `echo:sweep-progress`. */
  'echo:sweep': { req: SweepRequest; res: SweepResult };
  /** Who answers a broadcast, per interface. */
  'echo:reach': { req: ReachRequest; res: ReachResult };
  /** "Why can't I see …?": checks one address; the verdicts come in zh-CN and en. */
  'diag:doctor': { req: DoctorRequest; res: DoctorReport };
  /** Interfaces, masks, broadcast addresses, and which ones Pigeon announces on. */
  'diag:interfaces': { req: null; res: InterfacesReport };
  /** Everything a maintainer asks for, as one text block to paste; `redact` hides addresses. */
  'diag:bundle': { req: { redact?: boolean }; res: { text: string } };
  /** Every transfer the engine knows, newest last (changes arrive as `files:transfer`). */
  'files:list': { req: null; res: Transfer[] };
  /**
   * The person picks files or a folder in a native dialog (desktop app only); answers what was
   * picked, as picks to offer. Nobody else can name a path: see `files:offer`.
   */
  'files:choose': { req: { kind: 'files' | 'folder' }; res: PickedItem[] };
  /**
   * Offer picked items to one peer, with an optional text. `picks` are ids from `files:choose`,
   * a drop in the desktop app, or an upload in the browser host: never paths, so a page cannot
   * make the engine offer a file the person did not pick. Each item becomes a transfer.
   */
  'files:offer': {
    req: { to: string; picks: string[]; text?: string };
    res: { offerId: string; transferIds: string[] };
  };
  /** Fetch offered items into the download folder (or a folder the person picked). */
  'files:accept': { req: { transferIds: string[]; into?: string }; res: null };
  /** Refuse offered items; the sender is told where its client listens (RELEASEFILES). */
  'files:decline': { req: { transferIds: string[] }; res: null };
  /** Stop a transfer: an outgoing one is no longer served, an incoming one stops and its part is deleted. */
  'files:cancel': { req: { transferId: string }; res: null };
  /** Fetch an interrupted or failed incoming transfer again, from where it stopped if the peer can. */
  'files:retry': { req: { transferId: string }; res: null };
  /** Desktop app: open a received file, or show it in its folder (only on the person's action). */
  'files:open': { req: { transferId: string; reveal?: boolean }; res: null };
}

/** A message moved by chat:redirect-queued: its id before, and its copy's id. */
export interface RedirectedMessage {
  from: string;
  to: string;
}

/** Something the person picked (a file or a folder), ready to offer. */
export interface PickedItem {
  pick: string;
  name: string;
  kind: 'file' | 'folder';
  /** Bytes of a file; of all files under a folder. */
  size: number;
}

export interface ConversationSummary {
  peerId: string;
  /** The newest message, either direction; null when only unread state is known. */
  last: ChatMessage | null;
  /** Incoming messages not yet marked read (chat:mark-read). */
  unread: number;
  /**
   * The peer as the history remembers it (the names it last announced), when it has not been
   * heard from since the engine started: offline, so the conversation shows a name rather than
   * an address until the peer announces itself again (then `peers:online` has it).
   */
  remembered?: Peer;
}

export type RequestChannel = keyof RequestMap;
export type Req<C extends RequestChannel> = RequestMap[C]['req'];
export type Res<C extends RequestChannel> = RequestMap[C]['res'];

// A missing or extra key here is a type error, so the runtime list always matches the map.
const requestChannelSet = {
  'app:info': true,
  'settings:get': true,
  'settings:update': true,
  'peers:list': true,
  'peers:refresh': true,
  'peers:add': true,
  'chat:conversations': true,
  'chat:history': true,
  'chat:send': true,
  'chat:broadcast': true,
  'chat:retry': true,
  'chat:cancel-queued': true,
  'chat:redirect-queued': true,
  'chat:mark-read': true,
  'history:search': true,
  'history:export': true,
  'history:delete': true,
  'history:pin': true,
  'chat:open-sealed': true,
  'echo:start': true,
  'echo:stop': true,
  'echo:sweep': true,
  'echo:reach': true,
  'diag:doctor': true,
  'diag:interfaces': true,
  'diag:bundle': true,
  'files:list': true,
  'files:choose': true,
  'files:offer': true,
  'files:accept': true,
  'files:decline': true,
  'files:cancel': true,
  'files:retry': true,
  'files:open': true,
} as const satisfies Record<RequestChannel, true>;

/** The allowlist every transport registers and checks against. */
export const REQUEST_CHANNELS = Object.freeze(
  Object.keys(requestChannelSet) as RequestChannel[],
) as readonly RequestChannel[];

export function isRequestChannel(value: unknown): value is RequestChannel {
  return typeof value === 'string' && Object.hasOwn(requestChannelSet, value);
}
