import { describe, expect, it, vi } from 'vitest';
import * as electron from 'electron';
import { REQUEST_CHANNELS, STAGE_DROPPED_CHANNEL, methodPath } from '../../shared/contract';
import type { PigeonFiles } from '../../shared/contract';
import type { FakeElectron } from '../main/test/fake-electron';

vi.mock('electron', async () => (await import('../main/test/fake-electron')).createFakeElectron());
const fake = electron as unknown as FakeElectron;

describe('preload', () => {
  it('exposes window.pigeon and window.pigeonFiles, and nothing else', async () => {
    await import('./preload');
    expect([...fake.contextBridge.exposed.keys()]).toEqual(['pigeon', 'pigeonFiles']);
  });

  it('stages files through webUtils: paths go to main, a script-made File is refused', async () => {
    await import('./preload');
    const files = fake.contextBridge.exposed.get('pigeonFiles') as PigeonFiles;
    expect(Object.keys(files)).toEqual(['stage']);
    fake.ipcRenderer.reply = () => ({ ok: true, value: [] });
    await files.stage([fake.webUtils.diskFile('/home/a/a.txt')]);
    expect(fake.ipcRenderer.invoked).toContainEqual({
      channel: STAGE_DROPPED_CHANNEL,
      args: [['/home/a/a.txt']],
    });
    expect(await files.stage([new File(['x'], 'x.txt')])).toMatchObject({
      ok: false,
      error: { code: 'not-on-disk' },
    });
  });

  it('exposes the contract API: one method per request channel, plus invoke and on', async () => {
    await import('./preload');
    const api = fake.contextBridge.exposed.get('pigeon') as Record<string, Record<string, unknown>>;
    for (const channel of REQUEST_CHANNELS) {
      const [domain, method] = methodPath(channel);
      expect(typeof api[domain]?.[method], channel).toBe('function');
    }
    expect(typeof api.invoke).toBe('function');
    expect(typeof api.on).toBe('function');
    const names = Object.keys(api);
    expect(names).not.toContain('ipcRenderer');
    expect(names).not.toContain('send');
    expect(Object.isFrozen(api)).toBe(true);
  });
});
