import type {
  ChatMessage,
  DeliveryState,
  EchoResult,
  EngineEvent,
  EngineEventOf,
  IncomingMessage,
  Peer,
} from '../model';
import type { AppSettings } from './settings';

export type ReadyInfo = Omit<EngineEventOf<'ready'>, 'type'>;

/** New probe outcomes of one echo run since the previous event, and the run's stats so far. */
export type EchoProgress = Omit<EngineEventOf<'echo-progress'>, 'type'>;
export type SweepProgress = Omit<EngineEventOf<'sweep-progress'>, 'type'>;
/** An address came or went, or the computer woke up: the engine re-announced. */
export type NetworkChange = Omit<EngineEventOf<'network-changed'>, 'type'>;

export interface DeliveryUpdate {
  messageId: string;
  peerId: string;
  delivery: DeliveryState;
}

/** Everything the engine pushes to the UI. Payloads are the shared/model types, JSON-safe. */
export interface EventMap {
  'peers:online': Peer;
  'peers:offline': Peer;
  'peers:changed': Peer;
  /** Incoming messages carry `from` (an IncomingMessage); other windows' sends may not. */
  'chat:message': ChatMessage | IncomingMessage;
  'chat:delivery': DeliveryUpdate;
  'engine:error': { code: string; message: string };
  'engine:ready': ReadyInfo;
  'settings:changed': AppSettings;
  'echo:progress': EchoProgress;
  'echo:done': EchoResult;
  'echo:sweep-progress': SweepProgress;
  'diag:network-changed': NetworkChange;
}

export type EventChannel = keyof EventMap;

const eventChannelSet = {
  'peers:online': true,
  'peers:offline': true,
  'peers:changed': true,
  'chat:message': true,
  'chat:delivery': true,
  'engine:error': true,
  'engine:ready': true,
  'settings:changed': true,
  'echo:progress': true,
  'echo:done': true,
  'echo:sweep-progress': true,
  'diag:network-changed': true,
} as const satisfies Record<EventChannel, true>;

export const EVENT_CHANNELS = Object.freeze(
  Object.keys(eventChannelSet) as EventChannel[],
) as readonly EventChannel[];

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && Object.hasOwn(eventChannelSet, value);
}

export type ContractEvent = {
  [E in EventChannel]: { channel: E; payload: EventMap[E] };
}[EventChannel];

/**
 * Maps an engine event to the contract event a host forwards to the UI, or null for events the
 * UI does not receive (stopped).
 */
export function engineEventToContract(event: EngineEvent): ContractEvent | null {
  switch (event.type) {
    case 'ready': {
      const { type: _type, ...info } = event;
      return { channel: 'engine:ready', payload: info };
    }
    case 'peer-online':
      return { channel: 'peers:online', payload: event.peer };
    case 'peer-offline':
      return { channel: 'peers:offline', payload: event.peer };
    case 'peer-changed':
      return { channel: 'peers:changed', payload: event.peer };
    case 'message': {
      const { type: _type, ...message } = event;
      return { channel: 'chat:message', payload: message };
    }
    case 'delivery':
      return {
        channel: 'chat:delivery',
        payload: { messageId: event.messageId, peerId: event.peerId, delivery: event.delivery },
      };
    case 'error':
      return { channel: 'engine:error', payload: { code: event.code, message: event.message } };
    case 'echo-progress': {
      const { type: _type, ...progress } = event;
      return { channel: 'echo:progress', payload: progress };
    }
    case 'echo-done':
      return { channel: 'echo:done', payload: event.result };
    case 'sweep-progress':
      return { channel: 'echo:sweep-progress', payload: { runId: event.runId, step: event.step } };
    case 'network-changed': {
      const { type: _type, ...change } = event;
      return { channel: 'diag:network-changed', payload: change };
    }
    case 'stopped':
      return null;
  }
}
