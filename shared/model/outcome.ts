import type { VerdictCode } from './diagnostics';
import type {
  FailureCode,
  NoticeCode,
  OutboxCode,
  OutcomeParams,
  RedirectCode,
  UnconfirmedCode,
} from './message';
import type { TransferFailureCode } from './transfer';

/** Something went wrong in the running engine that no request answers (see engine:error). */
export type EngineErrorCode =
  | 'internal' // a packet handler failed: a bug, counted and reported, the engine carries on
  | 'broadcast-encoding' // one peer's encoding cannot carry a broadcast (nobody acks those)
  | 'packet-counter' // the packet counter could not be read or saved in the data directory
  | 'transfers-record' // the record of file transfers could not be read or saved there
  | 'install-id' // the install id could not be read or saved there: this run has its own
  | SettingsFileCode
  | HistoryCode;

/** The history database could not do its job; what Pigeon did instead (texts/). */
export type HistoryCode =
  | 'history-unavailable' // the history database could not be opened: kept in memory only
  | 'history-write' // a message could not be written to the history (not acked: sent again)
  | 'history-full'; // the history's disk budget is taken by pinned messages: new ones not acked

/** settings.json could not be used as it is; Pigeon started safely and says how (texts/settings.ts). */
export type SettingsFileCode =
  | 'settings-corrupt' // not JSON (or not an object): moved aside, defaults used
  | 'settings-unreadable' // could not be read (permissions): defaults used, the file kept
  | 'settings-newer' // written by a newer Pigeon: what we understand used, the file kept
  | 'settings-invalid-keys' // some values were not valid: those fall back to their defaults
  | 'settings-not-saved'; // a change was refused because the file is kept as it is

/** Why the engine could not start. */
export type StartErrorCode =
  | 'port-in-use'
  | 'port-in-use-by'
  | 'address-unavailable'
  | 'bind-not-allowed'
  | 'bind-failed'
  | 'invalid-settings';

/** A request or a setting a person gave is not valid: what is wrong (texts/problems.ts). */
export type RequestProblemCode =
  | SettingsProblemCode
  | 'target-invalid'
  | 'target-port-invalid'
  | 'echo-mode-unknown'
  | 'count-out-of-range'
  | 'interval-out-of-range'
  | 'interval-out-of-range-ipmsg'
  | 'timeout-out-of-range'
  | 'size-out-of-range'
  | 'probe-back-out-of-range'
  | 'probe-back-needs-pigeon'
  | 'sweep-mode'
  | 'sweep-sizes'
  | 'sweep-tries'
  | 'reach-invalid'
  | 'engine-not-running';

/** What validateSettings finds wrong with one setting. */
export type SettingsProblemCode =
  | 'nick-empty'
  | 'nick-too-long'
  | 'group-too-long'
  | 'away-message-nul'
  | 'name-nul'
  | 'user-invalid'
  | 'host-invalid'
  | 'bind-invalid'
  | 'port-invalid'
  | 'broadcast-invalid'
  | 'hosts-invalid'
  | 'hosts-prefix-invalid'
  | 'hosts-too-large';

/** Every code the catalogue (texts/) has words for. */
export type OutcomeCode =
  | RequestProblemCode
  | FailureCode
  | UnconfirmedCode
  | OutboxCode
  | RedirectCode
  | NoticeCode
  | EngineErrorCode
  | StartErrorCode
  | VerdictCode
  | TransferFailureCode;

/**
 * An outcome as it travels: a code for programs, the values its text needs. Texts are looked up
 * in one catalogue (texts/) by the UI and the CLI, in the person's language; nobody parses them.
 */
export interface Outcome<C extends OutcomeCode = OutcomeCode> {
  code: C;
  params: OutcomeParams;
}
