import type {
  ChatMessage,
  DeliveryState,
  EchoProbeOutcome,
  EchoResult,
  EchoReverse,
  EchoStats,
  EchoTarget,
  EngineErrorCode,
  InterfaceInfo,
  Outcome,
  Peer,
  StartErrorCode,
  SweepStep,
  EchoMode,
  Transfer,
} from '../model';
import type { AppSettings } from './settings';

/** The engine is up: where it listens and who it says it is. */
export interface ReadyInfo {
  bind: string;
  port: number;
  nick: string;
  group: string;
  user: string;
  host: string;
  broadcast: string[];
}

/**
 * A message appeared in a conversation: one that arrived, or one that any window (or the CLI)
 * sent. The engine emits it before any `chat:delivery` for it, so a UI never sees a delivery for
 * a message it does not have. `peer` is the conversation's peer (null for the broadcast one, and
 * for a long message released after its peer was forgotten: `message.peerId` still says whose).
 */
export interface MessageEvent {
  message: ChatMessage;
  peer: Peer | null;
}

export interface DeliveryUpdate {
  messageId: string;
  peerId: string;
  delivery: DeliveryState;
}

/**
 * A sealed message was opened: ours by its recipient (no `text`), or one that arrived, by the
 * person (with its `text`, withheld until then).
 */
export interface SealOpened {
  messageId: string;
  peerId: string;
  openedAt: number;
  text?: string;
}

/** Unread incoming messages: one conversation's count, and the total for badges. */
export interface UnreadUpdate {
  peerId: string;
  unread: number;
  total: number;
}

/**
 * Messages were deleted from the history (history:delete, from any window or the CLI): every
 * window takes them out of its lists, open conversations and search results. `message`: the
 * ids in `messageIds`, of `peerId`'s conversation; `conversation`: all of `peerId`'s; `all`:
 * everything. Unread counts that change follow as `chat:unread`.
 */
export type HistoryDeleted =
  | { scope: 'message'; peerId: string; messageIds: string[] }
  | { scope: 'conversation'; peerId: string }
  | { scope: 'all' };

/** A message pinned or unpinned (history:pin), from any window: every window shows the mark. */
export interface HistoryPinned {
  peerId: string;
  messageId: string;
  pinned: boolean;
}

/** An echo run began (sent before any progress): every window can show it. */
export interface EchoStarted {
  runId: string;
  target: EchoTarget;
  mode: EchoMode;
  count: number;
  intervalMs: number;
  timeoutMs: number;
  size: number;
  probeBack: number;
  startedAt: number;
}

/** New probe outcomes of one echo run since the previous event, and the run's stats so far. */
export interface EchoProgress {
  runId: string;
  /** Outcomes since the previous progress event, in the order they happened. */
  probes: EchoProbeOutcome[];
  stats: EchoStats;
  reverse?: EchoReverse;
}

export interface SweepProgress {
  runId: string;
  step: SweepStep;
}

/** An address came or went, or the computer woke up: the engine re-announced. */
export interface NetworkChange {
  /** 'addresses': an address came or went; 'resume': the clock jumped (sleep and wake). */
  reason: 'addresses' | 'resume';
  added: string[];
  removed: string[];
  interfaces: InterfaceInfo[];
}

/**
 * Everything the engine pushes, in one vocabulary: the UI receives these over IPC or the
 * WebSocket, and `pigeon ... --json` prints them as `{"event": channel, "payload": ...}` lines.
 * Payloads are JSON-safe.
 */
export interface EventMap {
  'engine:ready': ReadyInfo;
  'engine:stopped': null;
  /** A start failure, or a problem the running engine reports on its own. */
  'engine:error': Outcome<EngineErrorCode | StartErrorCode>;
  'settings:changed': AppSettings;
  'peers:online': Peer;
  'peers:offline': Peer;
  'peers:changed': Peer;
  'chat:message': MessageEvent;
  'chat:delivery': DeliveryUpdate;
  'chat:unread': UnreadUpdate;
  'chat:opened': SealOpened;
  'history:deleted': HistoryDeleted;
  'history:pinned': HistoryPinned;
  'echo:started': EchoStarted;
  'echo:progress': EchoProgress;
  'echo:done': EchoResult;
  'echo:sweep-progress': SweepProgress;
  'diag:network-changed': NetworkChange;
  /**
   * A transfer appeared or changed: an offer made or received, accepted, progress (at most a few
   * times a second), done, failed. Always the whole transfer, so a late window needs no history.
   */
  'files:transfer': Transfer;
  /** The shell asks the page to open a conversation (a notification was clicked). */
  'ui:open-conversation': { peerId: string };
}

export type EventChannel = keyof EventMap;

const eventChannelSet = {
  'engine:ready': true,
  'engine:stopped': true,
  'engine:error': true,
  'settings:changed': true,
  'peers:online': true,
  'peers:offline': true,
  'peers:changed': true,
  'chat:message': true,
  'chat:delivery': true,
  'chat:unread': true,
  'chat:opened': true,
  'history:deleted': true,
  'history:pinned': true,
  'echo:started': true,
  'echo:progress': true,
  'echo:done': true,
  'echo:sweep-progress': true,
  'diag:network-changed': true,
  'files:transfer': true,
  'ui:open-conversation': true,
} as const satisfies Record<EventChannel, true>;

export const EVENT_CHANNELS = Object.freeze(
  Object.keys(eventChannelSet) as EventChannel[],
) as readonly EventChannel[];

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && Object.hasOwn(eventChannelSet, value);
}

/** One event as it travels: its channel and its payload, typed together. */
export type ContractEvent = {
  [E in EventChannel]: { channel: E; payload: EventMap[E] };
}[EventChannel];

/** Whoever listens to the engine gets every event through one of these. */
export type EventListener = (event: ContractEvent) => void;

/** The emitting side, as the engine's capabilities see it. */
export type Emit = <E extends EventChannel>(channel: E, payload: EventMap[E]) => void;
