import { describe, expect, it } from 'vitest';
import type { App, WebContents } from 'electron';
import { setupNavigationPolicy, setupWebContentsPolicy } from './navigation-policy';
import { createFakeElectron, FakeEvent, FakeWebContents } from './test/fake-electron';

function setup() {
  const electron = createFakeElectron();
  const contents = new FakeWebContents();
  setupNavigationPolicy(contents as unknown as WebContents, electron.shell);
  return { contents, shell: electron.shell };
}

describe('navigation policy', () => {
  it('lets the page move within app://pigeon only', () => {
    const { contents } = setup();
    expect(contents.attempt('will-navigate', 'app://pigeon/index.html#/peers')).toBe(false);
    expect(contents.attempt('will-navigate', 'https://example.org/')).toBe(true);
    expect(contents.attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.attempt('will-navigate', 'app://pigeon.evil/')).toBe(true);
  });

  it('refuses redirects that leave the app origin', () => {
    const { contents } = setup();
    expect(contents.attempt('will-redirect', 'app://pigeon/other.html')).toBe(false);
    expect(contents.attempt('will-redirect', 'http://127.0.0.1:8080/')).toBe(true);
  });

  it('never attaches a <webview>', () => {
    const { contents } = setup();
    expect(contents.attempt('will-attach-webview', 'app://pigeon/index.html')).toBe(true);
  });

  it('denies every window.open, handing only http(s) to the browser', () => {
    const { contents, shell } = setup();
    const open = contents.windowOpenHandler;
    expect(open).toBeDefined();
    expect(open?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(open?.({ url: 'app://pigeon/index.html' })).toEqual({ action: 'deny' });
    expect(open?.({ url: 'file:///C:/Windows/System32/calc.exe' })).toEqual({ action: 'deny' });
    expect(open?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual(['https://example.org/']);
  });

  it('covers every WebContents the app creates', () => {
    const electron = createFakeElectron();
    setupWebContentsPolicy(electron.app as unknown as App, electron.shell);
    const contents = new FakeWebContents();
    electron.app.emit('web-contents-created', new FakeEvent(), contents);
    expect(contents.windowOpenHandler).toBeDefined();
    expect(contents.attempt('will-navigate', 'https://example.org/')).toBe(true);
  });
});
