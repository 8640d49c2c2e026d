import { describe, expect, it } from 'vitest';
import type { IpcRenderer } from 'electron';
import { createApi } from '../../shared/contract';
import { createIpcTransport } from './ipc-transport';
import { FakeIpcRenderer } from '../main/test/fake-electron';

function setup() {
  const ipc = new FakeIpcRenderer();
  const api = createApi(createIpcTransport(ipc as unknown as IpcRenderer));
  return { ipc, api };
}

describe('IPC transport', () => {
  it('invokes contract channels through ipcRenderer.invoke', async () => {
    const { ipc, api } = setup();
    ipc.reply = () => ({ ok: true, value: [] });
    expect(await api.peers.list()).toEqual({ ok: true, value: [] });
    await api.chat.send({ to: ['10.0.0.2:2425'], text: 'hi' });
    expect(ipc.invoked).toEqual([
      { channel: 'peers:list', args: [null] },
      { channel: 'chat:send', args: [{ to: ['10.0.0.2:2425'], text: 'hi' }] },
    ]);
  });

  it('never lets a page invoke a channel outside the contract', async () => {
    const { ipc } = setup();
    const transport = createIpcTransport(ipc as unknown as IpcRenderer);
    const reply = await transport.invoke('fs:read' as never, { path: '/etc/passwd' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(ipc.invoked).toEqual([]);
    expect(() => transport.on('ipc:any' as never, () => undefined)).toThrow(TypeError);
  });

  it('hands listeners the payload only, never the IpcRendererEvent', () => {
    const { ipc, api } = setup();
    const seen: unknown[][] = [];
    const off = api.on('peers:online', (...args: unknown[]) => seen.push(args));
    ipc.emitFromMain('peers:online', { id: '10.0.0.2:2425' });
    expect(seen).toEqual([[{ id: '10.0.0.2:2425' }]]);
    off();
    ipc.emitFromMain('peers:online', { id: '10.0.0.3:2425' });
    expect(seen).toHaveLength(1);
    expect(ipc.listeners.get('peers:online')?.size).toBe(0);
  });

  it('reports a broken transport as an envelope, not a rejection', async () => {
    const { ipc, api } = setup();
    ipc.reply = () => {
      throw new Error('Error invoking remote method: no handler');
    };
    expect(await api.app.info()).toMatchObject({ ok: false, error: { code: 'transport' } });
  });
});
