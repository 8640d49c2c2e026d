import { diagnosticsBundle } from '../../../shared/diagnostics/bundle';
import type {
  DoctorReport,
  DoctorRequest,
  EngineEvent,
  EngineSettings,
  InterfacesReport,
  Peer,
} from '../../../shared/model';
import type { Ipv4Interface } from '../../../shared/net/ipv4';
import { Mode, modeOf, type WirePacket } from '../../../shared/protocol';
import type { Clock } from '../clock';
import { EchoService } from '../echo/echo-service';
import type { PROBE_BACK_LIMITS } from '../echo/probe-back';
import { listIpv4Interfaces } from '../network-interfaces';
import { UdpTransport, type Datagram, type DatagramTransport } from '../transport';
import { PIGEON_VERSION } from '../version';
import type { Wire } from '../wire';
import { runDoctor } from './doctor';
import {
  interfacesReport,
  linkLayerPresence,
  linkMtu,
  routeTo,
  type RouteInfo,
} from './interfaces-report';
import { NetworkWatch } from './network-watch';
import { tcpProbe, type TcpProbeResult } from './tcp-probe';
import { TrafficLog } from './traffic-log';

/**
 * Everything the engine does for echo tests and network diagnostics, behind one object so the
 * engine only routes packets here and forwards a handful of calls. Every system probe (sockets,
 * interface list, routes, TCP, ARP) is injectable, so engines on a FakeNetwork can be diagnosed.
 */
export interface DiagnosticsOptions {
  openSocket?: () => DatagramTransport;
  listInterfaces?: () => Ipv4Interface[];
  routeTo?: (address: string) => Promise<RouteInfo>;
  tcpProbe?: (address: string, port: number, timeoutMs: number) => Promise<TcpProbeResult>;
  linkLayer?: (address: string) => 'present' | 'absent' | 'unknown';
  linkMtu?: (name: string) => number | null;
  /** Interface poll period; 0 turns the network watch off (default 5000 ms). */
  watchIntervalMs?: number;
  probeBackLimits?: Partial<typeof PROBE_BACK_LIMITS>;
  /** The port this engine wanted but another program holds (the CLI then runs on another). */
  portConflict?: number;
}

export interface DiagnosticsHost {
  clock: Clock;
  /** High-resolution ms. */
  now: () => number;
  wire: Wire;
  settings(): EngineSettings;
  isRunning(): boolean;
  local(): { address: string; port: number };
  buildEntry(): Uint8Array;
  broadcastTargets(): string[];
  findPeer(address: string, port?: number): Peer | undefined;
  peers(): Peer[];
  emit(e: EngineEvent): void;
  setPeerMaxDatagram(address: string, bytes: number | undefined): number | null;
  refresh(): void;
  stats(): Record<string, number>;
}

export class EngineDiagnostics {
  readonly echo: EchoService;
  readonly traffic = new TrafficLog();
  private readonly watch: NetworkWatch;
  private readonly doctorReports: DoctorReport[] = [];
  private readonly listInterfaces: () => Ipv4Interface[];
  private readonly mtu: (name: string) => number | null;

  constructor(
    private readonly host: DiagnosticsHost,
    private readonly options: DiagnosticsOptions = {},
  ) {
    this.listInterfaces = options.listInterfaces ?? listIpv4Interfaces;
    this.mtu = options.linkMtu ?? linkMtu;
    this.echo = new EchoService(
      {
        clock: host.clock,
        now: host.now,
        wire: host.wire,
        settings: () => host.settings(),
        isRunning: () => host.isRunning(),
        buildEntry: () => host.buildEntry(),
        broadcastTargets: () => host.broadcastTargets(),
        findPeer: (a, p) => host.findPeer(a, p),
        emit: (e) => host.emit(e),
        setPeerMaxDatagram: (a, n) => host.setPeerMaxDatagram(a, n),
        openSocket: options.openSocket ?? (() => new UdpTransport()),
        interfaces: () => this.interfaces().interfaces,
        routeTo: (a) => this.routeTo(a),
        linkMtu: (name) => this.mtu(name),
      },
      options.probeBackLimits ? { probeBackLimits: options.probeBackLimits } : {},
    );
    this.watch = new NetworkWatch({
      clock: host.clock,
      list: this.listInterfaces,
      ...(options.watchIntervalMs !== undefined ? { intervalMs: options.watchIntervalMs } : {}),
      onChange: (change) => {
        // The broadcast targets follow the interfaces when they are the defaults: announce anew.
        host.refresh();
        host.emit({ type: 'network-changed', ...change, interfaces: this.interfaces().interfaces });
      },
    });
  }

  start(): void {
    this.watch.start();
  }

  stop(): void {
    this.watch.stop();
    this.echo.stop();
  }

  /** Every datagram that is not our own, before the engine handles it. */
  observe(p: WirePacket, d: Datagram): void {
    const mode = modeOf(p.command);
    // Round trips end here, before the engine's dispatch and the probe's decoding.
    if (mode === Mode.PIGEON_ECHO_REPLY) this.echo.noteArrival(this.host.now());
    this.traffic.record(d.address, d.port, p.command, d.bytes.length, this.host.clock.now());
    if (mode === Mode.ANSENTRY) this.echo.onAnsEntry(d);
  }

  /** The shell heard of a wake from sleep or a network change: check and re-announce. */
  networkChanged(reason?: 'resume'): void {
    this.watch.poke(reason);
  }

  interfaces(): InterfacesReport {
    const s = this.host.settings();
    return interfacesReport(
      {
        bind: s.bind,
        port: this.host.local().port || s.port,
        broadcastTargets: this.host.broadcastTargets(),
        unicastHosts: s.unicastHosts,
        now: this.host.clock.now(),
      },
      this.listInterfaces(),
      this.mtu,
    );
  }

  async doctor(request: DoctorRequest): Promise<DoctorReport> {
    const report = await runDoctor(request, {
      clock: this.host.clock,
      settings: () => this.host.settings(),
      isRunning: () => this.host.isRunning(),
      portConflict: () => this.options.portConflict,
      local: () => this.host.local(),
      interfaces: () => this.interfaces().interfaces,
      routeTo: (a) => this.routeTo(a),
      tcpProbe: this.options.tcpProbe ?? tcpProbe,
      linkLayer: this.options.linkLayer ?? ((a) => linkLayerPresence(a)),
      findPeer: (a, p) => this.host.findPeer(a, p),
      traffic: this.traffic,
      echo: (r) => this.echo.echo(r),
      reach: (r) => this.echo.reach(r),
    });
    this.doctorReports.push(report);
    if (this.doctorReports.length > 10) this.doctorReports.shift();
    return report;
  }

  bundle(options: { redact?: boolean } = {}): string {
    return diagnosticsBundle(
      {
        version: PIGEON_VERSION,
        platform: `${process.platform} ${process.arch}`,
        node: process.version,
        at: this.host.clock.now(),
        settings: this.host.settings(),
        interfaces: this.interfaces(),
        stats: this.host.stats(),
        peers: this.host.peers(),
        traffic: this.traffic.recent(),
        echoRuns: this.echo.results(),
        doctor: [...this.doctorReports],
      },
      options,
    );
  }

  private routeTo(address: string): Promise<RouteInfo> {
    return this.options.routeTo
      ? this.options.routeTo(address)
      : routeTo(address, 9, this.listInterfaces, this.host.settings().bind);
  }
}
