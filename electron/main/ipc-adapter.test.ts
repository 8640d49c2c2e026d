import { describe, expect, it } from 'vitest';
import type { IpcMain } from 'electron';
import { REQUEST_CHANNELS } from '../../shared/contract';
import type { RequestHandler } from '../../shared/contract';
import { createEngineNode } from '../engine/testing/engine-harness';
import { FakeClock } from '../engine/testing/fake-clock';
import { FakeNetwork } from '../engine/testing/fake-network';
import { setupIpcAdapter } from './ipc-adapter';
import { FakeIpcMain } from './test/fake-electron';

const trusted = { trusted: true };
const untrusted = { trusted: false };

function setup(handleRequest?: RequestHandler) {
  const ipcMain = new FakeIpcMain();
  // The real engine on a fake LAN: what the adapter hands on is what the app would do.
  const engine = createEngineNode(new FakeNetwork(new FakeClock()), '10.0.0.1');
  const refused: string[] = [];
  const dispose = setupIpcAdapter({
    ipcMain: ipcMain as unknown as IpcMain,
    isTrustedSender: (event) => (event as unknown as typeof trusted).trusted,
    handleRequest: handleRequest ?? engine.engine.request,
    onRefused: (channel) => refused.push(channel),
  });
  return { ipcMain, engine, refused, dispose };
}

describe('IPC adapter', () => {
  it('registers exactly the contract’s request channels', () => {
    const { ipcMain } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it('passes trusted requests to the engine and answers with an envelope', async () => {
    const { ipcMain, engine } = setup();
    const reply = await ipcMain.invoke('chat:send', trusted, { to: ['10.0.0.2:2425'], text: 'hi' });
    expect(reply).toMatchObject({ ok: true, value: { ids: [expect.any(String)] } });
    expect(engine.of('chat:message').map((e) => e.message)).toMatchObject([
      { peerId: '10.0.0.2:2425', text: 'hi', direction: 'out' },
    ]);
  });

  it('refuses every channel to an untrusted sender, without throwing and without the engine', async () => {
    const { ipcMain, engine, refused } = setup();
    for (const channel of REQUEST_CHANNELS) {
      const reply = await ipcMain.invoke(channel, untrusted, null);
      expect(reply, channel).toEqual({
        ok: false,
        error: { code: 'untrusted-sender', message: expect.stringContaining(channel) },
      });
    }
    expect(engine.events).toEqual([]);
    expect(refused).toEqual([...REQUEST_CHANNELS]);
  });

  it('turns invalid payloads and handler errors into envelopes', async () => {
    const { ipcMain } = setup();
    expect(await ipcMain.invoke('chat:send', trusted, { to: 'everyone' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect(await ipcMain.invoke('chat:retry', trusted, { messageId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('keeps the envelope even if the dispatcher itself throws', async () => {
    const { ipcMain } = setup(() => {
      throw new Error('boom');
    });
    expect(await ipcMain.invoke('peers:list', trusted, null)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'boom' },
    });
  });

  it('unhooks every channel when disposed', () => {
    const { ipcMain, dispose } = setup();
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });
});
