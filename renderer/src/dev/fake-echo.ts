import type { AppSettings, EventChannel, EventMap, Handlers } from '../../../shared/contract';
import type {
  DoctorReport,
  EchoMode,
  EchoProbeOutcome,
  EchoRequest,
  EchoResult,
  EchoStats,
  InterfaceInfo,
  InterfacesReport,
  Peer,
  ReachResponder,
  SweepResult,
  SweepStep,
  Verdict,
  VerdictCode,
  VerdictSeverity,
} from '../../../shared/model';
import { outcomeTexts } from '../../../shared/model/texts';

/**
 * Echo tests and diagnostics for the in-memory fake API: no network, but the same channels,
 * events and shapes as the engine, with plausible numbers. Round trips are log-normal around a
 * per-peer base (wired peers under a millisecond, Wi-Fi peers a few ms with spikes), a few
 * percent of probes are lost in short bursts, and now and then an answer is duplicated.
 */
export type EchoHandlers = Pick<
  Handlers,
  | 'echo:start'
  | 'echo:stop'
  | 'echo:sweep'
  | 'echo:reach'
  | 'diag:doctor'
  | 'diag:interfaces'
  | 'diag:bundle'
>;

interface FakeEchoDeps {
  emit: <E extends EventChannel>(channel: E, payload: EventMap[E]) => void;
  peers: () => ReadonlyMap<string, Peer>;
  settings: () => AppSettings;
}

