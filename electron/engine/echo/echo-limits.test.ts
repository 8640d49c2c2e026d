import { describe, expect, it } from 'vitest';
import {
  DOCTOR_LIMITS,
  ECHO_LIMITS as CONTRACT_ECHO_LIMITS,
  SWEEP_LIMITS,
} from '../../../shared/contract';
import { validateRequest } from '../../../shared/contract';
import { startDiagnosedEngine } from './testing/diagnostics-node';
import { FakeClock } from '../testing/fake-clock';
import { FakeNetwork } from '../testing/fake-network';
import { runDoctor } from '../diagnostics/doctor';
import { TrafficLog } from '../diagnostics/traffic-log';
import { runEcho } from '../run-echo';
import { ECHO_LIMITS, planEcho } from './echo-request';

/**
 * The contract (shared/contract/limits.ts) mirrors the engine's limits because shared/ cannot
 * import the engine. These tests keep the copy honest: what the contract lets through, the
 * engine accepts, and what the engine refuses, the contract already rejects.
 */
describe('contract limits agree with the engine', () => {
  it('echo: the same numbers', () => {
    expect(CONTRACT_ECHO_LIMITS).toEqual(ECHO_LIMITS);
  });

  it('echo: the contract and planEcho agree at every bound', () => {
    const L = ECHO_LIMITS;
    const cases = [
      { count: L.maxCount },
      { count: L.maxCount + 1 },
      { mode: 'ipmsg', count: L.maxIpmsgCount },
      { mode: 'ipmsg', count: L.maxIpmsgCount + 1 },
      { intervalMs: L.minIntervalMs },
      { intervalMs: L.minIntervalMs / 2 },
      { intervalMs: L.maxIntervalMs },
      { intervalMs: L.maxIntervalMs + 1 },
      { mode: 'ipmsg', intervalMs: L.minIpmsgIntervalMs },
      { mode: 'ipmsg', intervalMs: L.minIpmsgIntervalMs - 1 },
      { timeoutMs: 1 },
      { timeoutMs: 0.5 },
      { timeoutMs: L.maxTimeoutMs },
      { timeoutMs: L.maxTimeoutMs + 1 },
      { size: 1 },
      { size: 0 },
      { size: L.maxSize },
      { size: L.maxSize + 1 },
      { probeBack: L.maxProbeBack },
      { probeBack: L.maxProbeBack + 1 },
      { mode: 'raw', probeBack: 1 },
      { to: '10.0.0.2:65535' },
      { to: '10.0.0.2:65536' },
      { to: '10.0.0.256' },
    ] as const;
    for (const c of cases) {
      const request = { to: '10.0.0.2', ...c };
      const contract = validateRequest('echo:start', request).ok;
      const engine = planEcho(request, 2425).ok;
      expect(contract, JSON.stringify(c)).toBe(engine);
    }
  });

  it('size sweep: the bounds the contract allows run, the ones it rejects fail', async () => {
    const net = new FakeNetwork(new FakeClock());
    const a = await startDiagnosedEngine(net, '10.0.0.1');
    await startDiagnosedEngine(net, '10.0.0.2');
    const cases = [
      { tries: SWEEP_LIMITS.maxTries },
      { tries: SWEEP_LIMITS.maxTries + 1 },
      { timeoutMs: SWEEP_LIMITS.minTimeoutMs },
      { timeoutMs: SWEEP_LIMITS.minTimeoutMs - 1 },
      { timeoutMs: SWEEP_LIMITS.maxTimeoutMs + 1 },
      { max: SWEEP_LIMITS.maxSize + 1 },
      { min: SWEEP_LIMITS.minSize - 1 },
      { min: 900, max: 800 },
    ];
    for (const c of cases) {
      const request = { to: '10.0.0.2', min: 64, max: 128, ...c };
      const contract = validateRequest('echo:sweep', request).ok;
      const pending = a.engine.handlers['echo:sweep'](request);
      await net.clock.advance(60_000);
      const result = await pending;
      expect(result.state !== 'failed', `${JSON.stringify(c)}: ${result.error ?? ''}`).toBe(
        contract,
      );
    }
  });

  it('doctor: the contract rejects exactly what the doctor would clamp', async () => {
    const asked: { count: number; timeoutMs: number }[] = [];
    const net = new FakeNetwork(new FakeClock());
    const { engine } = await startDiagnosedEngine(net, '10.0.0.1');
    await startDiagnosedEngine(net, '10.0.0.2');
    const doctor = async (count: number, timeoutMs: number) => {
      const report = runDoctor(
        { to: '10.0.0.2', count, timeoutMs, skipBroadcast: true },
        {
          clock: net.clock,
          settings: () => engine.settings(),
          isRunning: () => true,
          portConflict: () => undefined,
          local: () => ({ address: '0.0.0.0', port: 2425 }),
          interfaces: () => engine.handlers['diag:interfaces']().interfaces,
          routeTo: () => Promise.resolve({ sourceAddress: '10.0.0.1', interface: 'eth0' }),
          tcpProbe: () => Promise.resolve({ state: 'open', ms: 1 }),
          linkLayer: () => 'unknown',
          findPeer: () => undefined,
          traffic: new TrafficLog(),
          echo: (r) => {
            asked.push({ count: r.count, timeoutMs: r.timeoutMs });
            return runEcho(engine, { ...r, intervalMs: 100 });
          },
          reach: (r) => engine.handlers['echo:reach'](r),
        },
      );
      await net.clock.advance(60_000);
      return report;
    };
    const L = DOCTOR_LIMITS;
    for (const [count, timeoutMs] of [
      [L.maxCount, L.minTimeoutMs],
      [L.maxCount + 5, L.minTimeoutMs - 10],
      [1, L.maxTimeoutMs + 1000],
    ] as const) {
      await doctor(count, timeoutMs);
      const used = asked.at(-1);
      const valid = validateRequest('diag:doctor', { to: '10.0.0.2', count, timeoutMs }).ok;
      expect(used?.count === count && used.timeoutMs === timeoutMs).toBe(valid);
    }
    expect(asked.map((a) => a.count)).toEqual([L.maxCount, L.maxCount, 1]);
    expect(asked.map((a) => a.timeoutMs)).toEqual([L.minTimeoutMs, L.minTimeoutMs, L.maxTimeoutMs]);
  });
});
