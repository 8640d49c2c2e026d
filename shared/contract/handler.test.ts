import { describe, expect, it, vi } from 'vitest';
import type { ChatMessage, Peer } from '../model';
import { createRequestHandler } from './handler';
import type { Handlers } from './handler';
import { ContractError } from './result';
import type { AppSettings } from './settings';

const settings: AppSettings = {
  nick: 'me',
  group: '',
  user: 'me',
  host: 'box',
  bind: '127.0.0.1',
  port: 2425,
  broadcast: [],
  unicastHosts: [],
  language: 'system',
  theme: 'system',
  away: false,
  awayMessage: '',
  doNotDisturb: false,
  notifications: true,
  startAtLogin: false,
  minimizeToTray: true,
};

const message: ChatMessage = {
  id: 'm1',
  peerId: '127.0.0.2:2425',
  direction: 'out',
  text: 'hi',
  at: 1,
  broadcast: false,
  delivery: { state: 'queued' },
};

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  return {
    'app:info': () => ({
      version: '0.1.0',
      settings,
      firstRun: false,
      suggested: { nick: 'me', group: 'box' },
      shell: 'browser',
      settingsProblems: [],
    }),
    'settings:get': () => settings,
    'settings:update': (patch) => ({
      settings: { ...settings, ...patch },
      restartRequired: 'port' in patch,
    }),
    'peers:list': () => [] as Peer[],
    'peers:refresh': () => null,
    'peers:add': () => null,
    'chat:conversations': () => [{ peerId: message.peerId, last: message, unread: 0 }],
    'chat:history': () => ({ messages: [message], more: false, newer: false }),
    'chat:send': ({ to }) => ({ ids: to.map((t) => `${message.id}-${t}`) }),
    'chat:broadcast': ({ text }) => ({ ...message, text, broadcast: true }),
    'chat:retry': () => {
      throw new ContractError('not-found', 'no such message');
    },
    'chat:cancel-queued': () => null,
    'chat:redirect-queued': () => ({ moved: [{ from: 'm1', to: 'm2' }] }),
    'chat:mark-read': () => null,
    'chat:open-sealed': () => ({ ...message, direction: 'in', sealed: { openedAt: 2 } }),
    'echo:start': () => ({ runId: '0000beef' }),
    'echo:stop': () => ({ stopped: true }),
    'echo:sweep': ({ to }) => ({
      runId: '1',
      mode: 'pigeon',
      target: { address: to, port: 2425 },
      state: 'done',
      largestPassing: 1472,
      smallestFailing: 1473,
      path: { interface: 'eth0', sourceAddress: '10.0.0.1', mtu: 1500, unfragmentedMax: 1472 },
      fragmented: false,
      steps: [],
      appliedLimit: null,
    }),
    'echo:reach': () => ({
      runId: '2',
      mode: 'pigeon',
      startedAt: 1,
      durationMs: 1,
      state: 'done',
      targets: [],
      interfaces: [],
      elsewhere: [],
    }),
    'diag:doctor': () => {
      throw new ContractError('not-running', 'Pigeon is not running');
    },
    'diag:interfaces': () => ({
      at: 1,
      bind: '0.0.0.0',
      port: 2425,
      broadcastTargets: [],
      unicastHosts: [],
      interfaces: [],
    }),
    'diag:bundle': ({ redact }) => ({ text: redact ? 'x.x.x.x' : '10.0.0.1' }),
    'files:list': () => [],
    'files:choose': () => [],
    'files:offer': ({ picks }) => ({ offerId: '7', transferIds: picks.map((p) => `t-${p}`) }),
    'files:accept': () => null,
    'files:decline': () => null,
    'files:cancel': () => null,
    'files:retry': () => null,
    'files:open': () => null,
    'history:search': () => [],
    'history:export': () => ({ text: '' }),
    'history:delete': () => ({ deleted: 0 }),
    'history:pin': () => null,
    ...overrides,
  };
}

describe('createRequestHandler', () => {
  it('validates, calls the handler with the validated copy, wraps the value', async () => {
    const send = vi.fn(({ to }: { to: string[] }) => ({
      ids: to.map((t) => `${message.id}-${t}`),
    }));
    const handle = createRequestHandler(handlers({ 'chat:send': send }));
    const r = await handle('chat:send', { to: ['127.0.0.2:2425'], text: 'hi' });
    expect(r).toEqual({ ok: true, value: { ids: ['m1-127.0.0.2:2425'] } });
    expect(send).toHaveBeenCalledWith({ to: ['127.0.0.2:2425'], text: 'hi' });
  });

  it('never calls a handler for an invalid request', async () => {
    const add = vi.fn(() => null);
    const handle = createRequestHandler(handlers({ 'peers:add': add }));
    const r = await handle('peers:add', { address: 'evil' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(add).not.toHaveBeenCalled();
    expect(await handle('fs:read', {})).toMatchObject({ error: { code: 'unknown-channel' } });
  });

  it('turns thrown errors and rejections into envelopes', async () => {
    const onHandlerError = vi.fn();
    const handle = createRequestHandler(
      handlers({
        'peers:refresh': () => {
          throw new Error('socket closed');
        },
        'peers:list': () =>
          Promise.reject(Object.assign(new Error('busy'), { code: 'EADDRINUSE' })),
        'settings:get': () => {
          throw 'a string';
        },
      }),
      { onHandlerError },
    );
    expect(await handle('chat:retry', { messageId: 'x' })).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'no such message' },
    });
    expect(await handle('peers:refresh', null)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'socket closed' },
    });
    expect(await handle('peers:list', null)).toMatchObject({ error: { code: 'EADDRINUSE' } });
    expect(await handle('settings:get', null)).toMatchObject({ error: { message: 'a string' } });
    expect(onHandlerError).toHaveBeenCalledTimes(4);
  });

  it('answers null for handlers that return nothing', async () => {
    const handle = createRequestHandler(
      handlers({ 'peers:refresh': (() => undefined) as unknown as Handlers['peers:refresh'] }),
    );
    expect(await handle('peers:refresh', undefined)).toEqual({ ok: true, value: null });
  });

  it('produces envelopes that survive JSON', async () => {
    const handle = createRequestHandler(handlers());
    const replies = [
      await handle('app:info', null),
      await handle('settings:update', { port: 2426 }),
      await handle('chat:send', { to: ['127.0.0.2:2425', '127.0.0.3'], text: '你好 😀' }),
      await handle('chat:broadcast', { text: 'all' }),
      await handle('chat:retry', { messageId: 'x' }),
      await handle('nope', null),
      await handle('peers:add', { address: '1.2.3' }),
      await handle('peers:refresh', null),
      await handle('echo:start', { to: '10.0.0.2', count: 3 }),
      await handle('echo:sweep', { to: '10.0.0.2:2425' }),
      await handle('diag:doctor', { to: '10.0.0.2' }),
      await handle('diag:bundle', { redact: true }),
    ];
    for (const r of replies) expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});
