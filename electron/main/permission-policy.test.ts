import { describe, expect, it } from 'vitest';
import type { Session } from 'electron';
import { setupPermissionPolicy } from './permission-policy';
import { FakeSession } from './test/fake-electron';

describe('permission policy', () => {
  it('allows writing sanitized text to the clipboard (copy diagnostics), and nothing else', () => {
    const session = new FakeSession();
    setupPermissionPolicy(session as unknown as Session);
    let granted: boolean | undefined;
    session.permissionRequestHandler?.({}, 'clipboard-sanitized-write', (g) => (granted = g));
    expect(granted).toBe(true);
    expect(
      session.permissionCheckHandler?.({}, 'clipboard-sanitized-write', 'app://pigeon', {}),
    ).toBe(true);
  });

  it('denies every other permission request and check', () => {
    const session = new FakeSession();
    setupPermissionPolicy(session as unknown as Session);
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
    ]) {
      let granted: boolean | undefined;
      session.permissionRequestHandler?.({}, permission, (g) => (granted = g));
      expect(granted, permission).toBe(false);
      expect(session.permissionCheckHandler?.({}, permission, 'app://pigeon', {}), permission).toBe(
        false,
      );
    }
    expect(session.devicePermissionHandler?.({ deviceType: 'usb' })).toBe(false);
  });
});
