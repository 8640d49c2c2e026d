import type { AppSettings } from '../../../shared/contract';
import { describeInterface } from '../../../shared/diagnostics/interface-info';
import type { InterfaceInfo, InterfacesReport, Peer } from '../../../shared/model';
import { directedBroadcast, inSubnet, type Ipv4Interface } from '../../../shared/protocol/address';

/**
 * The demo's simulated LAN: this machine's interfaces, the route to an address, and the link to
 * each sample peer (round trips, loss, the largest datagram that gets through, who answers which
 * echo). Only the network is made up; what the app computes from it (interface reports, subnet
 * maths) is the engine's own code from shared/.
 */
export interface Link {
  /** Median round trip, ms. */
  base: number;
  /** Log-normal spread. */
  sigma: number;
  /** Chance a probe starts a burst of loss. */
  loss: number;
  /** Largest UDP payload that gets through (fragments dropped beyond the MTU when 1472). */
  maxSize: number;
  answers: { pigeon: boolean; ipmsg: boolean; raw: boolean };
}

function nic(name: string, address: string, netmask: string, internal = false): Ipv4Interface {
  return { name, address, netmask, broadcast: directedBroadcast(address, netmask) ?? '', internal };
}

/** The demo machine's interfaces, as the OS would list them, and their link MTUs. */
const LOCAL_INTERFACES: Ipv4Interface[] = [
  nic('eth0', '192.168.1.57', '255.255.255.0'),
  nic('wlan0', '192.168.31.120', '255.255.255.0'),
  nic('docker0', '172.17.0.1', '255.255.0.0'),
  nic('lo', '127.0.0.1', '255.0.0.0', true),
];
const MTU: Record<string, number> = { eth0: 1500, wlan0: 1500, docker0: 1500, lo: 65536 };
const linkMtu = (name: string): number | null => MTU[name] ?? null;

/** A deterministic PRNG per run, so a screenshot shows the same kind of run each time. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export const delay = (ms: number) => new Promise((resolve) => window.setTimeout(resolve, ms));

export interface FakeLan {
  peerAt(address: string): Peer | undefined;
  /** "host" or "host:port", the port defaulting as the engine's does. */
  split(to: string, mode: 'pigeon' | 'ipmsg' | 'raw'): { address: string; port: number };
  linkTo(address: string): Link;
  /** One round trip over `link`, ms. */
  sample(link: Link, rand: () => number): number;
  interfaces(): InterfaceInfo[];
  interfacesReport(): InterfacesReport;
  routeTo(address: string): {
    sourceAddress: string | null;
    interface: string | null;
    iface: InterfaceInfo | undefined;
  };
}

export function createFakeLan(deps: {
  peers: () => ReadonlyMap<string, Peer>;
  settings: () => AppSettings;
}): FakeLan {
  const { peers, settings } = deps;
  const split: FakeLan['split'] = (to, mode) => {
    const [address = '', port] = to.split(':');
    return { address, port: port ? Number(port) : mode === 'raw' ? 7 : settings().port };
  };

  const peerAt = (address: string): Peer | undefined => {
    for (const p of peers().values()) if (p.address === address) return p;
    return undefined;
  };

  const linkTo = (address: string): Link => {
    const peer = peerAt(address);
    const r = mulberry32(hash(address));
    if (address.startsWith('10.')) {
      // Another subnet across a router: slower, but answers.
      return {
        base: 2.2 + r(),
        sigma: 0.25,
        loss: 0.01,
        maxSize: 1472,
        answers: { pigeon: true, ipmsg: true, raw: true },
      };
    }
    if (!peer) {
      return {
        base: 1,
        sigma: 0.2,
        loss: 0,
        maxSize: 0,
        answers: { pigeon: false, ipmsg: false, raw: false },
      };
    }
    const wifi = peer.client === 'feiq' || peer.away || /nb|mbp|laptop/i.test(peer.host);
    const online = peer.online;
    return {
      base: wifi ? 3.5 + r() * 3 : 0.35 + r() * 0.5,
      sigma: wifi ? 0.55 : 0.3,
      loss: wifi ? 0.012 : 0.004,
      maxSize: wifi ? 1472 : 8192,
      answers: {
        pigeon: online && peer.client === 'pigeon',
        ipmsg: online,
        raw: online && peer.client === 'pigeon',
      },
    };
  };

  const sample = (link: Link, rand: () => number): number => {
    // Box-Muller normal, then log-normal around the base; rare spikes as on a busy Wi-Fi.
    const u = Math.max(rand(), 1e-9);
    const v = rand();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    const spike = rand() < 0.03 ? 4 + rand() * 10 : 1;
    return round3(link.base * Math.exp(link.sigma * z) * spike);
  };

  /** The demo's default broadcast targets: each external interface's directed broadcast. */
  const broadcastTargets = (): string[] => {
    const configured = settings().broadcast;
    return configured.length
      ? [...configured]
      : LOCAL_INTERFACES.filter((i) => !i.internal).map((i) => i.broadcast);
  };

  const interfaces = (): InterfaceInfo[] => {
    const ctx = { bind: settings().bind, broadcastTargets: broadcastTargets() };
    return LOCAL_INTERFACES.map((i) => describeInterface(i, ctx, linkMtu));
  };

  const interfacesReport = (): InterfacesReport => {
    const s = settings();
    return {
      at: Date.now(),
      bind: s.bind,
      port: s.port,
      broadcastTargets: broadcastTargets(),
      unicastHosts: [...s.unicastHosts],
      interfaces: interfaces(),
    };
  };

  /** The kernel's choice: the interface on the target's subnet, else the default route. */
  const routeTo: FakeLan['routeTo'] = (address) => {
    const all = interfaces();
    const iface =
      all.find((i) => !i.internal && inSubnet(address, i.address, i.prefix)) ??
      all.find((i) => i.name === 'eth0');
    return { sourceAddress: iface?.address ?? null, interface: iface?.name ?? null, iface };
  };

  return { peerAt, split, linkTo, sample, interfaces, interfacesReport, routeTo };
}
