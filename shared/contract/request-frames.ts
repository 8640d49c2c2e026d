import { LIMITS } from './limits';
import { err, type Result } from './result';

/**
 * One request as the JSON doors read it: `pigeon serve --json` on stdin (one per line) and the
 * browser host's WebSocket (one per frame). Both carry `{id, ch, req}`; the dispatcher checks
 * the channel and payload, this module only the frame around them. Frames that never reach the
 * dispatcher are answered with one of three codes: bad-json, too-large, bad-request.
 */
export type RequestId = number | string;

export interface RequestFrame<Id extends RequestId | null = RequestId | null> {
  id: Id;
  ch: string;
  req: unknown;
}

/**
 * Largest request either door accepts, in UTF-8 bytes: a message of LIMITS.textBytes (1 MB), even
 * with many characters JSON-escaped, fits; anything bigger is refused before it is parsed.
 */
export const MAX_REQUEST_FRAME_BYTES = 8 * 1024 * 1024;

export type FrameErrorCode = 'bad-json' | 'too-large' | 'bad-request';

/** The answer to a frame the dispatcher never saw. */
export interface FrameRefusal {
  /** null when the frame was too broken to have an id. */
  id: RequestId | null;
  result: Result<never>;
}

/** What one door asks of its frames beyond `{id, ch, req}`. */
export interface FrameRules {
  /**
   * A page matches answers to requests by id, so the WebSocket refuses a frame without one;
   * stdin answers such a request with id null (handy when typing requests by hand).
   */
  idRequired: boolean;
  /** The value of the frame's `t` field, for a door whose frames name their kind. */
  kind?: string;
}

export type ParsedFrame<Id extends RequestId | null> =
  { ok: true; frame: RequestFrame<Id> } | { ok: false; refusal: FrameRefusal };

export function isRequestId(value: unknown): value is RequestId {
  return (
    (typeof value === 'number' && Number.isFinite(value)) ||
    (typeof value === 'string' && value.length <= LIMITS.idChars)
  );
}

export function parseRequestFrame(
  text: string,
  rules: FrameRules & { idRequired: true },
): ParsedFrame<RequestId>;
export function parseRequestFrame(text: string, rules: FrameRules): ParsedFrame<RequestId | null>;
export function parseRequestFrame(text: string, rules: FrameRules): ParsedFrame<RequestId | null> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, refusal: refuseFrame(null, 'bad-json', 'request is not valid JSON') };
  }
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const id = isRequestId(v.id) ? v.id : null;
  const idOk = id !== null || (!rules.idRequired && (v.id === undefined || v.id === null));
  const kindOk = rules.kind === undefined || v.t === rules.kind;
  if (!idOk || !kindOk || typeof v.ch !== 'string') {
    return { ok: false, refusal: refuseFrame(id, 'bad-request', `expected ${shape(rules)}`) };
  }
  return { ok: true, frame: { id, ch: v.ch, req: v.req ?? null } };
}

export function refuseFrame(
  id: RequestId | null,
  code: FrameErrorCode,
  message: string,
): FrameRefusal {
  return { id, result: err(code, message) };
}

/** The answer to a request longer than `maxBytes`; its id was never read. */
export function refuseTooLarge(maxBytes = MAX_REQUEST_FRAME_BYTES): FrameRefusal {
  return refuseFrame(null, 'too-large', `request longer than ${maxBytes} bytes`);
}

function shape(rules: FrameRules): string {
  const kind = rules.kind === undefined ? '' : `"t":${JSON.stringify(rules.kind)},`;
  return `{${kind}"id","ch","req"}`;
}