interface Link {
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

const LOCAL_INTERFACES = [
  { name: 'eth0', address: '192.168.1.57', netmask: '255.255.255.0', internal: false, mtu: 1500 },
  {
    name: 'wlan0',
    address: '192.168.31.120',
    netmask: '255.255.255.0',
    internal: false,
    mtu: 1500,
  },
  { name: 'docker0', address: '172.17.0.1', netmask: '255.255.0.0', internal: false, mtu: 1500 },
  { name: 'lo', address: '127.0.0.1', netmask: '255.0.0.0', internal: true, mtu: 65536 },
];

/** A deterministic PRNG per run, so a screenshot shows the same kind of run each time. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function prefixOf(netmask: string): number {
  return netmask
    .split('.')
    .map((o) => Number(o).toString(2).split('1').length - 1)
    .reduce((a, b) => a + b, 0);
}

function toInt(ip: string): number {
  return ip.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function maskInt(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function inSubnet(address: string, network: string, prefix: number): boolean {
  const m = maskInt(prefix);
  return (toInt(address) & m) >>> 0 === (toInt(network) & m) >>> 0;
}

function percentile(sorted: readonly number[], p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? 0;
  return a + (b - a) * (rank - lo);
}

interface Probe {
  seq: number;
  rtt?: number;
  lost?: boolean;
}

function statsOf(probes: readonly Probe[], sent: number, duplicates: number, reordered: number) {
  const rtts: number[] = [];
  let lost = 0;
  for (const p of probes) {
    if (p.rtt !== undefined) rtts.push(p.rtt);
    else if (p.lost) lost++;
  }
  const sorted = [...rtts].sort((a, b) => a - b);
  const decided = rtts.length + lost;
  let jitter: number | null = null;
  const inOrder = probes.filter((p) => p.rtt !== undefined).sort((a, b) => a.seq - b.seq);
  if (inOrder.length > 1) {
    let total = 0;
    for (let i = 1; i < inOrder.length; i++)
      total += Math.abs((inOrder[i]?.rtt ?? 0) - (inOrder[i - 1]?.rtt ?? 0));
    jitter = round3(total / (inOrder.length - 1));
  }
  const stats: EchoStats = {
    sent,
    received: rtts.length,
    lost,
    loss: decided ? lost / decided : 0,
    duplicates,
    reordered,
    late: 0,
    errors: 0,
    altered: 0,
    rttMs: sorted.length
      ? {
          min: round3(sorted[0] ?? 0),
          avg: round3(sorted.reduce((a, b) => a + b, 0) / sorted.length),
          p50: round3(percentile(sorted, 50)),
          p95: round3(percentile(sorted, 95)),
          max: round3(sorted[sorted.length - 1] ?? 0),
        }
      : null,
    jitterMs: jitter,
  };
  return stats;
}

export function createFakeEcho({ emit, peers, settings }: FakeEchoDeps): EchoHandlers {
  const runs = new Map<string, () => void>();
  let runSeq = 0;
  const newRunId = () => (0x5a000000 + ++runSeq * 7919).toString(16).padStart(8, '0');

  const split = (to: string, mode: EchoMode | 'sweep'): { address: string; port: number } => {
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

  const sample = (link: Link, rand: () => number) => {
    // Box-Muller normal, then log-normal around the base; rare spikes as on a busy Wi-Fi.
    const u = Math.max(rand(), 1e-9);
    const v = rand();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    const spike = rand() < 0.03 ? 4 + rand() * 10 : 1;
    return round3(link.base * Math.exp(link.sigma * z) * spike);
  };

  const startEcho = (request: EchoRequest): { runId: string } => {
    const mode = request.mode ?? 'pigeon';
    const target = split(request.to, mode);
    const count = request.count ?? 5;
    const intervalMs = request.intervalMs ?? 1000;
    const timeoutMs = request.timeoutMs ?? 2000;
    const size = mode === 'ipmsg' ? 96 : (request.size ?? 64);
    const probeBack = request.probeBack ?? 0;
    const link = linkTo(target.address);
    const answers = link.answers[mode] && size <= link.maxSize;
    const runId = newRunId();
    const rand = mulberry32(hash(runId));
    const peer = peerAt(target.address);
    const startedAt = Date.now();
    const probes: Probe[] = [];
    let pending: EchoProbeOutcome[] = [];
    let sent = 0;
    let duplicates = 0;
    let reordered = 0;
    let burst = 0;
    let finished = false;
    const timers = new Set<number>();
    const later = (ms: number, fn: () => void) => {
      const h = window.setTimeout(() => {
        timers.delete(h);
        fn();
      }, ms);
      timers.add(h);
    };
    const reverse = probeBack
      ? {
          requested: probeBack,
          granted: answers ? probeBack : null,
          received: 0,
          duplicates: 0,
          loss: null as number | null,
        }
      : undefined;

    emit('echo:started', {
      runId,
      target: { ...target, ...(peer ? { peerId: peer.id, nick: peer.nick } : {}) },
      mode,
      count,
      intervalMs,
      timeoutMs,
      size,
      probeBack,
      startedAt,
    });

    const flush = () => {
      if (pending.length === 0) return;
      emit('echo:progress', {
        runId,
        probes: pending,
        stats: statsOf(probes, sent, duplicates, reordered),
        ...(reverse ? { reverse: { ...reverse } } : {}),
      });
      pending = [];
    };
    const flusher = window.setInterval(flush, 100);

    const finish = (state: EchoResult['state']) => {
      if (finished) return;
      finished = true;
      for (const h of timers) window.clearTimeout(h);
      window.clearInterval(flusher);
      flush();
      runs.delete(runId);
      if (reverse && reverse.granted) reverse.loss = 1 - reverse.received / reverse.granted;
      emit('echo:done', {
        runId,
        mode,
        target: { ...target, ...(peer ? { peerId: peer.id, nick: peer.nick } : {}) },
        count,
        intervalMs,
        timeoutMs,
        size,
        startedAt,
        durationMs: Date.now() - startedAt,
        state,
        stats: statsOf(probes, sent, duplicates, reordered),
        ...(reverse ? { reverse: { ...reverse } } : {}),
      });
    };

    let lastAnswered = -1;
    const send = (seq: number) => {
      if (finished) return;
      sent++;
      const probe: Probe = { seq };
      probes.push(probe);
      if (burst > 0) burst--;
      else if (rand() < link.loss) burst = 1 + Math.floor(rand() * 3);
      const rtt = sample(link, rand);
      if (answers && burst === 0 && rtt < timeoutMs) {
        later(rtt, () => {
          probe.rtt = rtt;
          if (seq < lastAnswered) reordered++;
          lastAnswered = Math.max(lastAnswered, seq);
          pending.push({ seq, kind: 'reply', rttMs: rtt, bytes: size });
          if (rand() < 0.004) {
            duplicates++;
            pending.push({ seq, kind: 'duplicate', rttMs: round3(rtt + 0.2) });
          }
        });
      } else {
        later(timeoutMs, () => {
          probe.lost = true;
          pending.push({ seq, kind: 'lost' });
        });
      }
      if (reverse && reverse.granted && seq < probeBack && rand() > link.loss) {
        later(rtt / 2 + 5, () => {
          reverse.received++;
          pending.push({ seq, kind: 'reverse', bytes: size });
        });
      }
      if (seq + 1 < count) later(intervalMs, () => send(seq + 1));
      else later(timeoutMs + 10, () => finish('done'));
    };
    later(0, () => send(0));
    runs.set(runId, () => finish('cancelled'));
    return { runId };
  };

  const interfacesNow = (): InterfaceInfo[] => {
    const s = settings();
    const targets = s.broadcast;
    return LOCAL_INTERFACES.map((i) => {
      const prefix = prefixOf(i.netmask);
      const network = toIp((toInt(i.address) & maskInt(prefix)) >>> 0);
      const broadcast = toIp((toInt(network) | (~maskInt(prefix) >>> 0)) >>> 0);
      return {
        name: i.name,
        address: i.address,
        netmask: i.netmask,
        prefix,
        broadcast,
        subnet: `${network}/${prefix}`,
        internal: i.internal,
        mtu: i.mtu,
        announced: targets.length
          ? targets.some((t) => t === broadcast || inSubnet(t, i.address, prefix))
          : !i.internal,
        listening: s.bind === '0.0.0.0' || s.bind === i.address,
      };
    });
  };

  const interfacesReport = (): InterfacesReport => {
    const s = settings();
    const interfaces = interfacesNow();
    return {
      at: Date.now(),
      bind: s.bind,
      port: s.port,
      broadcastTargets: s.broadcast.length
        ? [...s.broadcast]
        : interfaces.filter((i) => !i.internal).map((i) => i.broadcast),
      unicastHosts: [...s.unicastHosts],
      interfaces,
    };
  };

  const sweep = async (to: string, mode: 'pigeon' | 'raw', min: number, max: number) => {
    const target = split(to, mode);
    const link = linkTo(target.address);
    const limit = link.answers[mode] ? link.maxSize : 0;
    const runId = newRunId();
    const rand = mulberry32(hash(runId));
    const steps: SweepStep[] = [];
    let cancelled = false;
    runs.set(runId, () => (cancelled = true));
    const test = async (size: number) => {
      await new Promise((r) => window.setTimeout(r, size <= limit ? 160 : 900));
      const step: SweepStep = {
        size,
        passed: size <= limit,
        ...(size <= limit ? { rttMs: round3(sample(link, rand) * (1 + size / 6000)) } : {}),
      };
      steps.push(step);
      emit('echo:sweep-progress', { runId, step });
      return step.passed;
    };
    let lo: number | null = null;
    let hi: number | null = null;
    if (await test(min)) {
      lo = min;
      for (const h of [1472, 1473].filter((n) => n > min && n <= max)) {
        if (cancelled) break;
        if (await test(h)) lo = h;
        else {
          hi = h;
          break;
        }
      }
      if (hi === null && lo < max && !cancelled) {
        if (await test(max)) lo = max;
        else hi = max;
      }
      while (hi !== null && lo !== null && hi - lo > 1 && !cancelled) {
        const mid = Math.floor((lo + hi) / 2);
        if (await test(mid)) lo = mid;
        else hi = mid;
      }
    } else hi = min;
    runs.delete(runId);
    const result: SweepResult = {
      runId,
      mode,
      target,
      state: cancelled ? 'cancelled' : 'done',
      largestPassing: lo,
      smallestFailing: hi,
      path: {
        interface: target.address.startsWith('10.') ? 'eth0' : 'eth0',
        sourceAddress: '192.168.1.57',
        mtu: 1500,
        unfragmentedMax: 1472,
      },
      fragmented: lo === null ? null : lo > 1472,
      steps,
      appliedLimit: mode === 'pigeon' && lo !== null && hi !== null && lo < 1400 ? lo : null,
    };
    return result;
  };

  const doctor = async (to: string): Promise<DoctorReport> => {
    const started = Date.now();
    const target = split(to, 'pigeon');
    const { address, port } = target;
    const peer = peerAt(address);
    const link = linkTo(address);
    const interfaces = interfacesNow();
    const matches = interfaces
      .filter((i) => !i.internal && inSubnet(address, i.address, i.prefix))
      .map((i) => ({ interface: i.name, subnet: i.subnet }));
    const guess = `${toIp((toInt(address) & maskInt(24)) >>> 0)}/24`;
    const inUnicastHosts = settings().unicastHosts.some((h) => {
      const [net = '', bits] = h.split('/');
      return bits === undefined ? h === address : inSubnet(address, net, Number(bits));
    });
    await new Promise((r) => window.setTimeout(r, 2600));
    const rand = mulberry32(hash(address));
    const rtts = Array.from({ length: 4 }, () => sample(link, rand));
    const answered = link.answers.ipmsg;
    const mode: EchoMode = peer?.client === 'pigeon' || !peer ? 'pigeon' : 'ipmsg';
    const probes: Probe[] = rtts.map((rtt, seq) =>
      answered && !(peer?.client === 'ipmsg' && seq % 2 === 1) ? { seq, rtt } : { seq, lost: true },
    );
    const stats = statsOf(probes, 4, 0, 0);
    const tcpBlocked = peer?.client === 'iptux';
    const inboundBlocked = peer?.nick === 'Bob Smith';
    const reverse =
      mode === 'pigeon' && answered
        ? { requested: 4, granted: 4, received: inboundBlocked ? 0 : 4, duplicates: 0, loss: 0 }
        : null;
    const base = { address, port };
    const findings: Verdict[] = [];
    if (!answered) {
      if (matches.length === 0)
        findings.push(verdict('different-subnet-silent', 'problem', { ...base, subnet: guess }));
      else if (peer && !peer.online) findings.push(verdict('firewall-somewhere', 'problem', base));
      else findings.push(verdict('silent', 'problem', base));
    } else {
      if (inboundBlocked) findings.push(verdict('our-inbound-blocked', 'problem', base));
      if (matches.length === 0 && !inUnicastHosts)
        findings.push(verdict('different-subnet', 'warning', { ...base, subnet: guess }));
      if (tcpBlocked) findings.push(verdict('tcp-blocked', 'warning', base));
      if (stats.loss >= 0.2)
        findings.push(verdict('lossy', 'warning', { ...base, loss: Math.round(stats.loss * 100) }));
      if (findings.length === 0)
        findings.push(verdict('ok', 'ok', { ...base, rtt: stats.rttMs?.p50 ?? '?', mode }));
    }
    return {
      target: {
        ...target,
        ...(peer ? { peerId: peer.id, nick: peer.nick, client: peer.client } : {}),
      },
      at: started,
      durationMs: Date.now() - started,
      local: {
        bind: settings().bind,
        port: settings().port,
        portInUse: false,
        route: { sourceAddress: '192.168.1.57', interface: 'eth0' },
        interfaces,
      },
      subnet: {
        same: matches.length > 0,
        matches,
        guess,
        inUnicastHosts,
      },
      lastSeen: peer
        ? {
            at: peer.lastSeen,
            agoMs: started - peer.lastSeen,
            packets: 12,
            mode: 'ANSENTRY',
          }
        : { at: null, agoMs: null, packets: 0, mode: null },
      heardDuring: answered ? 1 : 0,
      broadcast: {
        tried: true,
        mode: mode === 'pigeon' ? 'pigeon' : 'ipmsg',
        reached: answered && matches.length > 0,
      },
      forward: { mode, stats },
      reverse,
      tcp: {
        port,
        state: !answered ? 'timeout' : tcpBlocked ? 'timeout' : 'open',
        ms: tcpBlocked || !answered ? 1500 : 1,
      },
      linkLayer:
        matches.length === 0
          ? 'unknown'
          : peer && !peer.online
            ? 'present'
            : answered
              ? 'present'
              : 'absent',
      verdicts: findings,
    };
  };

  return {
    'echo:start': (request) => startEcho(request),
    'echo:stop': ({ runId }) => {
      const cancel = runs.get(runId);
      cancel?.();
      return { stopped: cancel !== undefined };
    },
    'echo:sweep': (request) =>
      sweep(request.to, request.mode ?? 'pigeon', request.min ?? 64, request.max ?? 8192),
    'echo:reach': async (request) => {
      const mode = request.mode ?? 'pigeon';
      const timeoutMs = request.timeoutMs ?? 1500;
      const startedAt = Date.now();
      await new Promise((r) => window.setTimeout(r, Math.min(timeoutMs, 1500)));
      const interfaces = interfacesNow().filter((i) => !i.internal);
      const rand = mulberry32(startedAt);
      const responders: ReachResponder[] = [...peers().values()]
        .filter((p) => p.online && (mode === 'ipmsg' || p.client === 'pigeon'))
        .map((p) => ({
          address: p.address,
          port: p.port,
          rttMs: round3(sample(linkTo(p.address), rand)),
          nick: p.nick,
          client: p.client,
          via: interfaces
            .filter((i) => inSubnet(p.address, i.address, i.prefix))
            .map((i) => i.broadcast),
        }))
        .sort((a, b) => a.rttMs - b.rttMs);
      const report = interfacesReport();
      return {
        runId: newRunId(),
        mode,
        startedAt,
        durationMs: Date.now() - startedAt,
        state: 'done',
        targets: report.broadcastTargets.map((target) => {
          const iface = interfaces.find((i) => i.broadcast === target);
          return {
            target,
            interface: iface?.name ?? null,
            responders: responders.filter((r) => r.via.includes(target)).map((r) => r.address),
          };
        }),
        interfaces: interfaces.map((i) => ({
          name: i.name,
          address: i.address,
          subnet: i.subnet,
          broadcast: i.broadcast,
          announced: i.announced,
          responders: i.announced
            ? responders.filter((r) => inSubnet(r.address, i.address, i.prefix))
            : [],
        })),
        elsewhere: [],
      };
    },
    'diag:doctor': ({ to }) => doctor(to),
    'diag:interfaces': () => interfacesReport(),
    'diag:bundle': ({ redact }) => ({
      text: bundle(interfacesReport(), [...peers().values()], redact === true),
    }),
  };
}

function verdict(
  code: VerdictCode,
  severity: VerdictSeverity,
  params: Record<string, string | number>,
): Verdict {
  // The engine's own sentences (shared/model), so the demo says exactly what the app says.
  return { code, severity, params, text: outcomeTexts({ code, params }) };
}

function bundle(report: InterfacesReport, peers: Peer[], redact: boolean): string {
  const names = new Map<string, string>();
  const hide = (text: string) =>
    redact
      ? text.replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, (ip) => {
          if (!names.has(ip)) names.set(ip, `<addr-${names.size + 1}>`);
          return names.get(ip) ?? ip;
        })
      : text;
  const lines = [
    'Pigeon diagnostics bundle',
    `version 0.1.0-demo, browser demo, ${new Date().toISOString()}`,
    '',
    '== Settings ==',
    `bind ${report.bind}:${report.port}`,
    `broadcast targets ${report.broadcastTargets.join(', ') || '-'}`,
    `unicast hosts ${report.unicastHosts.join(', ') || '-'}`,
    '',
    '== Interfaces ==',
    ...report.interfaces.map(
      (i) =>
        `${i.name.padEnd(10)} ${i.address}/${i.prefix}  mask ${i.netmask}  brd ${i.broadcast}  mtu ${i.mtu ?? '?'}` +
        `${i.internal ? '  internal' : ''}${i.announced ? '  announced' : ''}`,
    ),
    '',
    '== Peers ==',
    ...peers
      .slice(0, 40)
      .map(
        (p) =>
          `${`${p.address}:${p.port}`.padEnd(22)} ${p.client.padEnd(7)} ${p.online ? 'online ' : 'offline'} ${redact ? '<name>' : p.nick}`,
      ),
  ];
  return hide(lines.join('\n'));
}
