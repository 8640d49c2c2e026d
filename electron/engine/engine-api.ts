import type {
  ChatMessage,
  DoctorReport,
  DoctorRequest,
  EchoRequest,
  EchoResult,
  EngineEvent,
  EngineSettings,
  InterfacesReport,
  Peer,
  ReachRequest,
  ReachResult,
  SweepRequest,
  SweepResult,
} from '../../shared/model';
import type { EchoStart } from './echo/echo-service';

export type { EchoStart };

/** A request to send text to one or more peers. */
export interface SendRequest {
  /** Peer ids ("address:port") or bare IPv4 addresses (port 2425 is then assumed). */
  to: string[];
  text: string;
}

/**
 * What the engine offers to its hosts: the CLI, the Electron IPC adapter and the browser host.
 * Nothing here throws for bad input from the outside; errors come back as values or events.
 */
export interface EngineApi {
  /** Bind the sockets and announce ourselves. Rejects with a StartError (port in use ...). */
  start(): Promise<void>;
  /** Say goodbye (BR_EXIT) and close the sockets. Pending messages fail with code 'stopped'. */
  stop(): Promise<void>;
  /** Subscribe to every event; returns the unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
  settings(): EngineSettings;
  /** Change nick, group ... at run time (announces with BR_ABSENCE); network fields need a restart. */
  updateSettings(patch: Partial<Pick<EngineSettings, 'nick' | 'group'>>): void;
  peers(): Peer[];
  /** Re-broadcast BR_ENTRY (and unicast it to the extra hosts). */
  refresh(): void;
  /** Announce ourselves by unicast to one address (BR_ENTRY|DIALUPOPT), e.g. "add a peer by IP". */
  announceTo(address: string, port?: number): void;
  /** Queue text to each recipient; delivery progress arrives as 'delivery' events. */
  send(request: SendRequest): ChatMessage[];
  /** Send to everyone without acknowledgement (BROADCASTOPT). */
  broadcastText(text: string): ChatMessage;
  /** Re-queue a failed outgoing message. */
  retry(messageId: string): ChatMessage | undefined;
  /** Messages exchanged with one peer since start, oldest first. */
  conversation(peerId: string): ChatMessage[];
  /** Every conversation with its newest message, most recently active last. */
  conversationList(): { peerId: string; last: ChatMessage }[];

  // ---- echo and diagnostics ------------------------------------------------------------------

  /** Start an echo run: progress arrives as 'echo-progress' events, the end as 'echo-done'. */
  startEcho(request: EchoRequest): EchoStart;
  /** Run an echo test to its end. Never rejects: a bad request gives a failed result. */
  echo(request: EchoRequest): Promise<EchoResult>;
  /** Stop an echo run or a size sweep early; false when no such run is active. */
  cancelEcho(runId: string): boolean;
  /** The largest payload that gets to a peer and back ('sweep-progress' events on the way). */
  sizeSweep(request: SweepRequest): Promise<SweepResult>;
  /** Who answers a broadcast, per interface. */
  broadcastReach(request?: ReachRequest): Promise<ReachResult>;
  /** "Why can't I see ...?": check one address and say what is wrong, with the fix. */
  doctor(request: DoctorRequest): Promise<DoctorReport>;
  /** Interfaces with their masks and broadcast addresses, and which ones Pigeon announces on. */
  interfaces(): InterfacesReport;
  /** Diagnostics as one text block to paste; `redact` replaces addresses and names. */
  diagnosticsBundle(options?: { redact?: boolean }): string;
  /** The shell heard of a wake from sleep or a network change: re-check and re-announce. */
  networkChanged(reason?: 'resume'): void;
  /** Cap datagrams to one address (undefined lifts the cap); returns the cap now in force. */
  setPeerMaxDatagram(address: string, bytes: number | undefined): number | null;
}
