import type { EngineEvent, EngineEventOf, EngineSettings } from '../../../shared/model';
import { IPMSG_DEFAULT_PORT } from '../../../shared/protocol';
import { Engine, type EngineOptions } from '../engine';
import { defaultSettings } from '../settings';
import type { FakeNetwork, FakeTransport } from './fake-network';

/**
 * An Engine on a FakeNetwork host, with every event it emits recorded.
 *
 *   const a = await startEngine(net, '10.0.0.1', { nick: 'alice' });
 *   a.engine.send({ to: ['10.0.0.2:2425'], text: 'hi' });
 *   await net.clock.advance(10);
 *   expect(a.of('delivery').at(-1)?.delivery.state).toBe('delivered');
 */
export interface EngineNode {
  engine: Engine;
  transport: FakeTransport;
  address: string;
  port: number;
  /** "address:port", the id other engines know this one by. */
  id: string;
  events: EngineEvent[];
  of<T extends EngineEvent['type']>(type: T): EngineEventOf<T>[];
  /** Delivery states of one outgoing message, in order. */
  deliveryStates(messageId: string): string[];
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
  const transport = network.transport(address);
  const settings = testSettings(address, overrides);
  const engine = new Engine(settings, {
    transport,
    clock: network.clock,
    tcp: false,
    entryRepeatMs: 0,
    ...options,
  });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return {
    engine,
    transport,
    address,
    port: settings.port,
    id: `${address}:${settings.port}`,
    events,
    of: <T extends EngineEvent['type']>(type: T) =>
      events.filter((e): e is EngineEventOf<T> => e.type === type),
    deliveryStates: (messageId: string) =>
      events
        .filter((e): e is EngineEventOf<'delivery'> => e.type === 'delivery')
        .filter((e) => e.messageId === messageId)
        .map((e) => e.delivery.state),
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
