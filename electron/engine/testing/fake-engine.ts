import type {
  ChatMessage,
  DoctorReport,
  DoctorRequest,
  EchoRequest,
  EchoResult,
  EngineEvent,
  EngineSettings,
  InterfacesReport,
  Peer,
  ReachRequest,
  ReachResult,
  SweepRequest,
  SweepResult,
} from '../../../shared/model';
import { systemClock } from '../clock';
import { runDoctor } from '../diagnostics/doctor';
import { interfacesReport } from '../diagnostics/interfaces-report';
import { TrafficLog } from '../diagnostics/traffic-log';
import { planEcho } from '../echo/echo-request';
import { computeStats, type ProbeRecord } from '../../../shared/diagnostics/echo-stats';
import type { EchoStart, EngineApi, SendRequest } from '../engine-api';
import type { Ipv4Interface } from '../../../shared/net/ipv4';

const NO_COUNTERS = { duplicates: 0, reordered: 0, late: 0, altered: 0 };

/**
 * An EngineApi that records calls and lets a test push events, for testing the shell's wiring
 * without sockets. The real engine has its own tests in electron/core.
 *
 * Echo and diagnostics are simulated without a network: probes to an address in `answering`
 * come back in `rttMs`, all others are lost; a run ends on the next macrotask (or when
 * cancelled before that). Requests are checked with the engine's own planEcho, and the doctor is
 * the real one over these simulated probes.
 */
export class FakeEngine implements EngineApi {
  readonly calls: string[] = [];
  /** Addresses that answer echo probes, broadcasts and TCP. */
  readonly answering = new Set<string>(['10.0.0.2']);
  rttMs = 1;
  interfaceList: Ipv4Interface[] = [
    {
      name: 'eth0',
      address: '10.0.0.1',
      netmask: '255.255.255.0',
      broadcast: '10.0.0.255',
      internal: false,
    },
  ];
  private readonly activeRuns = new Map<string, () => void>();
  private runSeq = 0;
  readonly listeners = new Set<(event: EngineEvent) => void>();
  startError: Error | undefined;
  running = false;
  current: EngineSettings;

  constructor(settings: Partial<EngineSettings> = {}) {
    this.current = {
      nick: 'alice',
      group: 'R&D',
      user: 'alice',
      host: 'box',
      bind: '127.0.0.1',
      port: 2425,
      broadcast: [],
      unicastHosts: [],
      legacyEncoding: 'gb18030',
      dataDir: '/tmp/none',
      answerEcho: true,
      ...settings,
    };
  }

