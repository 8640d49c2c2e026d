import { describe, expect, it } from 'vitest';
import type { App } from 'electron';
import { setupSingleInstance } from './single-instance';
import { createFakeElectron } from './test/fake-electron';

describe('single instance', () => {
  it('the first launch keeps running and reveals itself on a second launch', () => {
    const { app } = createFakeElectron();
    let revealed = 0;
    expect(setupSingleInstance(app as unknown as App, () => revealed++)).toBe(true);
    app.emit('second-instance');
    expect(revealed).toBe(1);
  });

  it('a second launch quits at once', () => {
    const { app } = createFakeElectron();
    app.gotLock = false;
    expect(setupSingleInstance(app as unknown as App, () => undefined)).toBe(false);
    expect(app.quitCalls).toBe(1);
  });
});
