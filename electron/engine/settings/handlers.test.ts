import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  REQUEST_CHANNELS,
  createRequestHandler,
  engineEventToContract,
} from '../../shared/contract';
import type { AppSettings, ContractEvent } from '../../shared/contract';
import type { EchoResult } from '../../shared/model';
import { Engine } from './engine';
import { createEngineHandlers } from './engine-handlers';
import { FakeEngine } from './testing/fake-engine';
import { testSettings } from './testing/engine-harness';

const dirs: string[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(firstRun = true) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-handlers-'));
  dirs.push(dataDir);
  const engine = new FakeEngine();
  const changed: AppSettings[] = [];
  const read: string[] = [];
  const handlers = createEngineHandlers({
    engine,
    dataDir,
    shell: 'electron',
    firstRun,
    onSettingsChanged: (s) => changed.push(s),
    onMarkRead: (peerId) => read.push(peerId),
  });
  const call = createRequestHandler(handlers);
  return { engine, dataDir, handlers, call, changed, read };
}

describe('engine handlers', () => {
  it('cover every request channel', () => {
    const { handlers } = setup();
    expect(Object.keys(handlers).sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it('describe the app, first run included', async () => {
    const { call } = setup();
    expect(await call('app:info', null)).toMatchObject({
      ok: true,
      value: {
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        firstRun: true,
        shell: 'electron',
        suggested: { nick: 'alice', group: 'box' },
        settings: { nick: 'alice', group: 'R&D', port: 2425, language: 'system', theme: 'system' },
      },
    });
  });

  it('apply nick and group at once and save everything, flagging network changes', async () => {
    const { call, engine, dataDir, changed } = setup();
    const reply = await call('settings:update', { nick: 'Alice', theme: 'dark', port: 2426 });
    expect(reply).toMatchObject({
      ok: true,
      value: { settings: { nick: 'Alice', theme: 'dark', port: 2426 }, restartRequired: true },
    });
    expect(engine.calls).toContain('updateSettings {"nick":"Alice"}');
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8'))).toMatchObject({
      nick: 'Alice',
      theme: 'dark',
      port: 2426,
    });
    expect(changed).toHaveLength(1);
    expect(await call('app:info', null)).toMatchObject({ value: { firstRun: false } });

    const again = await call('settings:update', { group: 'Ops' });
    expect(again).toMatchObject({ value: { restartRequired: true } });
    const same = await call('settings:update', { port: 2425 });
    expect(same).toMatchObject({ value: { restartRequired: false } });
  });

  it('map chat and peer requests to the engine', async () => {
    const { call, engine, read } = setup();
    await call('peers:refresh', null);
    await call('peers:add', { address: '10.0.0.9' });
    await call('chat:broadcast', { text: 'all' });
    await call('chat:mark-read', { peerId: '10.0.0.2:2425' });
    expect(await call('chat:retry', { messageId: 'm1' })).toMatchObject({ ok: true });
    expect(await call('chat:retry', { messageId: 'm404' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await call('chat:history', { peerId: '10.0.0.2:2425' })).toMatchObject({
      ok: true,
      value: [{ id: 'm1' }],
    });
    expect(engine.calls).toEqual([
      'refresh',
      'announceTo 10.0.0.9',
      'broadcast all',
      'retry m1',
      'retry m404',
    ]);
    expect(read).toEqual(['10.0.0.2:2425']);
  });

  it('map echo and diagnostics requests to the engine', async () => {
    const { call, engine } = setup(false);
    const events: ContractEvent[] = [];
    engine.subscribe((e) => {
      const c = engineEventToContract(e);
      if (c) events.push(c);
    });
    expect(await call('echo:start', { to: '10.0.0.2' })).toEqual({
      ok: false,
      error: { code: 'not-running', message: 'Pigeon is not running' },
    });
    await engine.start();

    const started = await call('echo:start', { to: '10.0.0.2:2425', count: 3, intervalMs: 50 });
    expect(started).toMatchObject({ ok: true, value: { runId: expect.any(String) } });
    const runId = started.ok ? (started.value as { runId: string }).runId : '';
    await new Promise((r) => setTimeout(r, 5));
    expect(events.map((e) => e.channel)).toEqual(['echo:progress', 'echo:done']);
    const done = events[1]?.payload as EchoResult;
    expect(done).toMatchObject({ runId, state: 'done', stats: { sent: 3, received: 3 } });
    expect(await call('echo:stop', { runId })).toEqual({ ok: true, value: { stopped: false } });

    const second = await call('echo:start', { to: '10.0.0.3', mode: 'raw', count: 2 });
    const id2 = second.ok ? (second.value as { runId: string }).runId : '';
    expect(await call('echo:stop', { runId: id2 })).toEqual({ ok: true, value: { stopped: true } });

    expect(await call('echo:sweep', { to: '10.0.0.2' })).toMatchObject({
      ok: true,
      value: { state: 'done', largestPassing: 1472, smallestFailing: 1473, fragmented: false },
    });
    expect(await call('echo:reach', {})).toMatchObject({
      ok: true,
      value: { interfaces: [{ name: 'eth0', responders: [{ address: '10.0.0.2' }] }] },
    });
    const doctor = await call('diag:doctor', { to: '10.0.0.9', count: 2, skipBroadcast: true });
    expect(doctor).toMatchObject({
      ok: true,
      value: {
        target: { address: '10.0.0.9', port: 2425 },
        verdicts: [{ code: 'silent', severity: 'problem' }],
      },
    });
    const verdict = doctor.ok ? (doctor.value as { verdicts: { text: object }[] }).verdicts[0] : {};
    expect(verdict).toMatchObject({
      text: { en: expect.stringContaining('10.0.0.9'), 'zh-CN': expect.stringContaining('应答') },
    });
    expect(await call('diag:interfaces', null)).toMatchObject({
      ok: true,
      value: { interfaces: [{ name: 'eth0', broadcast: '10.0.0.255', announced: true }] },
    });
    expect(await call('diag:bundle', { redact: true })).toEqual({
      ok: true,
      value: { text: expect.not.stringContaining('10.0.0.1') },
    });
    expect(engine.calls.filter((c) => !c.startsWith('startEcho'))).toEqual([
      'start',
      `cancelEcho ${runId}`,
      `cancelEcho ${id2}`,
      'sizeSweep 10.0.0.2',
      'broadcastReach pigeon',
      'doctor 10.0.0.9',
      'diagnosticsBundle redact',
    ]);
  });

  it('never reach the engine with a malformed echo request', async () => {
    const { call, engine } = setup(false);
    await engine.start();
    for (const [channel, payload] of [
      ['echo:start', { to: 'alice.local' }],
      ['echo:start', { to: '10.0.0.2', count: 0 }],
      ['echo:start', { to: '10.0.0.2', mode: 'ipmsg', intervalMs: 10 }],
      ['echo:sweep', { to: '10.0.0.2:99999' }],
      ['diag:doctor', { to: '' }],
      ['diag:bundle', { redact: 'please' }],
    ] as const) {
      expect(await call(channel, payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid-request' },
      });
    }
    expect(engine.calls).toEqual(['start']);
  });

  it('run a real echo, doctor and interfaces report between two engines on loopback', async () => {
    // Real UDP on 127.0.0.x only: explicit broadcast targets, no TCP listener, no interface poll.
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const make = (address: string, peer: string) => {
      const engine = new Engine(
        testSettings(address, { bind: address, port, broadcast: [peer], nick: address }),
        { tcp: false, entryRepeatMs: 0, diagnostics: { watchIntervalMs: 0 } },
      );
      engines.push(engine);
      return engine;
    };
    const a = make('127.0.0.61', '127.0.0.62');
    const b = make('127.0.0.62', '127.0.0.61');
    await b.start();
    await a.start();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-handlers-'));
    dirs.push(dataDir);
    const call = createRequestHandler(
      createEngineHandlers({ engine: a, dataDir, shell: 'browser', firstRun: false }),
    );
    const seen: ContractEvent[] = [];
    a.subscribe((e) => {
      const c = engineEventToContract(e);
      if (c) seen.push(c);
    });
    const done = new Promise<EchoResult>((resolve) =>
      a.subscribe((e) => {
        if (e.type === 'echo-done') resolve(e.result);
      }),
    );

    const started = await call('echo:start', {
      to: `127.0.0.62:${port}`,
      count: 5,
      intervalMs: 10,
      timeoutMs: 1000,
      size: 200,
    });
    expect(started).toMatchObject({ ok: true });
    const result = await done;
    expect(result).toMatchObject({
      state: 'done',
      mode: 'pigeon',
      size: 200,
      target: { address: '127.0.0.62', port },
      stats: { sent: 5, received: 5, loss: 0 },
    });
    expect(seen.some((e) => e.channel === 'echo:progress')).toBe(true);
    expect(seen.at(-1)).toMatchObject({ channel: 'echo:done', payload: { state: 'done' } });

    const doctor = await call('diag:doctor', {
      to: `127.0.0.62:${port}`,
      count: 2,
      timeoutMs: 500,
      skipBroadcast: true,
    });
    expect(doctor).toMatchObject({
      ok: true,
      value: { forward: { mode: 'pigeon', stats: { received: 2 } } },
    });
    const interfaces = await call('diag:interfaces', null);
    expect(interfaces).toMatchObject({
      ok: true,
      value: { bind: '127.0.0.61', port, broadcastTargets: ['127.0.0.62'] },
    });
    const bundle = await call('diag:bundle', { redact: true });
    expect(bundle.ok && (bundle.value as { text: string }).text).not.toContain('127.0.0.62');
  });
});
