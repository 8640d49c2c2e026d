import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_CHANNELS } from '../../shared/contract';
import type { ContractEvent } from '../../shared/contract';
import type { EchoResult } from '../../shared/model';
import { Engine, type EngineOptions } from './engine';
import { FakeClock } from './testing/fake-clock';
import { FakeNetwork } from './testing/fake-network';
import { loadStoredSettings } from './settings/settings-store';
import { createEngineNode, testSettings } from './testing/engine-harness';

const dirs: string[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-requests-'));
  dirs.push(dir);
  return dir;
}

/** Two engines on a fake LAN; `a` has a real data directory (settings.json lands there). */
function lan(options: EngineOptions = {}) {
  const clock = new FakeClock();
  const net = new FakeNetwork(clock);
  const dataDir = tempDir();
  const a = createEngineNode(
    net,
    '10.0.0.1',
    { nick: 'alice', group: 'R&D', dataDir },
    { ui: { shell: 'electron', firstRun: true }, ...options },
  );
  const b = createEngineNode(net, '10.0.0.2', { nick: 'bob' });
  return { clock, net, a, b, dataDir };
}

describe('the engine answers every request of the contract', () => {
  it('has a handler for every request channel, and no other', () => {
    const { a } = lan();
    expect(Object.keys(a.engine.handlers).sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it('describes the app, first run included', async () => {
    const { a } = lan();
    expect(await a.engine.request('app:info', null)).toMatchObject({
      ok: true,
      value: {
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        firstRun: true,
        shell: 'electron',
        suggested: { nick: 'tester', group: 'host-10-0-0-1' },
        settings: {
          nick: 'alice',
          group: 'R&D',
          port: 2425,
          language: 'system',
          theme: 'system',
          notifications: true,
          startAtLogin: false,
        },
      },
    });
  });

  it('applies nick and group at once, saves everything, flags network changes, tells listeners', async () => {
    const { a, b, clock, dataDir } = lan();
    await b.engine.start();
    await a.engine.start();
    await clock.flush();
    const reply = await a.engine.request('settings:update', {
      nick: 'Alice',
      theme: 'dark',
      port: 2426,
      notifications: false,
    });
    expect(reply).toMatchObject({
      ok: true,
      value: {
        settings: { nick: 'Alice', theme: 'dark', port: 2426, notifications: false },
        restartRequired: true,
      },
    });
    expect(a.engine.settings().nick).toBe('Alice');
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8'))).toMatchObject({
      nick: 'Alice',
      theme: 'dark',
      port: 2426,
      notifications: false,
    });
    expect(a.of('settings:changed')).toHaveLength(1);
    expect(await a.engine.request('app:info', null)).toMatchObject({ value: { firstRun: false } });
    // The new nick went out at once: bob sees it.
    await clock.flush();
    expect(b.peers().find((p) => p.id === a.id)?.nick).toBe('Alice');

    const again = await a.engine.request('settings:update', { group: 'Ops' });
    expect(again).toMatchObject({ value: { restartRequired: true } });
    const same = await a.engine.request('settings:update', { port: 2425 });
    expect(same).toMatchObject({ value: { restartRequired: false } });
    expect(await a.engine.request('settings:update', { nick: '   ' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect(a.engine.settings().nick).toBe('Alice');
  });

  it('keeps away, its message and do-not-disturb in settings.json: a restart reads them back', async () => {
    const { a, net, dataDir } = lan();
    await a.engine.start();
    const away = { away: true, awayMessage: '开会中\nIn a meeting', doNotDisturb: true };
    expect(await a.engine.request('settings:update', away)).toMatchObject({
      ok: true,
      value: { settings: away, restartRequired: false },
    });
    expect(a.engine.settings()).toMatchObject({ away: true, awayMessage: away.awayMessage });
    await a.engine.stop();

    // The next start, as the app and the CLI make it: what settings.json holds, defaults filled.
    const read = loadStoredSettings(dataDir);
    expect(read.problems).toEqual([]);
    expect(read.settings).toMatchObject(away);
    const next = createEngineNode(
      net,
      '10.0.0.3',
      { ...read.settings, dataDir },
      { ui: { shell: 'electron', firstRun: false } },
    );
    engines.push(next.engine);
    expect(next.engine.settings()).toMatchObject({ away: true, awayMessage: away.awayMessage });
    expect(await next.engine.request('settings:get', null)).toMatchObject({
      ok: true,
      value: away,
    });
    // Each turned off is read back off, not as a missing key at its default.
    await next.engine.request('settings:update', { away: false, doNotDisturb: false });
    expect(loadStoredSettings(dataDir).settings).toMatchObject({
      away: false,
      awayMessage: away.awayMessage,
      doNotDisturb: false,
    });
  });

  it('refuses to save over a settings file from a newer Pigeon, before changing anything', async () => {
    const { a, dataDir } = lan();
    const file = path.join(dataDir, 'settings.json');
    const content = JSON.stringify({ version: 999, nick: 'future', theme: 'dark' });
    fs.writeFileSync(file, content);
    await a.engine.start();
    const reply = await a.engine.request('settings:update', { nick: 'Alice', theme: 'light' });
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'settings-not-saved',
        message: expect.stringContaining(file),
        // The same as an outcome, for the UI's language.
        problems: [{ code: 'settings-not-saved', params: { file } }],
      },
    });
    expect(a.engine.settings().nick).toBe('alice');
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
    expect(a.of('settings:changed')).toHaveLength(0);
    // What it understands of the file is shown.
    expect(await a.engine.request('settings:get', null)).toMatchObject({
      value: { theme: 'dark' },
    });
  });

  it('passes the start-up problems to the UI, and tells one found later', async () => {
    const file = '/data/settings.json';
    const told = { code: 'settings-newer' as const, params: { file, version: 2, ours: 1 } };
    const { a, dataDir } = lan({
      ui: { shell: 'electron', firstRun: false, settingsProblems: [told] },
    });
    expect(await a.engine.request('app:info', null)).toMatchObject({
      value: { settingsProblems: [told] },
    });
    fs.writeFileSync(path.join(dataDir, 'settings.json'), '{ damaged since');
    await a.engine.request('settings:get', null);
    const corrupt = {
      code: 'settings-corrupt',
      params: { file: path.join(dataDir, 'settings.json') },
    };
    expect(a.of('engine:error')).toMatchObject([corrupt]);
    expect(await a.engine.request('app:info', null)).toMatchObject({
      value: { settingsProblems: [told, corrupt] },
    });
  });

  it('sends, tells the message before its delivery, counts unread, retries and marks read', async () => {
    const { a, b, clock } = lan();
    await b.engine.start();
    await a.engine.start();
    await clock.flush();
    const sent = await a.engine.request('chat:send', { to: [b.id], text: 'hi bob' });
    expect(sent).toMatchObject({ ok: true, value: { ids: [expect.any(String)] } });
    const id = sent.ok ? (sent.value as { ids: string[] }).ids[0] : '';
    await clock.advance(100);
    // One vocabulary, one order: the message, then its delivery updates.
    const mine = a.events.filter(
      (e) =>
        (e.channel === 'chat:message' && e.payload.message.id === id) ||
        (e.channel === 'chat:delivery' && e.payload.messageId === id),
    );
    expect(mine[0]?.channel).toBe('chat:message');
    expect(mine.slice(1).every((e) => e.channel === 'chat:delivery')).toBe(true);
    expect(mine.length).toBeGreaterThan(1);
    expect(a.message(id)?.delivery?.state).toBe('delivered');
    expect(b.received().map((m) => m.text)).toEqual(['hi bob']);
    expect(b.of('chat:unread')).toEqual([{ peerId: a.id, unread: 1, total: 1 }]);
    expect(await b.engine.request('chat:conversations', null)).toMatchObject({
      ok: true,
      value: [{ peerId: a.id, unread: 1, last: { text: 'hi bob' } }],
    });
    await b.engine.request('chat:mark-read', { peerId: a.id });
    expect(b.of('chat:unread').at(-1)).toEqual({ peerId: a.id, unread: 0, total: 0 });
    expect(await a.engine.request('chat:history', { peerId: b.id })).toMatchObject({
      ok: true,
      value: {
        messages: [{ id, text: 'hi bob', delivery: { state: 'delivered' } }],
        more: false,
      },
    });

    // Nothing failed, so there is nothing to retry.
    expect(await a.engine.request('chat:retry', { messageId: id ?? '' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    await b.engine.stop();
    const lost = a.send([b.id], 'are you there?');
    await clock.advance(10_000);
    expect(a.message(lost[0])?.delivery).toMatchObject({ state: 'failed', code: 'no-ack' });
    await b.engine.start();
    await clock.flush();
    const retried = await a.engine.request('chat:retry', { messageId: lost[0] ?? '' });
    expect(retried).toMatchObject({ ok: true, value: { id: expect.any(String) } });
    await clock.advance(100);
    const newId = retried.ok ? (retried.value as { id: string }).id : '';
    expect(newId).not.toBe(lost[0]);
    expect(a.message(newId)?.delivery?.state).toBe('delivered');
  });

  it('adds a peer by address and refreshes', async () => {
    const { a, b, clock } = lan();
    await b.engine.start();
    await a.engine.start();
    await clock.flush();
    expect(await a.engine.request('peers:add', { address: '10.0.0.2' })).toEqual({
      ok: true,
      value: null,
    });
    expect(await a.engine.request('peers:refresh', null)).toEqual({ ok: true, value: null });
    await clock.flush();
    expect(await a.engine.request('peers:list', null)).toMatchObject({
      ok: true,
      value: [{ id: b.id, nick: 'bob', online: true }],
    });
  });

  it('refuses an echo while stopped, with a code the UI can act on', async () => {
    const { a } = lan();
    expect(await a.engine.request('echo:start', { to: '10.0.0.2' })).toEqual({
      ok: false,
      error: {
        code: 'not-running',
        message: 'Pigeon is not running',
        problems: [{ code: 'engine-not-running', params: {} }],
      },
    });
  });

  it('never reaches a capability with a malformed request', async () => {
    const { a, clock } = lan();
    await a.engine.start();
    await clock.flush();
    const before = a.events.length;
    for (const [channel, payload] of [
      ['echo:start', { to: 'alice.local' }],
      ['echo:start', { to: '10.0.0.2', count: 0 }],
      ['echo:start', { to: '10.0.0.2', mode: 'ipmsg', intervalMs: 10 }],
      ['echo:sweep', { to: '10.0.0.2:99999' }],
      ['diag:doctor', { to: '' }],
      ['diag:bundle', { redact: 'please' }],
      ['chat:send', { to: ['10.0.0.2'], text: 42 }],
      ['peers:add', { address: '10.0.0.256' }],
      ['nope:never', null],
    ] as const) {
      const r = await a.engine.request(channel, payload);
      expect(r.ok, `${channel} ${JSON.stringify(payload)}`).toBe(false);
    }
    expect(a.events.length).toBe(before);
  });

  it('runs a real echo, doctor and interfaces report between two engines on loopback', async () => {
    // Real UDP on 127.0.0.x only: explicit broadcast targets, no TCP listener, no interface poll.
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const make = (address: string, peer: string) => {
      const engine = new Engine(
        testSettings(address, {
          bind: address,
          port,
          broadcast: [peer],
          nick: address,
          dataDir: tempDir(),
        }),
        { tcp: false, entryRepeatMs: 0, diagnostics: { watchIntervalMs: 0 } },
      );
      engines.push(engine);
      return engine;
    };
    const a = make('127.0.0.61', '127.0.0.62');
    const b = make('127.0.0.62', '127.0.0.61');
    await b.start();
    await a.start();
    const seen: ContractEvent[] = [];
    a.subscribe((e) => seen.push(e));
    const done = new Promise<EchoResult>((resolve) =>
      a.subscribe((e) => {
        if (e.channel === 'echo:done') resolve(e.payload);
      }),
    );

    const started = await a.request('echo:start', {
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
    const channels = seen.map((e) => e.channel).filter((c) => c.startsWith('echo:'));
    expect(channels[0]).toBe('echo:started');
    expect(channels).toContain('echo:progress');
    expect(channels.at(-1)).toBe('echo:done');

    const doctor = await a.request('diag:doctor', {
      to: `127.0.0.62:${port}`,
      count: 2,
      timeoutMs: 500,
      skipBroadcast: true,
    });
    expect(doctor).toMatchObject({
      ok: true,
      value: { forward: { mode: 'pigeon', stats: { received: 2 } } },
    });
    const interfaces = await a.request('diag:interfaces', null);
    expect(interfaces).toMatchObject({
      ok: true,
      value: { bind: '127.0.0.61', port, broadcastTargets: ['127.0.0.62'] },
    });
    const bundle = await a.request('diag:bundle', { redact: true });
    expect(bundle.ok && (bundle.value as { text: string }).text).not.toContain('127.0.0.62');
  });
});
