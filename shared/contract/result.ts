import type { Outcome } from '../model/outcome';

/**
 * JSON-safe result envelopes. Nothing crosses IPC or the WebSocket as an exception: Electron keeps
 * only an error's message and a JSON transport keeps nothing, so every call answers with a value.
 */

/**
 * `message` is English, for logs and the CLI; `problems`, when the request (or a setting in it)
 * was not valid, says what is wrong as outcomes the UI shows in the person's language.
 */
export type ContractErrorInfo = { code: string; message: string; problems?: Outcome[] };

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractErrorInfo };

/** Codes the contract itself produces; handlers may add their own (e.g. 'port-in-use'). */
export type ContractErrorCode =
  'unknown-channel' | 'invalid-request' | 'not-found' | 'not-running' | 'internal' | 'transport';

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(code: string, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/** Thrown by a handler to answer with a chosen code instead of 'internal'. */
export class ContractError extends Error {
  readonly code: string;
  constructor(
    code: ContractErrorCode | (string & {}),
    message: string,
    readonly problems?: Outcome[],
  ) {
    super(message);
    this.name = 'ContractError';
    this.code = code;
  }
}

/** Any thrown value as an envelope error; ContractError keeps its code. */
export function errorToInfo(error: unknown, fallbackCode = 'internal'): ContractErrorInfo {
  if (error instanceof ContractError)
    return {
      code: error.code,
      message: error.message,
      ...(error.problems?.length ? { problems: error.problems } : {}),
    };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      code: typeof code === 'string' && code ? code : fallbackCode,
      message: error.message || error.name,
    };
  }
  return { code: fallbackCode, message: String(error) };
}

/** A received value is shaped like an envelope (a transport checks this before trusting it). */
export function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.ok === true) return 'value' in v;
  if (v.ok !== false || typeof v.error !== 'object' || v.error === null) return false;
  const e = v.error as Record<string, unknown>;
  return typeof e.code === 'string' && typeof e.message === 'string';
}
