import { describe, expect, it } from 'vitest';
import { closeAction } from './window-close';

describe('closing the window', () => {
  it.each([
    ['linux', true, false, 'hide'],
    ['linux', false, false, 'close'],
    ['win32', true, false, 'hide'],
    ['win32', false, false, 'close'],
    ['darwin', false, false, 'hide'],
    ['darwin', true, false, 'hide-from-dock'],
    ['linux', true, true, 'close'],
    ['win32', true, true, 'close'],
    ['darwin', true, true, 'close'],
    ['darwin', false, true, 'close'],
  ] as const)(
    '%s, minimizeToTray %s, quitting %s: %s',
    (platform, minimizeToTray, quitting, action) => {
      expect(closeAction({ platform, minimizeToTray, quitting })).toBe(action);
    },
  );
});