  start(): Promise<void> {
    this.calls.push('start');
    if (this.startError) return Promise.reject(this.startError);
    this.running = true;
    return Promise.resolve();
  }
  stop(): Promise<void> {
    this.calls.push('stop');
    this.running = false;
    this.emit({ type: 'stopped' });
    return Promise.resolve();
  }
  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: EngineEvent): void {
    for (const l of this.listeners) l(event);
  }
  settings(): EngineSettings {
    return { ...this.current };
  }
  updateSettings(patch: Partial<Pick<EngineSettings, 'nick' | 'group'>>): void {
    this.calls.push(`updateSettings ${JSON.stringify(patch)}`);
    this.current = { ...this.current, ...patch };
  }
  peers(): Peer[] {
    return [];
  }
  refresh(): void {
    this.calls.push('refresh');
  }
  announceTo(address: string, port?: number): void {
    this.calls.push(`announceTo ${address} ${port ?? ''}`.trim());
  }
  send(request: SendRequest): ChatMessage[] {
    this.calls.push(`send ${request.to.join(',')} ${request.text}`);
    return request.to.map((peerId, i) => outgoing(`m${i}`, peerId, request.text));
  }
  broadcastText(text: string): ChatMessage {
    this.calls.push(`broadcast ${text}`);
    return { ...outgoing('b1', '*', text), broadcast: true };
  }
  retry(messageId: string): ChatMessage | undefined {
    this.calls.push(`retry ${messageId}`);
    return messageId === 'm1' ? outgoing('m1', '10.0.0.2:2425', 'again') : undefined;
  }
  conversation(peerId: string): ChatMessage[] {
    return [outgoing('m1', peerId, 'hi')];
  }

  conversationList(): { peerId: string; last: ChatMessage }[] {
    return [{ peerId: '10.0.0.2:2425', last: outgoing('m1', '10.0.0.2:2425', 'hi') }];
  }

  // ---- echo and diagnostics, simulated ----------------------------------------------------------

  startEcho(request: EchoRequest): EchoStart {
    this.calls.push(`startEcho ${request.to} ${request.mode ?? 'pigeon'}`);
    const planned = planEcho(request, this.current.port);
    if (!planned.ok) return planned;
    const plan = planned.value;
    if (plan.mode !== 'raw' && !this.running) return { ok: false, error: 'Pigeon is not running' };
    const runId = (++this.runSeq).toString(16).padStart(8, '0');
    const startedAt = Date.now();
    const answers = this.answering.has(plan.address);
    let resolve: (r: EchoResult) => void = () => undefined;
    const done = new Promise<EchoResult>((r) => (resolve = r));
    const finish = (state: 'done' | 'cancelled') => {
      this.activeRuns.delete(runId);
      const records: ProbeRecord[] =
        state === 'cancelled'
          ? []
          : Array.from({ length: plan.count }, (_, seq) =>
              answers ? { seq, rttMs: this.rttMs } : { seq, lost: true },
            );
      const stats = computeStats(records, NO_COUNTERS);
      if (records.length) {
        this.emit({
          type: 'echo-progress',
          runId,
          probes: records.map((r) =>
            r.rttMs !== undefined
              ? { seq: r.seq, kind: 'reply', rttMs: r.rttMs, bytes: plan.size }
              : { seq: r.seq, kind: 'lost' },
          ),
          stats,
        });
      }
      const result: EchoResult = {
        runId,
        mode: plan.mode,
        target: { address: plan.address, port: plan.port },
        count: plan.count,
        intervalMs: plan.intervalMs,
        timeoutMs: plan.timeoutMs,
        size: plan.size,
        startedAt,
        durationMs: Date.now() - startedAt,
        state,
        stats,
        ...(plan.probeBack
          ? {
              reverse: {
                requested: plan.probeBack,
                granted: answers ? plan.probeBack : null,
                received: answers ? plan.probeBack : 0,
                duplicates: 0,
                loss: answers ? 0 : null,
              },
            }
          : {}),
      };
      this.emit({ type: 'echo-done', result });
      resolve(result);
    };
    const timer = setTimeout(() => finish('done'), 0);
    this.activeRuns.set(runId, () => {
      clearTimeout(timer);
      finish('cancelled');
    });
    return { ok: true, runId, done };
  }

  /** Like the engine: never rejects; a request it cannot run gives a failed result. */
  echo(request: EchoRequest): Promise<EchoResult> {
    const started = this.startEcho(request);
    if (started.ok) return started.done;
    return Promise.resolve({
      runId: '',
      mode: request.mode ?? 'pigeon',
      target: { address: request.to, port: 0 },
      count: request.count ?? 0,
      intervalMs: request.intervalMs ?? 0,
      timeoutMs: request.timeoutMs ?? 0,
      size: 0,
      startedAt: Date.now(),
      durationMs: 0,
      state: 'failed',
      error: started.error,
      stats: computeStats([], NO_COUNTERS),
    });
  }

  cancelEcho(runId: string): boolean {
    this.calls.push(`cancelEcho ${runId}`);
    const cancel = this.activeRuns.get(runId);
    cancel?.();
    return cancel !== undefined;
  }

  /** Everything up to one Ethernet frame passes to an answering address, nothing beyond. */
  sizeSweep(request: SweepRequest): Promise<SweepResult> {
    this.calls.push(`sizeSweep ${request.to}`);
    const [address = '', port = String(this.current.port)] = request.to.split(':');
    const min = request.min ?? 64;
    const max = request.max ?? 8192;
    const limit = this.answering.has(address) ? 1472 : 0;
    const sizes = [...new Set([min, 1472, 1473, max])].filter((n) => n >= min && n <= max);
    const steps = sizes.map((size) => ({ size, passed: size <= limit }));
    const passing = steps.filter((s) => s.passed).map((s) => s.size);
    const failing = steps.filter((s) => !s.passed).map((s) => s.size);
    const runId = (++this.runSeq).toString(16).padStart(8, '0');
    for (const step of steps) this.emit({ type: 'sweep-progress', runId, step });
    return Promise.resolve({
      runId,
      mode: request.mode ?? 'pigeon',
      target: { address, port: Number(port) },
      state: 'done',
      largestPassing: passing.length ? Math.max(...passing) : null,
      smallestFailing: failing.length ? Math.min(...failing) : null,
      path: { interface: 'eth0', sourceAddress: '10.0.0.1', mtu: 1500, unfragmentedMax: 1472 },
      fragmented: passing.length ? Math.max(...passing) > 1472 : null,
      steps,
      appliedLimit: null,
    });
  }

  broadcastReach(request: ReachRequest = {}): Promise<ReachResult> {
    this.calls.push(`broadcastReach ${request.mode ?? 'pigeon'}`);
    const report = this.interfaces();
    const responder = (address: string) => ({
      address,
      port: this.current.port,
      rttMs: 1,
      via: [],
    });
    const inSubnetOf = (address: string, i: Ipv4Interface) =>
      address.split('.').slice(0, 3).join('.') === i.address.split('.').slice(0, 3).join('.');
    return Promise.resolve({
      runId: (++this.runSeq).toString(16).padStart(8, '0'),
      mode: request.mode ?? 'pigeon',
      startedAt: Date.now(),
      durationMs: 0,
      state: 'done',
      targets: report.broadcastTargets.map((target) => ({
        target,
        interface: null,
        responders: [...this.answering],
      })),
      interfaces: this.interfaceList.map((i, n) => ({
        name: i.name,
        address: i.address,
        subnet: report.interfaces[n]?.subnet ?? '',
        broadcast: i.broadcast,
        announced: report.interfaces[n]?.announced ?? false,
        responders: [...this.answering].filter((a) => inSubnetOf(a, i)).map(responder),
      })),
      elsewhere: [...this.answering]
        .filter((a) => !this.interfaceList.some((i) => inSubnetOf(a, i)))
        .map(responder),
    });
  }

  /** The real doctor, over the simulated probes above. */
  doctor(request: DoctorRequest): Promise<DoctorReport> {
    this.calls.push(`doctor ${request.to}`);
    return runDoctor(
      { ...request, timeoutMs: request.timeoutMs ?? 50 },
      {
        clock: systemClock,
        settings: () => this.settings(),
        isRunning: () => this.running,
        portConflict: () => undefined,
        local: () => ({ address: this.current.bind, port: this.current.port }),
        interfaces: () => this.interfaces().interfaces,
        routeTo: () => Promise.resolve({ sourceAddress: '10.0.0.1', interface: 'eth0' }),
        tcpProbe: (address) =>
          Promise.resolve(
            this.answering.has(address) ? { state: 'open', ms: 1 } : { state: 'timeout', ms: 50 },
          ),
        linkLayer: () => 'unknown',
        findPeer: () => undefined,
        traffic: new TrafficLog(),
        echo: (r) => this.echo({ ...r, intervalMs: Math.max(r.intervalMs, 100) }),
        reach: (r) => this.broadcastReach(r),
      },
    );
  }

  interfaces(): InterfacesReport {
    const broadcastTargets = this.current.broadcast.length
      ? [...this.current.broadcast]
      : this.interfaceList.filter((i) => !i.internal).map((i) => i.broadcast);
    return interfacesReport(
      {
        bind: this.current.bind,
        port: this.current.port,
        broadcastTargets,
        unicastHosts: this.current.unicastHosts,
        now: Date.now(),
      },
      this.interfaceList,
      () => 1500,
    );
  }

  diagnosticsBundle(options: { redact?: boolean } = {}): string {
    this.calls.push(`diagnosticsBundle${options.redact ? ' redact' : ''}`);
    const report = this.interfaces();
    const lines = report.interfaces.map((i) =>
      options.redact ? `${i.name} x.x.x.x/${i.prefix}` : `${i.name} ${i.address}/${i.prefix}`,
    );
    return ['Pigeon diagnostics bundle (fake engine)', ...lines].join('\n');
  }

  networkChanged(reason?: 'resume'): void {
    this.calls.push(`networkChanged ${reason ?? ''}`.trim());
  }

  setPeerMaxDatagram(address: string, bytes: number | undefined): number | null {
    this.calls.push(`setPeerMaxDatagram ${address} ${bytes ?? ''}`.trim());
    return bytes === undefined ? null : bytes;
  }
}

function outgoing(id: string, peerId: string, text: string): ChatMessage {
  return {
    id,
    peerId,
    direction: 'out',
    text,
    at: 1,
    broadcast: false,
    delivery: { state: 'queued' },
  };
}
