import type { DeliveryState, IncomingMessage } from './message';
import type { Peer } from './peer';
import type { EchoEvent } from './echo';
import type { DiagnosticsEvent } from './diagnostics';

/**
 * Everything the engine tells the outside world. The CLI prints these as JSON lines and the UI
 * receives the same objects over IPC, so every member must survive JSON.stringify.
 */
export type EngineEvent =
  | {
      type: 'ready';
      bind: string;
      port: number;
      nick: string;
      group: string;
      user: string;
      host: string;
      broadcast: string[];
    }
  | { type: 'peer-online'; peer: Peer }
  | { type: 'peer-offline'; peer: Peer }
  | { type: 'peer-changed'; peer: Peer }
  | ({ type: 'message' } & IncomingMessage)
  | { type: 'delivery'; messageId: string; peerId: string; delivery: DeliveryState }
  | { type: 'error'; code: string; message: string }
  | { type: 'stopped' }
  | EchoEvent
  | DiagnosticsEvent;

export type EngineEventType = EngineEvent['type'];
export type EngineEventOf<T extends EngineEventType> = Extract<EngineEvent, { type: T }>;
