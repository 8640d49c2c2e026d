import { describe, expect, it, vi } from 'vitest';
import * as electron from 'electron';
import { REQUEST_CHANNELS, methodPath } from '../../shared/contract';
import type { FakeElectron } from '../main/test/fake-electron';

vi.mock('electron', async () => (await import('../main/test/fake-electron')).createFakeElectron());
const fake = electron as unknown as FakeElectron;

describe('preload', () => {
  it('exposes window.pigeon and nothing else', async () => {
    await import('./preload');
    expect([...fake.contextBridge.exposed.keys()]).toEqual(['pigeon']);
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
