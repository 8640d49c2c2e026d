import type { Result } from '../../shared/contract';

/**
 * The frames of the browser host's WebSocket, JSON text both ways:
 *   page -> host  { t: 'invoke', id, ch, req }
 *   host -> page  { t: 'result', id, result }   (result: the contract's envelope)
 *   host -> page  { t: 'event', ch, payload }   (every contract event, to every page)
 */
export type RequestId = number | string;

export interface InvokeFrame {
  t: 'invoke';
  id: RequestId;
  ch: string;
  req: unknown;
}

export interface ResultFrame {
  t: 'result';
  /** null when the frame was too broken to have an id. */
  id: RequestId | null;
  result: Result<unknown>;
}

export interface EventFrame {
  t: 'event';
  ch: string;
  payload: unknown;
}

export type HostFrame = ResultFrame | EventFrame;

const MAX_ID_CHARS = 128;

function isId(value: unknown): value is RequestId {
  return (
    (typeof value === 'number' && Number.isFinite(value)) ||
    (typeof value === 'string' && value.length <= MAX_ID_CHARS)
  );
}

/** A frame from the page, checked for shape only; the contract's dispatcher checks the rest. */
export function parseInvoke(text: string): { ok: true; frame: InvokeFrame } | ResultFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return failure(null, 'bad-json', 'frame is not valid JSON');
  }
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const id = isId(v.id) ? v.id : null;
  if (v.t !== 'invoke' || id === null || typeof v.ch !== 'string') {
    return failure(id, 'bad-request', 'expected {"t":"invoke","id","ch","req"}');
  }
  return { ok: true, frame: { t: 'invoke', id, ch: v.ch, req: v.req ?? null } };
}

export function failure(id: RequestId | null, code: string, message: string): ResultFrame {
  return { t: 'result', id, result: { ok: false, error: { code, message } } };
}

/** A frame from the host, as the bridge reads it. */
export function parseHostFrame(text: string): HostFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.t === 'result' && (v.id === null || isId(v.id)) && 'result' in v) {
    return { t: 'result', id: v.id, result: v.result as Result<unknown> };
  }
  if (v.t === 'event' && typeof v.ch === 'string')
    return { t: 'event', ch: v.ch, payload: v.payload };
  return null;
}
