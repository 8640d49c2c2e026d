import type { ContractEvent, EventChannel, EventMap } from '../../../shared/contract';
import type { ChatMessage, EngineSettings, Peer } from '../../../shared/model';
import { IPMSG_DEFAULT_PORT } from '../../../shared/protocol';
import { Engine, type EngineOptions } from '../engine';
import { defaultSettings } from '../settings/settings';
import type { FakeNetwork, FakeSocket } from './fake-network';

/** An incoming message as a test reads it: the message, and who it came from. */
export type ReceivedMessage = ChatMessage & { from: Peer };

/**
 * An Engine on a FakeNetwork host, with every event it emits recorded (in the contract's
 * vocabulary, as hosts and the UI receive them).
 *
 *   const a = await startEngine(net, '10.0.0.1', { nick: 'alice' });
 *   const [id] = a.send(['10.0.0.2:2425'], 'hi');
 *   await net.clock.advance(10);
 *   expect(a.message(id)?.delivery?.state).toBe('delivered');
 */
export interface EngineNode {
  engine: Engine;
  socket: FakeSocket;
  address: string;
  port: number;
  /** "address:port", the id other engines know this one by. */
  id: string;
  events: ContractEvent[];
  /** The payloads of one event channel, in order. */
  of<C extends EventChannel>(channel: C): EventMap[C][];
  /** Incoming messages (chat:message, direction 'in'), with their sender. */
  received(): ReceivedMessage[];
  /** chat:send; returns the message ids. */
  send(to: string[], text: string): string[];
  /** An outgoing message as told (chat:message) with every delivery update since applied. */
  message(id: string | undefined): ChatMessage | undefined;
  /** Delivery states of one outgoing message: the one it was told with, then each update. */
  deliveryStates(messageId: string): string[];
  /** peers:list */
  peers(): Peer[];
}

/** Settings for a test engine: broadcasts to its /24, binds 0.0.0.0:2425, no real data dir. */
export function testSettings(
  address: string,
  overrides: Partial<EngineSettings> = {},
): EngineSettings {
  const subnet = address.split('.').slice(0, 3).join('.');
  return defaultSettings({
    nick: `nick-${address}`,
    user: 'tester',
    host: `host-${address.replace(/\./g, '-')}`,
    bind: '0.0.0.0',
    port: IPMSG_DEFAULT_PORT,
    broadcast: [`${subnet}.255`],
    dataDir: '/nonexistent/pigeon-test',
    ...overrides,
  });
}

export function createEngineNode(
  network: FakeNetwork,
  address: string,
  overrides: Partial<EngineSettings> = {},
  options: EngineOptions = {},
): EngineNode {
  const socket = network.socket(address);
  const settings = testSettings(address, overrides);
  const engine = new Engine(settings, {
    socket,
    clock: network.clock,
    tcp: false,
    entryRepeatMs: 0,
    ...options,
  });
  const events: ContractEvent[] = [];
  engine.subscribe((e) => events.push(e));
  const of = <C extends EventChannel>(channel: C): EventMap[C][] =>
    events.filter((e) => e.channel === channel).map((e) => e.payload as EventMap[C]);
  return {
    engine,
    socket,
    address,
    port: settings.port,
    id: `${address}:${settings.port}`,
    events,
    of,
    received: () =>
      of('chat:message')
        .filter((e) => e.message.direction === 'in' && e.peer)
        .map((e) => ({ ...e.message, from: e.peer as Peer })),
    send: (to, text) => engine.handlers['chat:send']({ to, text }).ids,
    message: (id) => {
      const told = of('chat:message').find((e) => e.message.id === id)?.message;
      if (!told) return undefined;
      let delivery = told.delivery;
      for (const u of of('chat:delivery')) if (u.messageId === id) delivery = u.delivery;
      return delivery ? { ...told, delivery } : told;
    },
    deliveryStates: (messageId) => {
      const told = of('chat:message').find((e) => e.message.id === messageId)?.message.delivery;
      return [
        ...(told ? [told.state] : []),
        ...of('chat:delivery')
          .filter((u) => u.messageId === messageId)
          .map((u) => u.delivery.state),
      ];
    },
    peers: () => engine.handlers['peers:list'](),
  };
}

/** Create, start, and let the start-up broadcast settle. */
export async function startEngine(
  network: FakeNetwork,
  address: string,
  overrides: Partial<EngineSettings> = {},
  options: EngineOptions = {},
): Promise<EngineNode> {
  const node = createEngineNode(network, address, overrides, options);
  await node.engine.start();
  await network.clock.flush();
  return node;
}

/** The texts of the messages a node received, in order. */
export function receivedTexts(node: Pick<EngineNode, 'received'>): string[] {
  return node.received().map((m) => m.text);
}
