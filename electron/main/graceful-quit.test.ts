import { describe, expect, it } from 'vitest';
import type { App } from 'electron';
import { setupGracefulQuit } from './graceful-quit';
import { createFakeElectron } from './test/fake-electron';

describe('graceful quit', () => {
  it('holds the quit until the engine has said goodbye', async () => {
    const { app } = createFakeElectron();
    const order: string[] = [];
    let finishStop: () => void = () => undefined;
    const state = setupGracefulQuit(app as unknown as App, () => {
      order.push('stop');
      return new Promise<void>((resolve) => (finishStop = resolve));
    });
    app.on('quit', () => order.push('quit'));

    expect(state.isQuitting()).toBe(false);
    app.quit();
    app.quit(); // a second request while stopping changes nothing
    expect(state.isQuitting()).toBe(true);
    expect(order).toEqual(['stop']);
    finishStop();
    await new Promise((r) => setTimeout(r, 0));
    expect(order).toEqual(['stop', 'quit']);
  });

  it('quits anyway when stopping fails or hangs', async () => {
    const { app } = createFakeElectron();
    let quit = 0;
    app.on('quit', () => quit++);
    setupGracefulQuit(app as unknown as App, () => new Promise<void>(() => undefined), {
      timeoutMs: 20,
    });
    app.quit();
    await new Promise((r) => setTimeout(r, 60));
    expect(quit).toBe(1);

    const other = createFakeElectron().app;
    let quit2 = 0;
    other.on('quit', () => quit2++);
    setupGracefulQuit(other as unknown as App, () => Promise.reject(new Error('socket')));
    other.quit();
    await new Promise((r) => setTimeout(r, 0));
    expect(quit2).toBe(1);
  });

  it('turns SIGTERM into a clean quit', () => {
    const { app } = createFakeElectron();
    const signals = new Map<string, () => void>();
    setupGracefulQuit(app as unknown as App, () => Promise.resolve(), {
      signals: {
        once: (s: string, l: () => void) => signals.set(s, l),
      } as unknown as NodeJS.Process,
    });
    expect([...signals.keys()].sort()).toEqual(['SIGINT', 'SIGTERM']);
    signals.get('SIGTERM')?.();
    expect(app.quitCalls).toBe(1);
  });
});
