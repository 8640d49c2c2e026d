import {
  isRequestId,
  parseRequestFrame,
  refuseFrame,
  type FrameErrorCode,
  type FrameRefusal,
  type FrameRules,
  type RequestId,
  type Result,
} from '../../shared/contract';

/**
 * The frames of the browser host's WebSocket, JSON text both ways:
 *   page -> host  { t: 'invoke', id, ch, req }
 *   host -> page  { t: 'result', id, result }   (result: the contract's envelope)
 *   host -> page  { t: 'event', ch, payload }   (every contract event, to every page)
 */
export type { RequestId };

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

/** Page frames name their kind, and every one needs an id to be matched to its result. */
const WS_FRAME_RULES = { idRequired: true, kind: 'invoke' } as const satisfies FrameRules;

/** A frame from the page, checked for shape only (shared with stdin); the dispatcher checks the rest. */
export function parseInvoke(text: string): { ok: true; frame: InvokeFrame } | ResultFrame {
  const parsed = parseRequestFrame(text, WS_FRAME_RULES);
  if (!parsed.ok) return resultFrame(parsed.refusal);
  return { ok: true, frame: { t: 'invoke', ...parsed.frame } };
}

export function failure(id: RequestId | null, code: FrameErrorCode, message: string): ResultFrame {
  return resultFrame(refuseFrame(id, code, message));
}

function resultFrame(refusal: FrameRefusal): ResultFrame {
  return { t: 'result', id: refusal.id, result: refusal.result };
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
  if (v.t === 'result' && (v.id === null || isRequestId(v.id)) && 'result' in v) {
    return { t: 'result', id: v.id, result: v.result as Result<unknown> };
  }
  if (v.t === 'event' && typeof v.ch === 'string')
    return { t: 'event', ch: v.ch, payload: v.payload };
  return null;
}
