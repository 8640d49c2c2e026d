import type { ContractEvent, EventChannel, EventMap } from './events';
import type { RequestChannel, Res } from './requests';
import type { Result } from './result';

/**
 * The lines `pigeon ... --json` prints, one JSON object per line, in the contract's vocabulary:
 *
 *   {"event": "chat:message", "payload": {...}}           something happened (EventMap)
 *   {"channel": "peers:list", "id": 1, "result": {...}}   the answer to a request (RequestMap);
 *                                                          `id` echoes a stdin request's id
 *
 * Scripts read the same names the UI uses; the README lists every line with an example.
 */
export type EventLine = { [E in EventChannel]: { event: E; payload: EventMap[E] } }[EventChannel];

export type ResultLine<C extends RequestChannel = RequestChannel> = {
  /** The request's channel; for a line too broken to name one (not JSON), null. */
  channel: C | null;
  id?: number | string | null;
  result: Result<Res<C>>;
};

export function eventLine(event: ContractEvent): EventLine {
  return { event: event.channel, payload: event.payload } as EventLine;
}

export function resultLine<C extends RequestChannel>(
  channel: C | null,
  result: Result<Res<C>>,
  id?: number | string | null,
): ResultLine<C> {
  return id === undefined ? { channel, result } : { channel, id, result };
}
