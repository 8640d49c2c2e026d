import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContractEvent, EventListener } from '../../shared/contract';
import type { EngineSettings } from '../../shared/model';
import { REQUEST_CHANNELS, STAGE_DROPPED_CHANNEL } from '../../shared/contract';
import type * as EngineModule from '../engine/engine';
import type { Engine, EngineOptions } from '../engine/engine';
import { createFakeElectron } from './test/fake-electron';
import type { FakeElectron, FakeBrowserWindow } from './test/fake-electron';

/** The real engine on a fake LAN, recording what the shell asks of it and able to speak. */
type ShellEngine = Engine & {
  calls: string[];
  emit(event: ContractEvent): void;
};

// main.ts runs its composition on import, against these fakes: the fake electron module and the
// real engine on a FakeNetwork standing in for electron/engine's createEngine.
// vi.resetModules() re-runs main.ts for each test but keeps mocked modules, so the mock
// delegates to whichever fake the current test made.
const state = vi.hoisted(() => ({
  fake: undefined as unknown as FakeElectron,
  engines: [] as ShellEngine[],
  startError: undefined as Error | undefined,
}));
vi.mock('electron', () => {
  const module: Record<string, unknown> = {};
  for (const key of Object.keys(createFakeElectron())) {
    Object.defineProperty(module, key, {
      enumerable: true,
      get: () => state.fake[key as keyof FakeElectron],
    });
  }
  return module;
});
vi.mock('../engine/engine', async (importOriginal) => {
  const real = await importOriginal<typeof EngineModule>();
  const { FakeClock } = await import('../engine/testing/fake-clock');
  const { FakeNetwork } = await import('../engine/testing/fake-network');
  class Recording extends real.Engine {
    calls: string[] = [];
    private readonly heard: EventListener[] = [];
    constructor(settings: EngineSettings, options: EngineOptions) {
      const net = new FakeNetwork(new FakeClock());
      super(settings, {
        ...options,
        socket: net.socket('10.0.0.1'),
        clock: net.clock,
        tcp: false,
        diagnostics: { watchIntervalMs: 0 },
      });
    }
    override start(): Promise<void> {
      this.calls.push('start');
      return state.startError ? Promise.reject(state.startError) : super.start();
    }
    override stop(): Promise<void> {
      this.calls.push('stop');
      return super.stop();
    }
    override networkChanged(reason?: 'resume'): void {
      this.calls.push(`networkChanged ${reason ?? ''}`);
      super.networkChanged(reason);
    }
    override subscribe(listener: EventListener): () => void {
      this.heard.push(listener);
      return super.subscribe(listener);
    }
    /** What the engine would tell its listeners. */
    emit(event: ContractEvent): void {
      for (const l of this.heard) l(event);
    }
  }
  return {
    ...real,
    createEngine: (settings: EngineSettings, options: EngineOptions = {}) => {
      const engine = new Recording(settings, options);
      state.engines.push(engine);
      return engine;
    },
  };
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The engine's news of a message from bob (10.0.0.2), as a notification is made from it. */
function messageFromBob(text: string): ContractEvent {
  return {
    channel: 'chat:message',
    payload: {
      message: {
        id: 'm1',
        peerId: '10.0.0.2:2425',
        direction: 'in',
        text,
        at: 1,
        broadcast: false,
      },
      peer: { id: '10.0.0.2:2425', address: '10.0.0.2', nick: 'bob' } as never,
    },
  };
}
let userData: string;
/** The home directory: the data directory is home/.pigeon, shared with the CLI. */
let home: string;
let dataDir: string;
let signalSpy: { mockRestore(): void };

beforeEach(() => {
  vi.resetModules();
  state.fake = createFakeElectron();
  state.engines = [];
  state.startError = undefined;
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-main-'));
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-home-'));
  dataDir = path.join(home, '.pigeon');
  // main.ts asks for SIGTERM/SIGINT handlers on the real process; keep them off the test worker.
  const once = process.once.bind(process);
  signalSpy = vi
    .spyOn(process, 'once')
    .mockImplementation(((event: string, listener: () => void) =>
      event === 'SIGTERM' || event === 'SIGINT' ? process : once(event, listener)) as never);
});
afterEach(() => {
  signalSpy.mockRestore();
  fs.rmSync(userData, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
});

async function launch(): Promise<{
  electron: FakeElectron;
  win: FakeBrowserWindow;
  engine: ShellEngine;
}> {
  const electron = state.fake;
  electron.app.userData = userData;
  electron.app.home = home;
  electron.app.appPath = '/opt/pigeon/resources/app.asar';
  await import('./main');
  electron.app.becomeReady();
  await settle();
  const win = electron.BrowserWindow.instances[0];
  const engine = state.engines[0];
  if (!win || !engine) throw new Error('main.ts created no window or no engine');
  win.webContents.mainFrame.url = 'app://pigeon/index.html';
  return { electron, win, engine };
}

describe('main process composition', () => {
  it('sandboxes every renderer and registers app:// before ready', async () => {
    const electron = state.fake;
    electron.app.userData = userData;
    await import('./main');
    expect(electron.app.sandboxEnabled).toBe(true);
    expect(electron.protocol.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(electron.BrowserWindow.instances).toEqual([]);
  });

  it('opens one locked-down window on app://pigeon with the bundled preload', async () => {
    const { electron, win } = await launch();
    expect(electron.BrowserWindow.instances).toHaveLength(1);
    expect(win.options.webPreferences).toMatchObject({
      preload: path.join('/opt/pigeon/resources/app.asar', 'out', 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    });
    expect(win.loadedUrl).toBe('app://pigeon/index.html');
    expect(electron.protocol.handlers.has('app')).toBe(true);
    let granted: boolean | undefined;
    electron.session.defaultSession.permissionRequestHandler?.({}, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
  });

  it('applies the navigation policy to the contents it creates', async () => {
    const { electron, win } = await launch();
    electron.app.emit('web-contents-created', {}, win.webContents);
    expect(win.webContents.windowOpenHandler?.({ url: 'https://example.org/' })).toEqual({
      action: 'deny',
    });
    expect(win.webContents.attempt('will-navigate', 'https://example.org/')).toBe(true);
    expect(electron.shell.opened).toEqual(['https://example.org/']);
  });

  it('answers our page over IPC and refuses a sender without a frame', async () => {
    const { electron, win, engine } = await launch();
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(
      [...REQUEST_CHANNELS, STAGE_DROPPED_CHANNEL].sort(),
    );
    const ours = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    expect(await electron.ipcMain.invoke('peers:refresh', ours, null)).toEqual({
      ok: true,
      value: null,
    });
    expect(await electron.ipcMain.invoke('app:info', ours, null)).toMatchObject({
      ok: true,
      value: { shell: 'electron', firstRun: true, settings: { nick: engine.settings().nick } },
    });
    const gone = { sender: win.webContents, senderFrame: null };
    expect(await electron.ipcMain.invoke('peers:refresh', gone, null)).toMatchObject({
      ok: false,
      error: { code: 'untrusted-sender' },
    });
  });

  it('stages dropped files as picks for our page only, behind the same sender check', async () => {
    const { electron, win } = await launch();
    const file = path.join(userData, 'dropped.txt');
    fs.writeFileSync(file, 'abc');
    const ours = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    expect(await electron.ipcMain.invoke(STAGE_DROPPED_CHANNEL, ours, [file])).toEqual({
      ok: true,
      value: [{ pick: expect.any(String), name: 'dropped.txt', kind: 'file', size: 3 }],
    });
    const iframe = { sender: win.webContents, senderFrame: win.webContents.mainFrame.child('') };
    expect(await electron.ipcMain.invoke(STAGE_DROPPED_CHANNEL, iframe, [file])).toMatchObject({
      ok: false,
      error: { code: 'untrusted-sender' },
    });
  });

  it('chooses files in a native dialog on our window, and opens nothing when cancelled', async () => {
    const { electron, win } = await launch();
    const file = path.join(userData, 'chosen.txt');
    fs.writeFileSync(file, 'abcd');
    const ours = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    electron.dialog.answer = { canceled: false, filePaths: [file] };
    expect(await electron.ipcMain.invoke('files:choose', ours, { kind: 'files' })).toEqual({
      ok: true,
      value: [{ pick: expect.any(String), name: 'chosen.txt', kind: 'file', size: 4 }],
    });
    expect(electron.dialog.opened[0]?.window).toBe(win);
    electron.dialog.answer = { canceled: true, filePaths: [] };
    expect(await electron.ipcMain.invoke('files:choose', ours, { kind: 'folder' })).toEqual({
      ok: true,
      value: [],
    });
  });

  it("adopts an older version's settings and window from userData on its first start", async () => {
    fs.writeFileSync(path.join(userData, 'settings.json'), '{"nick":"老王","group":"研发部"}\n');
    fs.writeFileSync(
      path.join(userData, 'window-state.json'),
      '{"width":800,"height":600,"maximized":true}\n',
    );
    const { win, engine } = await launch();
    expect(engine.settings()).toMatchObject({ nick: '老王', group: '研发部', dataDir });
    expect(win.options).toMatchObject({ width: 800, height: 600 });
  });

  it('serves its engine to pigeon commands on the control socket of the data directory', async () => {
    const { engine, electron } = await launch();
    const { connectControl } = await import('../control/control-client');
    await expect.poll(() => fs.existsSync(path.join(dataDir, 'control.token'))).toBe(true);
    const client = await connectControl(dataDir, { env: {} });
    expect(client?.welcome).toMatchObject({ nick: engine.settings().nick, port: 2425 });
    expect(await client?.request('peers:list', null)).toEqual({ ok: true, value: [] });
    client?.close();
    electron.app.quit();
    await expect.poll(() => fs.existsSync(path.join(dataDir, 'control.token'))).toBe(false);
  });

  it('starts the engine on the data directory the CLI shares and forwards its events to the page', async () => {
    const { win, engine } = await launch();
    expect(engine.calls).toContain('start');
    expect(engine.settings().dataDir).toBe(dataDir);
    expect(engine.settings().port).toBe(2425);
    expect(win.webContents.sent).toContainEqual({
      channel: 'engine:ready',
      args: [expect.objectContaining({ port: 2425 })],
    });
    engine.emit({ channel: 'engine:error', payload: { code: 'internal', params: { error: 'y' } } });
    expect(win.webContents.sent).toContainEqual({
      channel: 'engine:error',
      args: [{ code: 'internal', params: { error: 'y' } }],
    });
  });

  it('re-announces after the machine wakes from sleep', async () => {
    const { engine } = await launch();
    expect(engine.calls).not.toContain('networkChanged resume');
    state.fake.powerMonitor.emit('resume');
    expect(engine.calls).toContain('networkChanged resume');
  });

  it("notifies about messages while unfocused, shows the engine's unread count, opens the conversation", async () => {
    const { electron, win, engine } = await launch();
    const tray = electron.Tray.instances[0];
    win.blur();
    engine.emit(messageFromBob('hello'));
    engine.emit({
      channel: 'chat:unread',
      payload: { peerId: '10.0.0.2:2425', unread: 1, total: 1 },
    });
    const note = electron.Notification.instances[0];
    expect(note?.options).toMatchObject({ title: 'bob', body: 'hello' });
    expect(tray?.tooltip).toBe('Pigeon — 1 unread message');
    expect(electron.app.badgeCount).toBe(1);
    win.hide();
    win.webContents.sent.length = 0;
    note?.emit('click');
    expect(win.isVisible()).toBe(true);
    expect(win.isFocused()).toBe(true);
    // The page opens that conversation, and marks it read: the engine's count goes to 0.
    expect(win.webContents.sent).toContainEqual({
      channel: 'ui:open-conversation',
      args: [{ peerId: '10.0.0.2:2425' }],
    });
    engine.emit({
      channel: 'chat:unread',
      payload: { peerId: '10.0.0.2:2425', unread: 0, total: 0 },
    });
    expect(tray?.tooltip).toBe('Pigeon');
  });

  it('hands the notifier this platform, so a Linux body is escaped as markup', async () => {
    const { electron, win, engine } = await launch();
    win.blur();
    engine.emit(messageFromBob('<b>hi</b> & bye'));
    const body =
      process.platform === 'linux' ? '&lt;b&gt;hi&lt;/b&gt; &amp; bye' : '<b>hi</b> & bye';
    expect(electron.Notification.instances[0]?.options).toMatchObject({ title: 'bob', body });
  });

  it('stays quiet about messages while the person is looking', async () => {
    const { electron, win, engine } = await launch();
    win.focus();
    engine.emit({
      channel: 'chat:message',
      payload: {
        message: { id: 'm1', peerId: 'p', direction: 'in', text: 'hi', at: 1, broadcast: false },
        peer: { nick: 'bob' } as never,
      },
    });
    expect(electron.Notification.instances).toEqual([]);
  });

  it('honours the notifications setting as it changes', async () => {
    const { electron, win, engine } = await launch();
    win.blur();
    expect(await engine.request('settings:update', { notifications: false })).toMatchObject({
      ok: true,
    });
    engine.emit(messageFromBob('quiet'));
    expect(electron.Notification.instances).toEqual([]);
    await engine.request('settings:update', { notifications: true });
    engine.emit(messageFromBob('loud'));
    expect(electron.Notification.instances.map((n) => n.options.body)).toEqual(['loud']);
  });

  it('stays quiet in do-not-disturb even with notifications on; the tray switches Away and DND', async () => {
    const { electron, win, engine } = await launch();
    const tray = electron.Tray.instances[0];
    type Item = { label?: string; checked?: boolean; click?: () => void };
    const item = (label: string): Item | undefined =>
      (tray?.menu?.template as Item[] | undefined)?.find((i) => i.label === label);
    win.blur();
    expect(item('Do not disturb')?.checked).toBe(false);
    item('Do not disturb')?.click?.();
    await settle();
    expect(item('Do not disturb')?.checked).toBe(true);
    expect(await engine.request('settings:get', null)).toMatchObject({
      value: { notifications: true, doNotDisturb: true },
    });
    engine.emit(messageFromBob('hush'));
    expect(electron.Notification.instances).toEqual([]);
    item('Do not disturb')?.click?.();
    await settle();
    engine.emit(messageFromBob('back'));
    expect(electron.Notification.instances.map((n) => n.options.body)).toEqual(['back']);

    item('Away (reply automatically)')?.click?.();
    await settle();
    expect(engine.settings().away).toBe(true);
    expect(item('Away (reply automatically)')?.checked).toBe(true);
    // Both are in settings.json, for the next start.
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8'))).toMatchObject({
      away: true,
      doNotDisturb: false,
    });
  });

  it("labels the tray in the settings' language, following a change at once", async () => {
    const electron = state.fake;
    electron.app.systemLanguages = ['zh-CN', 'en-US'];
    const { engine } = await launch();
    const tray = electron.Tray.instances[0];
    type Item = { label?: string };
    const labels = () => ((tray?.menu?.template ?? []) as Item[]).map((i) => i.label);
    // 'system' on a Chinese desktop.
    expect(labels()).toContain('退出 Pigeon');
    expect(labels()).toContain('在线：' + engine.settings().nick + ' · 0 人在线');
    expect(tray?.tooltip).toBe('Pigeon');
    await engine.request('settings:update', { language: 'en' });
    await settle();
    expect(labels()).toContain('Quit Pigeon');
    expect(labels()).toContain('Do not disturb');
    await engine.request('settings:update', { language: 'zh-CN' });
    await settle();
    engine.emit({ channel: 'chat:unread', payload: { peerId: 'p', unread: 3, total: 3 } });
    expect(labels()[0]).toBe('打开 Pigeon（3）');
    expect(tray?.tooltip).toBe('Pigeon — 3 条未读消息');
    // Notifications word Pigeon's own parts in it too.
    const [win] = electron.BrowserWindow.instances;
    win?.blur();
    const offer = messageFromBob('报告');
    if (offer.channel === 'chat:message') offer.payload.message.files = ['t1'];
    engine.emit(offer);
    expect(electron.Notification.instances.at(-1)?.options.body).toBe('发来一个文件：报告');
  });

  it.runIf(process.platform !== 'darwin')(
    'hides to the tray on close by default, and quits on close when the person chose so',
    async () => {
      const { electron, win, engine } = await launch();
      win.close();
      expect(win.isDestroyed()).toBe(false);
      expect(win.isVisible()).toBe(false);
      expect(electron.app.quitCalls).toBe(0);
      // The tray's Open brings it back.
      electron.Tray.instances[0]?.emit('click');
      expect(win.isVisible()).toBe(true);

      await engine.request('settings:update', { minimizeToTray: false });
      win.close();
      expect(win.isDestroyed()).toBe(true);
    },
  );

  it.runIf(process.platform === 'linux')(
    'starts at login through an XDG autostart entry in the home directory, and stops',
    async () => {
      const { electron, engine } = await launch();
      const entry = path.join(home, '.config', 'autostart', 'pigeon.desktop');
      expect(fs.existsSync(entry)).toBe(false);
      await engine.request('settings:update', { startAtLogin: true });
      const text = fs.readFileSync(entry, 'utf8');
      expect(text).toContain(`Exec=${process.execPath} /opt/pigeon/resources/app.asar\n`);
      expect(fs.statSync(entry).mode & 0o777).toBe(0o600);
      expect(electron.app.loginItemSettings).toEqual([]);
      await engine.request('settings:update', { startAtLogin: false });
      expect(fs.existsSync(entry)).toBe(false);
    },
  );

  it('says goodbye on the LAN before quitting, and remembers the window', async () => {
    const { electron, win, engine } = await launch();
    let quitted = false;
    electron.app.on('quit', () => (quitted = true));
    electron.app.quit();
    expect(quitted).toBe(false);
    await settle();
    expect(engine.calls.at(-1)).toBe('stop');
    expect(quitted).toBe(true);
    win.close();
    expect(fs.existsSync(path.join(dataDir, 'window-state.json'))).toBe(true);
  });

  it('explains a failed start in the tray, to the page and in a dialog', async () => {
    const { StartError } = await import('../engine/start-error');
    state.startError = new StartError('port-in-use', { proto: 'UDP', bind: '0.0.0.0', port: 2425 });
    const { electron, win } = await launch();
    expect(electron.Tray.instances[0]?.menu?.template).toContainEqual(
      expect.objectContaining({ label: expect.stringMatching(/^Offline: Port 2425 is used by/) }),
    );
    win.webContents.sent.length = 0;
    win.webContents.emit('did-finish-load');
    expect(win.webContents.sent).toEqual([
      {
        channel: 'engine:error',
        args: [{ code: 'port-in-use', params: { proto: 'UDP', bind: '0.0.0.0', port: 2425 } }],
      },
    ]);
    expect(electron.dialog.shown).toHaveLength(1);
  });

  it('lets a second launch hand over to the first and quit', async () => {
    const electron = state.fake;
    electron.app.gotLock = false;
    await import('./main');
    electron.app.becomeReady();
    await settle();
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.BrowserWindow.instances).toEqual([]);
  });
});
