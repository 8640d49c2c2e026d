import type { EventChannel, EventMap, Handlers } from '../../../shared/contract';
import {
  computeStats,
  ReorderCounter,
  type ProbeRecord,
} from '../../../shared/diagnostics/echo-stats';
import { sweepSizes } from '../../../shared/diagnostics/size-sweep';
import type {
  EchoProbeOutcome,
  EchoRequest,
  EchoResult,
  EchoStats,
  Peer,
  ReachResponder,
  SweepResult,
} from '../../../shared/model';
import { inSubnet } from '../../../shared/protocol/address';
import { delay, mulberry32, hash, round3, type FakeLan } from './fake-network';

/**
 * Echo runs, size sweeps and broadcast reach for the in-memory fake API: the same channels,
 * events and shapes as the engine, over the demo's simulated LAN (fake-network.ts). The
 * statistics and the sweep's search are the engine's own (shared/diagnostics).
 *
 * Round trips are log-normal around a per-peer base, a few percent of probes are lost in short
 * bursts, and now and then an answer is duplicated.
 */
export type EchoHandlers = Pick<Handlers, 'echo:start' | 'echo:stop' | 'echo:sweep' | 'echo:reach'>;

interface FakeEchoDeps {
  emit: <E extends EventChannel>(channel: E, payload: EventMap[E]) => void;
  peers: () => ReadonlyMap<string, Peer>;
  lan: FakeLan;
}

/** As many finished runs as the engine keeps for the diagnostics bundle. */
const KEEP_RESULTS = 20;

export function statsOf(
  probes: readonly ProbeRecord[],
  duplicates: number,
  reordered: number,
): EchoStats {
  return computeStats(probes, { duplicates, reordered, late: 0, altered: 0 });
}

export function createFakeEcho({ emit, peers, lan }: FakeEchoDeps): {
  handlers: EchoHandlers;
  /** Finished runs, oldest first, for the diagnostics bundle. */
  results(): EchoResult[];
} {
  const runs = new Map<string, () => void>();
  const results: EchoResult[] = [];
  let runSeq = 0;
  const newRunId = () => (0x5a000000 + ++runSeq * 7919).toString(16).padStart(8, '0');

  const startEcho = (request: EchoRequest): { runId: string } => {
    const mode = request.mode ?? 'pigeon';
    const target = lan.split(request.to, mode);
    const count = request.count ?? 5;
    const intervalMs = request.intervalMs ?? 1000;
    const timeoutMs = request.timeoutMs ?? 2000;
    const size = mode === 'ipmsg' ? 96 : (request.size ?? 64);
    const probeBack = request.probeBack ?? 0;
    const link = lan.linkTo(target.address);
    const answers = link.answers[mode] && size <= link.maxSize;
    const runId = newRunId();
    const rand = mulberry32(hash(runId));
    const peer = lan.peerAt(target.address);
    const startedAt = Date.now();
    const probes: ProbeRecord[] = [];
    const order = new ReorderCounter();
    let pending: EchoProbeOutcome[] = [];
    let duplicates = 0;
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

    // As the engine does: the run is told before any progress, so every window shows it.
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
        stats: statsOf(probes, duplicates, order.count),
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
      const result: EchoResult = {
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
        stats: statsOf(probes, duplicates, order.count),
        ...(reverse ? { reverse: { ...reverse } } : {}),
      };
      results.push(result);
      if (results.length > KEEP_RESULTS) results.shift();
      emit('echo:done', result);
    };

    const send = (seq: number) => {
      if (finished) return;
      const probe: ProbeRecord = { seq };
      probes.push(probe);
      if (burst > 0) burst--;
      else if (rand() < link.loss) burst = 1 + Math.floor(rand() * 3);
      const rtt = lan.sample(link, rand);
      if (answers && burst === 0 && rtt < timeoutMs) {
        later(rtt, () => {
          probe.rttMs = rtt;
          order.arrive(seq);
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

  const sweep = async (
    to: string,
    mode: 'pigeon' | 'raw',
    min: number,
    max: number,
  ): Promise<SweepResult> => {
    const target = lan.split(to, mode);
    const link = lan.linkTo(target.address);
    const limit = link.answers[mode] ? link.maxSize : 0;
    const runId = newRunId();
    const rand = mulberry32(hash(runId));
    const route = lan.routeTo(target.address);
    const mtu = route.iface?.mtu ?? null;
    const unfragmentedMax = mtu !== null ? mtu - 28 : null;
    let cancelled = false;
    runs.set(runId, () => (cancelled = true));
    const outcome = await sweepSizes({
      min,
      max,
      hints: unfragmentedMax !== null ? [unfragmentedMax, unfragmentedMax + 1] : [1472, 1473],
      cancelled: () => cancelled,
      onStep: (step) => emit('echo:sweep-progress', { runId, step }),
      probe: async (size) => {
        const passed = size <= limit;
        await delay(passed ? 160 : 900);
        return passed
          ? { passed, rttMs: round3(lan.sample(link, rand) * (1 + size / 6000)) }
          : { passed };
      },
    });
    runs.delete(runId);
    const { largestPassing: lo, smallestFailing: hi } = outcome;
    return {
      runId,
      mode,
      target,
      state: outcome.cancelled ? 'cancelled' : 'done',
      largestPassing: lo,
      smallestFailing: hi,
      path: {
        interface: route.interface,
        sourceAddress: route.sourceAddress,
        mtu,
        unfragmentedMax,
      },
      fragmented: lo !== null && unfragmentedMax !== null ? lo > unfragmentedMax : null,
      steps: outcome.steps,
      appliedLimit: mode === 'pigeon' && lo !== null && hi !== null && lo < 1400 ? lo : null,
    };
  };

  return {
    results: () => [...results],
    handlers: {
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
        await delay(Math.min(timeoutMs, 1500));
        const interfaces = lan.interfaces().filter((i) => !i.internal);
        const rand = mulberry32(startedAt);
        const responders: ReachResponder[] = [...peers().values()]
          .filter((p) => p.online && (mode === 'ipmsg' || p.client === 'pigeon'))
          .map((p) => ({
            address: p.address,
            port: p.port,
            rttMs: round3(lan.sample(lan.linkTo(p.address), rand)),
            nick: p.nick,
            client: p.client,
            via: interfaces
              .filter((i) => inSubnet(p.address, i.address, i.prefix))
              .map((i) => i.broadcast),
          }))
          .sort((a, b) => a.rttMs - b.rttMs);
        const report = lan.interfacesReport();
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
    },
  };
}
