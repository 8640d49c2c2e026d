import { describe, expect, it } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { createSenderCheck } from './sender-check';
import type { FakeWebContents } from './test/fake-electron';
import { FakeBrowserWindow, FakeFrame } from './test/fake-electron';

function setup() {
  const win = new FakeBrowserWindow({});
  win.webContents.mainFrame.url = 'app://pigeon/index.html';
  const check = createSenderCheck(() => win as never);
  const from = (frame: FakeFrame | null, sender: FakeWebContents = win.webContents) =>
    check({ sender, senderFrame: frame } as unknown as IpcMainInvokeEvent);
  return { win, from };
}

describe('IPC sender check', () => {
  it('trusts the main frame of our window on app://pigeon', () => {
    const { win, from } = setup();
    expect(from(win.webContents.mainFrame)).toBe(true);
  });

  it('refuses a frame that is gone (senderFrame null)', () => {
    const { from } = setup();
    expect(from(null)).toBe(false);
  });

  it('refuses iframes, other frames and other windows', () => {
    const { win, from } = setup();
    expect(from(win.webContents.mainFrame.child('app://pigeon/index.html'))).toBe(false);
    expect(from(new FakeFrame('app://pigeon/index.html'))).toBe(false);
    const other = new FakeBrowserWindow({});
    other.webContents.mainFrame.url = 'app://pigeon/index.html';
    expect(from(other.webContents.mainFrame, other.webContents)).toBe(false);
  });

  it('refuses our main frame once it shows another origin', () => {
    const { win, from } = setup();
    for (const url of [
      'https://example.org/',
      'file:///index.html',
      'app://pigeon.evil/',
      'about:blank',
    ]) {
      win.webContents.mainFrame.url = url;
      expect(from(win.webContents.mainFrame), url).toBe(false);
    }
  });

  it('refuses everything when there is no window, or it is destroyed', () => {
    const { win, from } = setup();
    win.destroyed = true;
    expect(from(win.webContents.mainFrame)).toBe(false);
    const noWindow = createSenderCheck(() => undefined);
    expect(
      noWindow({ sender: win.webContents, senderFrame: win.webContents.mainFrame } as never),
    ).toBe(false);
  });
});
