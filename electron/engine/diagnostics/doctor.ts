import { decideVerdicts, type DoctorEvidence } from '../../../shared/diagnostics/verdicts';
import type {
  ClientKind,
  DoctorReport,
  DoctorRequest,
  EchoMode,
  EchoResult,
  EchoReverse,
  EngineSettings,
  InterfaceInfo,
  Peer,
  ReachRequest,
  ReachResult,
  SourceRefusals,
} from '../../../shared/model';
import type { Clock } from '../clock';
import { parseTarget, refuse } from '../echo/echo-request';
import { cidr, coveredBy, inSubnet } from '../../../shared/protocol';
import type { RouteInfo } from '../io/system-probes';
import type { TcpProbeResult } from '../io/tcp-probe';
import type { TrafficLog } from './traffic-log';

/**
 * "Why can't I see…?": checks one address the way a patient network admin would, then says what
 * is wrong in one sentence with the fix. Gathering (here) and judging (decideVerdicts, pure, in
 * shared/diagnostics) are apart, so every verdict can be tested from hand-made evidence.
 */
export interface DoctorDeps {
  clock: Clock;
  settings(): EngineSettings;
  isRunning(): boolean;
  /** The port this Pigeon wanted and another program holds, if any. */
  portConflict(): number | undefined;
  local(): { address: string; port: number };
  interfaces(): InterfaceInfo[];
  routeTo(address: string): Promise<RouteInfo>;
  tcpProbe(address: string, port: number, timeoutMs: number): Promise<TcpProbeResult>;
  linkLayer(address: string): 'present' | 'absent' | 'unknown';
  findPeer(address: string, port?: number): Peer | undefined;
  traffic: TrafficLog;
  echo(request: {
    to: string;
    mode: EchoMode;
    count: number;
    intervalMs: number;
    timeoutMs: number;
    probeBack?: number;
  }): Promise<EchoResult>;
  reach(request: ReachRequest): Promise<ReachResult>;
  /** What this engine's guards turned away from an address (rate limits, budgets). */
  refusedFrom?(address: string): SourceRefusals | null;
}

/** Packets from the target older than this say nothing about today's firewall. */
const RECENT_MS = 15 * 60_000;

export async function runDoctor(request: DoctorRequest, deps: DoctorDeps): Promise<DoctorReport> {
  const startedAt = deps.clock.now();
  const settings = deps.settings();
  const conflict = deps.portConflict();
  const target = parseTarget(
    typeof request.to === 'string' ? request.to : '',
    conflict ?? settings.port,
  );
  const count = Math.min(Math.max(Math.floor(request.count ?? 4), 1), 20);
  const timeoutMs = Math.min(Math.max(request.timeoutMs ?? 1000, 50), 10_000);
  const address = target.ok ? target.value.address : String(request.to);
  const port = target.ok ? target.value.port : settings.port;
  const peer = deps.findPeer(address, port) ?? deps.findPeer(address);
  const interfaces = deps.interfaces();
  const before = deps.traffic.get(address);
  const matches = interfaces
    .filter((i) => inSubnet(address, i.address, i.prefix))
    .map((i) => ({ interface: i.name, subnet: i.subnet }));
  const route = target.ok
    ? await deps.routeTo(address)
    : { sourceAddress: null, interface: null, error: target.error };
  const routeIface = interfaces.find((i) => i.name === route.interface);
  const guessPrefix =
    routeIface && routeIface.prefix >= 16 && routeIface.prefix <= 30 ? routeIface.prefix : 24;
  const subnet: DoctorReport['subnet'] = {
    same: matches.length > 0,
    matches,
    guess: target.ok ? cidr(address, guessPrefix) : '',
    inUnicastHosts: settings.unicastHosts.some((h) => coveredBy(address, h)),
  };
  const local = deps.local();

  let broadcast: DoctorReport['broadcast'] = { tried: false, mode: null, reached: null };
  let forward: DoctorReport['forward'] = null;
  let reverse: EchoReverse | null = null;
  let tcp: TcpProbeResult = { state: 'error', ms: 0, error: 'not tried' };
  const usable = target.ok && !route.error && deps.isRunning();

  if (usable) {
    const tcpCheck = deps.tcpProbe(address, port, Math.max(timeoutMs, 1500));
    const pigeon = peer?.client === 'pigeon' && peer.capabilities.echo;
    if (request.skipBroadcast) broadcast = { ...broadcast, skipped: true };
    else {
      const mode = pigeon ? 'pigeon' : 'ipmsg';
      const r = await deps.reach({ mode, timeoutMs: Math.max(timeoutMs, 1000) });
      broadcast = {
        tried: r.state === 'done',
        mode,
        reached:
          r.state === 'done'
            ? [...r.interfaces.flatMap((i) => i.responders), ...r.elsewhere].some(
                (x) => x.address === address,
              )
            : null,
      };
    }
    const to = `${address}:${port}`;
    const known = peer !== undefined && peer.client !== 'unknown';
    if (!known || peer.client === 'pigeon') {
      const r = await deps.echo({
        to,
        mode: 'pigeon',
        count,
        intervalMs: 200,
        timeoutMs,
        probeBack: count,
      });
      forward = { mode: 'pigeon', stats: r.stats };
      reverse = r.reverse ?? null;
    }
    if (!forward || forward.stats.received === 0) {
      const r = await deps.echo({ to, mode: 'ipmsg', count, intervalMs: 250, timeoutMs });
      if (!forward || r.stats.received > 0) forward = { mode: 'ipmsg', stats: r.stats };
    }
    tcp = await tcpCheck;
  }

  const after = deps.traffic.get(address);
  const heardDuring = Math.max(0, (after?.unsolicited ?? 0) - (before?.unsolicited ?? 0));
  const linkLayer = target.ok ? deps.linkLayer(address) : 'unknown';
  const now = deps.clock.now();
  const recent = before !== undefined && startedAt - before.at <= RECENT_MS;
  // Read after the checks: what the guards turned away during them counts too.
  const refused = target.ok ? (deps.refusedFrom?.(address) ?? null) : null;
  const evidence: DoctorEvidence = {
    address,
    port,
    portConflict: conflict,
    route,
    subnet,
    theyReachUs: recent || heardDuring > 0 || (reverse?.received ?? 0) > 0,
    broadcast,
    forward,
    reverse,
    tcp: tcp.state,
    linkLayer,
    refused,
  };
  const invalid = !target.ok
    ? target
    : !deps.isRunning()
      ? refuse('engine-not-running')
      : undefined;
  return {
    target: {
      address,
      port,
      ...(peer ? { peerId: peer.id, nick: peer.nick, client: peer.client as ClientKind } : {}),
    },
    at: startedAt,
    durationMs: now - startedAt,
    local: {
      bind: settings.bind,
      port: local.port,
      portInUse: conflict !== undefined,
      route,
      interfaces,
    },
    subnet,
    lastSeen: {
      at: before?.at ?? null,
      agoMs: before ? startedAt - before.at : null,
      packets: before?.packets ?? 0,
      mode: before?.mode ?? null,
    },
    heardDuring,
    broadcast,
    forward,
    reverse,
    tcp: { port, ...tcp },
    refused,
    linkLayer,
    verdicts: invalid ? [] : decideVerdicts(evidence, interfaces),
    ...(invalid ? { error: invalid.error, problem: invalid.problem } : {}),
  };
}
