import type { EngineSettings } from '../../../../shared/model';
import type { DiagnosticsOptions } from '../../diagnostics/engine-diagnostics';
import type { EngineOptions } from '../../engine';
import { startEngine, type EngineNode } from '../../testing/engine-harness';
import type { FakeNetwork } from '../../testing/fake-network';

/**
 * An engine on a FakeNetwork whose echo and diagnostics see the fake network too: raw and
 * probe-back sockets are FakeSockets on the same host, the host has one /24 interface
 * "eth0" with MTU 1500, and TCP, routes and ARP answer as `diagnostics` overrides say.
 */
export function fakeDiagnostics(
  net: FakeNetwork,
  address: string,
  overrides: DiagnosticsOptions = {},
): DiagnosticsOptions {
  const subnet = address.split('.').slice(0, 3).join('.');
  return {
    openSocket: () => net.socket(address),
    listInterfaces: () => [
      {
        name: 'eth0',
        address,
        netmask: '255.255.255.0',
        broadcast: `${subnet}.255`,
        internal: false,
      },
    ],
    routeTo: () => Promise.resolve({ sourceAddress: address, interface: 'eth0' }),
    linkMtu: () => 1500,
    tcpProbe: () => Promise.resolve({ state: 'open', ms: 1 }),
    linkLayer: () => 'present',
    watchIntervalMs: 0,
    ...overrides,
  };
}

export function startDiagnosedEngine(
  net: FakeNetwork,
  address: string,
  settings: Partial<EngineSettings> = {},
  diagnostics: DiagnosticsOptions = {},
  options: EngineOptions = {},
): Promise<EngineNode> {
  return startEngine(net, address, settings, {
    ...options,
    diagnostics: fakeDiagnostics(net, address, diagnostics),
  });
}
