import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_CHANNELS, createRequestHandler } from '../../shared/contract';
import type { AppSettings } from '../../shared/contract';
import { createEngineHandlers } from './engine-handlers';
import { FakeEngine } from './testing/fake-engine';

const dirs: string[] = [];
afterEach(() => {
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
});
