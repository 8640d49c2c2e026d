import { describe, expect, it } from 'vitest';
import type { EchoResult, EchoStats } from '../model';
import { EVENT_CHANNELS, isEventChannel, type ContractEvent } from './events';
import { eventLine, resultLine } from './json-lines';

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

describe('event channels', () => {
  it('lists every channel once, and recognises only those', () => {
    expect(new Set(EVENT_CHANNELS).size).toBe(EVENT_CHANNELS.length);
    for (const c of EVENT_CHANNELS) expect(isEventChannel(c)).toBe(true);
    for (const bad of ['message', 'chat', 'chat:', '__proto__', 'toString', 42, null])
      expect(isEventChannel(bad)).toBe(false);
    // The ones the UI depends on for the fixes of this contract.
    expect(EVENT_CHANNELS).toEqual(
      expect.arrayContaining([
        'chat:message',
        'chat:delivery',
        'chat:unread',
        'echo:started',
        'ui:open-conversation',
        'engine:stopped',
      ]),
    );
  });
});

describe('JSON lines (pigeon --json)', () => {
  it('prints an event as {event, payload} and survives JSON both ways', () => {
    const e: ContractEvent = { channel: 'echo:done', payload: result };
    const line = JSON.stringify(eventLine(e));
    expect(JSON.parse(line)).toEqual({ event: 'echo:done', payload: result });
  });

  it('prints an answer as {channel, id, result}; id only when a request had one', () => {
    expect(resultLine('chat:send', { ok: true, value: { ids: ['a-1'] } }, 7)).toEqual({
      channel: 'chat:send',
      id: 7,
      result: { ok: true, value: { ids: ['a-1'] } },
    });
    expect(resultLine('peers:list', { ok: true, value: [] })).toEqual({
      channel: 'peers:list',
      result: { ok: true, value: [] },
    });
    expect(
      resultLine(null, { ok: false, error: { code: 'bad-json', message: 'x' } }, null),
    ).toEqual({
      channel: null,
      id: null,
      result: { ok: false, error: { code: 'bad-json', message: 'x' } },
    });
  });
});
