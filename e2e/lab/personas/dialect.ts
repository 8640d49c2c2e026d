import type { Shown } from './display-model';
import type { FileDialect } from './file-dialect';

/** Who a persona is on the wire. User and Host stay ASCII, as in every real client. */
export interface Identity {
  nick: string;
  group: string;
  user: string;
  host: string;
  /** Its own eth0 address: packets from here with our User/Host are our own broadcasts. */
  address: string;
}

/**
 * Everything in which the two legacy clients differ. The shared state machine (persona-core.ts)
 * asks the dialect; each dialect file says where each answer comes from.
 */
export interface Dialect {
  readonly name: 'feiq' | 'gbk-ipmsg';
  versionField(me: Identity): string;
  /** Option bits of its BR_ENTRY and ANSENTRY. */
  readonly entryOptions: number;
  entryExtra(me: Identity): Uint8Array;
  exitExtra(me: Identity): Uint8Array;
  /** Modes sent to the broadcast targets before the BR_ENTRY at start-up, and the pause after. */
  readonly startupModes: readonly number[];
  readonly startupPauseMs: number;
  /** The nick and group it shows for a peer, from the extra of that peer's BR_ENTRY/ANSENTRY. */
  readEntry(extra: Uint8Array): { nick: Shown; group: Shown };
  /** The text it shows for a SENDMSG extra. */
  readText(extra: Uint8Array): Shown;
  /** The header User/Host as it shows them. */
  readHeaderField(bytes: Uint8Array): string;
  /** The bytes it writes for a text the user typed (without the final NUL). */
  writeText(text: string): Uint8Array;
  /** Whether a received packet makes it answer RECVMSG. */
  acks(command: number): boolean;
  /** How long it waits before answering a BR_ENTRY with its ANSENTRY. */
  answerDelayMs(): number;
  /** Unacknowledged texts: resend every intervalMs, up to retries times, then give up. */
  readonly retry: { intervalMs: number; retries: number; giveUpMs: number };
  /** Modes it sends to the recipient just before and just after a text (typing indicators). */
  readonly aroundText: { before: readonly number[]; after: readonly number[] };
  /** A mode it sends to a peer whose ANSENTRY it just read, if any. */
  readonly afterAnsEntry: number | undefined;
  /** Modes it answers with another mode (no extra). */
  readonly answers: ReadonlyMap<number, number>;
  /** A SENDMSG from a host it does not know makes it unicast its BR_ENTRY there. */
  readonly introducesItselfToStrangers: boolean;
  /** How it offers, reads, requests and serves files. */
  readonly files: FileDialect;
}
