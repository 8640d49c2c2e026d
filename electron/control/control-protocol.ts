import type { PickedItem } from '../../shared/contract';

/**
 * The control socket speaks the JSON lines of `pigeon serve --json` (README): requests
 * `{"id", "ch", "req"}` in, answers `{"channel", "id", "result"}` and events
 * `{"event", "payload"}` out, one per line. Two channels of its own, beside the contract's:
 *
 * - `control:hello` `{token}` first, always: the token is in the owner-only data directory
 *   (CONTROL_TOKEN_FILE), so only someone who can read that directory gets in. A Unix socket is
 *   owner-only anyway; a Windows named pipe lets everyone open it for reading by default, and
 *   Node cannot change its ACL. Nothing is answered or sent before it.
 * - `control:pick` `{path}`: register a path the person typed as a pick (what a file dialog does
 *   in the app), for `files:offer`. Only this door has it: a page can name picks, never paths.
 */
export const CONTROL_TOKEN_FILE = 'control.token';

export interface ControlHello {
  token: string;
}

/** Who the engine behind the socket is: a command compares it with its own flags. */
export interface ControlWelcome {
  bind: string;
  port: number;
  nick: string;
  group: string;
  pid: number;
}

export interface ControlPickRequest {
  path: string;
}

export type ControlPickResult = PickedItem;

/** A client that reads slower than events come is dropped past this much unsent output. */
export const MAX_PENDING_OUTPUT_BYTES = 16 * 1024 * 1024;
