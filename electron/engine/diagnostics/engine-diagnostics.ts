import { diagnosticsBundle } from '../../../shared/diagnostics/bundle';
import type { DoctorReport, DoctorRequest, InterfacesReport } from '../../../shared/model';
import { Mode, modeOf, type WirePacket } from '../../../shared/protocol';
import type { EngineContext } from '../context';
import type { EchoService } from '../echo/echo-service';
import type { PROBE_BACK_LIMITS } from '../echo/probe-back';
import { listIpv4Interfaces, type Ipv4Interface } from '../io/network-interfaces';
import { linkLayerPresence, linkMtu, routeTo, type RouteInfo } from '../io/system-probes';
import type { Datagram, DatagramSocket } from '../io/udp-socket';
import type { Presence } from '../presence/presence';
import { PIGEON_VERSION } from '../version';
import { runDoctor } from './doctor';
import { interfacesReport } from '../io/interfaces-report';
import { NetworkWatch } from './network-watch';
import { tcpProbe, type TcpProbeResult } from '../io/tcp-probe';
import { TrafficLog } from './traffic-log';

/**
 * Everything the engine does for echo tests and network diagnostics, behind one object so the
 * engine only routes packets here and forwards a handful of calls. Every system probe (sockets,
 * interface list, routes, TCP, ARP) is injectable, so engines on a FakeNetwork can be diagnosed.
 */
export interface DiagnosticsOptions {
  openSocket?: () => DatagramSocket;
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

/** What diagnostics needs of presence: where we announce, and a way to announce anew. */
export type DiagnosticsPresence = Pick<Presence, 'broadcastTargets' | 'refresh'>;

export class EngineDiagnostics {
  readonly traffic = new TrafficLog();
  private readonly watch: NetworkWatch;
  private readonly doctorReports: DoctorReport[] = [];
  private readonly listInterfaces: () => Ipv4Interface[];
  private readonly mtu: (name: string) => number | null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly presence: DiagnosticsPresence,
    /** Echo runs are the doctor's probes: diagnostics uses echo, never the reverse. */
    private readonly echo: EchoService,
    private readonly stats: () => Record<string, number>,
    private readonly options: DiagnosticsOptions = {},
  ) {
    this.listInterfaces = options.listInterfaces ?? listIpv4Interfaces;
    this.mtu = options.linkMtu ?? linkMtu;
    this.watch = new NetworkWatch({
      clock: ctx.clock,
      list: this.listInterfaces,
      ...(options.watchIntervalMs !== undefined ? { intervalMs: options.watchIntervalMs } : {}),
      onChange: (change) => {
        // The broadcast targets follow the interfaces when they are the defaults: announce anew.
        presence.refresh();
        ctx.emit('diag:network-changed', { ...change, interfaces: this.interfaces().interfaces });
      },
    });
  }

  start(): void {
    this.watch.start();
  }

  stop(): void {
    this.watch.stop();
  }

  /** Every datagram that is not our own, before the engine handles it. */
  observe(p: WirePacket, d: Datagram): void {
    const mode = modeOf(p.command);
    // Round trips end here, before the engine's dispatch and the probe's decoding.
    if (mode === Mode.PIGEON_ECHO_REPLY) this.echo.noteArrival(this.ctx.now());
    this.traffic.record(d.address, d.port, p.command, d.bytes.length, this.ctx.clock.now());
    if (mode === Mode.ANSENTRY) this.echo.onAnsEntry(d);
  }

  /** The shell heard of a wake from sleep or a network change: check and re-announce. */
  networkChanged(reason?: 'resume'): void {
    this.watch.poke(reason);
  }

  interfaces(): InterfacesReport {
    const s = this.ctx.settings();
    return interfacesReport(
      {
        bind: s.bind,
        port: this.port() || s.port,
        broadcastTargets: this.presence.broadcastTargets(),
        unicastHosts: s.unicastHosts,
        now: this.ctx.clock.now(),
      },
      this.listInterfaces(),
      this.mtu,
    );
  }

  async doctor(request: DoctorRequest): Promise<DoctorReport> {
    const report = await runDoctor(request, {
      clock: this.ctx.clock,
      settings: () => this.ctx.settings(),
      isRunning: () => this.ctx.isRunning(),
      portConflict: () => this.options.portConflict,
      local: () => this.ctx.local(),
      interfaces: () => this.interfaces().interfaces,
      routeTo: (a) => this.routeTo(a),
      tcpProbe: this.options.tcpProbe ?? tcpProbe,
      linkLayer: this.options.linkLayer ?? ((a) => linkLayerPresence(a)),
      findPeer: (a, p) => this.ctx.peers.findByAddress(a, p),
      traffic: this.traffic,
      echo: (r) => this.echo.echo(r),
      reach: (r) => this.echo.reach(r),
      refusedFrom: (a) => this.ctx.refusals.from(a),
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
        at: this.ctx.clock.now(),
        settings: this.ctx.settings(),
        interfaces: this.interfaces(),
        stats: this.stats(),
        peers: this.ctx.peers.list(),
        traffic: this.traffic.recent(),
        echoRuns: this.echo.results(),
        doctor: [...this.doctorReports],
        refusals: this.ctx.refusals.report(),
      },
      options,
    );
  }

  /** The port our socket listens on; the configured one until it is bound. */
  private port(): number {
    return this.ctx.local().port || this.ctx.settings().port;
  }

  private routeTo(address: string): Promise<RouteInfo> {
    return this.options.routeTo
      ? this.options.routeTo(address)
      : routeTo(address, 9, this.listInterfaces, this.ctx.settings().bind);
  }
}
