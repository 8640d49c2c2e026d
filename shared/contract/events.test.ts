import { describe, expect, it } from 'vitest';
import type { EchoResult, EchoStats, EngineEvent, EngineEventType } from '../model';
import { EVENT_CHANNELS, engineEventToContract } from './events';

const stats: EchoStats = {
  sent: 2,
  received: 1,
  lost: 1,
  loss: 0.5,
  duplicates: 0,
  reordered: 0,
  late: 0,
  errors: 0,
  altered: 0,
  rttMs: { min: 1, avg: 1, p50: 1, p95: 1, max: 1 },
  jitterMs: null,
};

const result: EchoResult = {
  runId: '0a0b0c0d',
  mode: 'pigeon',
  target: { address: '127.0.0.2', port: 2425 },
  count: 2,
  intervalMs: 100,
  timeoutMs: 500,
  size: 64,
  startedAt: 1,
  durationMs: 700,
  state: 'done',
  stats,
};

describe('engineEventToContract', () => {
  it('maps engine events to contract channels without the type tag', () => {
    const ready: EngineEvent = {
      type: 'ready',
      bind: '0.0.0.0',
      port: 2425,
      nick: 'n',
      group: 'g',
      user: 'u',
      host: 'h',
      broadcast: [],
    };
    expect(engineEventToContract(ready)).toEqual({
      channel: 'engine:ready',
      payload: {
        bind: '0.0.0.0',
        port: 2425,
        nick: 'n',
        group: 'g',
        user: 'u',
        host: 'h',
        broadcast: [],
      },
    });
    expect(
      engineEventToContract({
        type: 'delivery',
        messageId: 'm',
        peerId: '1.2.3.4:2425',
        delivery: { state: 'failed', code: 'no-ack', reason: 'no answer' },
      }),
    ).toEqual({
      channel: 'chat:delivery',
      payload: {
        messageId: 'm',
        peerId: '1.2.3.4:2425',
        delivery: { state: 'failed', code: 'no-ack', reason: 'no answer' },
      },
    });
    expect(engineEventToContract({ type: 'error', code: 'x', message: 'y' })).toEqual({
      channel: 'engine:error',
      payload: { code: 'x', message: 'y' },
    });
    expect(engineEventToContract({ type: 'stopped' })).toBeNull();
  });

  it('maps echo and diagnostics events to their channels', () => {
    expect(
      engineEventToContract({
        type: 'echo-progress',
        runId: result.runId,
        probes: [
          { seq: 0, kind: 'reply', rttMs: 1, bytes: 64 },
          { seq: 1, kind: 'lost' },
        ],
        stats,
      }),
    ).toEqual({
      channel: 'echo:progress',
      payload: {
        runId: result.runId,
        probes: [
          { seq: 0, kind: 'reply', rttMs: 1, bytes: 64 },
          { seq: 1, kind: 'lost' },
        ],
        stats,
      },
    });
    expect(engineEventToContract({ type: 'echo-done', result })).toEqual({
      channel: 'echo:done',
      payload: result,
    });
    expect(
      engineEventToContract({
        type: 'sweep-progress',
        runId: 'r',
        step: { size: 1472, passed: true, rttMs: 0.4 },
      }),
    ).toEqual({
      channel: 'echo:sweep-progress',
      payload: { runId: 'r', step: { size: 1472, passed: true, rttMs: 0.4 } },
    });
    expect(
      engineEventToContract({
        type: 'network-changed',
        reason: 'resume',
        added: [],
        removed: ['wlan0 10.9.0.5/16'],
        interfaces: [],
      }),
    ).toEqual({
      channel: 'diag:network-changed',
      payload: { reason: 'resume', added: [], removed: ['wlan0 10.9.0.5/16'], interfaces: [] },
    });
  });

  it('gives every event but "stopped" a channel, and every channel an event', () => {
    const samples: Record<EngineEventType, EngineEvent> = {
      ready: {
        type: 'ready',
        bind: '',
        port: 1,
        nick: '',
        group: '',
        user: '',
        host: '',
        broadcast: [],
      },
      'peer-online': { type: 'peer-online', peer: {} as never },
      'peer-offline': { type: 'peer-offline', peer: {} as never },
      'peer-changed': { type: 'peer-changed', peer: {} as never },
      message: { type: 'message' } as EngineEvent,
      delivery: { type: 'delivery', messageId: 'm', peerId: 'p', delivery: { state: 'queued' } },
      error: { type: 'error', code: 'c', message: 'm' },
      stopped: { type: 'stopped' },
      'echo-progress': { type: 'echo-progress', runId: 'r', probes: [], stats },
      'echo-done': { type: 'echo-done', result },
      'sweep-progress': { type: 'sweep-progress', runId: 'r', step: { size: 1, passed: true } },
      'network-changed': {
        type: 'network-changed',
        reason: 'addresses',
        added: [],
        removed: [],
        interfaces: [],
      },
    };
    const channels = Object.values(samples).map((e) => engineEventToContract(e)?.channel ?? null);
    expect(channels.filter((c) => c === null)).toHaveLength(1);
    expect(new Set(channels.filter((c) => c !== null)).size).toBe(EVENT_CHANNELS.length - 1);
    // 'settings:changed' comes from the host, not from the engine.
    expect(EVENT_CHANNELS.filter((c) => !channels.includes(c))).toEqual(['settings:changed']);
  });
});
