/**
 * A hand-written stand-in for the `electron` module (as electron/fiddle keeps in tests/mocks):
 * just enough surface for the shell's code to run in plain Node under vitest, recording what
 * the code did so tests can assert on it. Used two ways: passed in where a module takes its
 * Electron objects as parameters, and as `vi.mock('electron', () => fake)` for main.ts.
 * It never loads the real electron package, which would try to download a binary.
 */
import { EventEmitter } from 'node:events';
import os from 'node:os';

/** An Electron-style event: listeners cancel by calling preventDefault(). */
export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeFrame {
  static nextToken = 1;
  parent: FakeFrame | null = null;
  detached = false;
  processId = 7;
  frameToken = `frame-${FakeFrame.nextToken++}`;
  constructor(public url: string) {}
  /** A child frame (iframe) of this one. */
  child(url: string): FakeFrame {
    const frame = new FakeFrame(url);
    frame.parent = this;
    return frame;
  }
}

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly mainFrame = new FakeFrame('');
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | undefined;
  destroyed = false;

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Emits an Electron-style cancellable event and reports whether it was prevented. */
  attempt(name: string, url: string): boolean {
    const event = new FakeEvent(url);
    this.emit(name, event, url);
    return event.defaultPrevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  visible = false;
  focused = false;
  minimized = false;
  maximized = false;
  destroyed = false;
  bounds = { x: 10, y: 20, width: 960, height: 640 };

  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.instances.filter((w) => !w.destroyed);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
    this.focused = false;
  }
  focus(): void {
    this.focused = true;
    this.emit('focus');
  }
  restore(): void {
    this.minimized = false;
  }
  minimize(): void {
    this.minimized = true;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isFocused(): boolean {
    return this.focused;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { ...this.bounds };
  }
  /** Like BrowserWindow.close(): 'close' may be prevented; otherwise the window is gone. */
  close(): void {
    const event = new FakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
  blur(): void {
    this.focused = false;
    this.emit('blur');
  }
}

class FakeApp extends EventEmitter {
  sandboxEnabled = false;
  gotLock = true;
  quitCalls = 0;
  badgeCount = 0;
  userData = os.tmpdir();
  home = os.tmpdir();
  appPath = process.cwd();
  isPackaged = false;
  /** What app.setLoginItemSettings was asked (macOS and Windows login items). */
  loginItemSettings: unknown[] = [];
  private readyResolve: (() => void) | undefined;
  private readonly readyPromise = new Promise<void>((resolve) => {
    this.readyResolve = resolve;
  });

  enableSandbox(): void {
    this.sandboxEnabled = true;
  }
  requestSingleInstanceLock(): boolean {
    return this.gotLock;
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  /** Test hook: fire `ready`. */
  becomeReady(): void {
    this.readyResolve?.();
    this.emit('ready');
  }
  /** Like app.quit(): 'before-quit' may be prevented; otherwise 'will-quit' and 'quit'. */
  quit(): void {
    this.quitCalls += 1;
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    this.emit('will-quit', new FakeEvent());
    this.emit('quit');
  }
  exit(): void {
    this.emit('quit');
  }
  setPath(name: string, value: string): void {
    if (name === 'userData') this.userData = value;
  }
  getPath(name: string): string {
    if (name === 'userData') return this.userData;
    if (name === 'home') return this.home;
    return os.tmpdir();
  }
  getAppPath(): string {
    return this.appPath;
  }
  getName(): string {
    return 'Pigeon';
  }
  setBadgeCount(count?: number): boolean {
    this.badgeCount = count ?? 0;
    return true;
  }
  /** What app.getPreferredSystemLanguages() answers (the OS's languages, 'system' follows). */
  systemLanguages: string[] = ['en-US'];
  getPreferredSystemLanguages(): string[] {
    return [...this.systemLanguages];
  }
  setAppUserModelId(): void {}
  setLoginItemSettings(settings: unknown): void {
    this.loginItemSettings.push(settings);
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  tooltip = '';
  title = '';
  menu: { template: unknown[] } | undefined;
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    FakeTray.instances.push(this);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setTitle(text: string): void {
    this.title = text;
  }
  setContextMenu(menu: { template: unknown[] }): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export const Menu = {
  buildFromTemplate(template: unknown[]): { template: unknown[] } {
    return { template };
  },
  setApplicationMenu(): void {},
};

export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static supported = true;
  shown = false;
  closed = false;
  constructor(readonly options: { title?: string; body?: string }) {
    super();
    FakeNotification.instances.push(this);
  }
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  show(): void {
    this.shown = true;
  }
  close(): void {
    this.closed = true;
    this.emit('close');
  }
}

type Handler = (event: unknown, ...args: unknown[]) => unknown;

export class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Calls a registered handler the way ipcRenderer.invoke would reach it. */
  invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return Promise.resolve().then(() => handler(event, ...args));
  }
}

export class FakeSession {
  permissionRequestHandler:
    | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void)
    | undefined;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | undefined;
  devicePermissionHandler: ((...args: unknown[]) => boolean) | undefined;
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: (...args: unknown[]) => boolean): void {
    this.devicePermissionHandler = handler;
  }
}

export class FakeIpcRenderer {
  readonly listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  reply: (channel: string, ...args: unknown[]) => unknown = () => undefined;
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return Promise.resolve(this.reply(channel, ...args));
  }
  on(channel: string, listener: (...args: unknown[]) => void): this {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return this;
  }
  removeListener(channel: string, listener: (...args: unknown[]) => void): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  off(channel: string, listener: (...args: unknown[]) => void): this {
    return this.removeListener(channel, listener);
  }
  /** Delivers a message from main, with the event object a real ipcRenderer passes first. */
  emitFromMain(channel: string, ...args: unknown[]): void {
    const event = { sender: this, senderId: 0, ports: [] };
    for (const l of this.listeners.get(channel) ?? []) l(event, ...args);
  }
}

/**
 * webUtils.getPathForFile as Electron answers it: the path of a File that came from the disk (a
 * drop, an <input type=file>), '' for a File made by script, and a TypeError for anything else.
 */
export class FakeWebUtils {
  private readonly paths = new WeakMap<File, string>();
  /** Test hook: a File as a drop of the file at `path` would give the page. */
  diskFile(path: string, contents = 'x'): File {
    const file = new File([contents], path.split(/[/\\]/).pop() ?? path);
    this.paths.set(file, path);
    return file;
  }
  getPathForFile(file: File): string {
    if (!(file instanceof File)) throw new TypeError('Error processing argument at index 0');
    return this.paths.get(file) ?? '';
  }
}

/** Builds a fresh fake module; each test file gets its own so state never leaks between them. */
export function createFakeElectron() {
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
  FakeNotification.instances = [];
  FakeNotification.supported = true;
  const exposed = new Map<string, unknown>();
  const webUtils = new FakeWebUtils();
  const protocol = {
    privileged: [] as unknown[],
    handlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
    registerSchemesAsPrivileged(schemes: unknown[]): void {
      this.privileged.push(...schemes);
    },
    handle(scheme: string, handler: (request: Request) => Promise<Response> | Response): void {
      this.handlers.set(scheme, handler);
    },
  };
  const shell = {
    opened: [] as string[],
    /** What openPath and showItemInFolder were given, in order. */
    files: [] as { path: string; reveal: boolean }[],
    /** openPath's answer: '' for success, else the desktop's error message. */
    openPathFailure: '',
    openExternal(url: string): Promise<void> {
      this.opened.push(url);
      return Promise.resolve();
    },
    openPath(path: string): Promise<string> {
      this.files.push({ path, reveal: false });
      return Promise.resolve(this.openPathFailure);
    },
    showItemInFolder(path: string): void {
      this.files.push({ path, reveal: true });
    },
  };
  return {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Menu,
    Notification: FakeNotification,
    ipcMain: new FakeIpcMain(),
    ipcRenderer: new FakeIpcRenderer(),
    contextBridge: {
      exposed,
      exposeInMainWorld(key: string, api: unknown): void {
        exposed.set(key, api);
      },
    },
    protocol,
    session: { defaultSession: new FakeSession() },
    powerMonitor: new EventEmitter(),
    shell,
    dialog: {
      shown: [] as unknown[],
      /** showOpenDialog calls: the parent window (if any) and the options. */
      opened: [] as { window: unknown; options: Record<string, unknown> }[],
      /** What the person does in the next open dialog. */
      answer: { canceled: true, filePaths: [] as string[] },
      showMessageBox(options: unknown): Promise<{ response: number }> {
        this.shown.push(options);
        return Promise.resolve({ response: 0 });
      },
      showOpenDialog(
        ...args: [Record<string, unknown>] | [unknown, Record<string, unknown>]
      ): Promise<{ canceled: boolean; filePaths: string[] }> {
        const [window, options] = args.length === 2 ? args : [undefined, args[0]];
        this.opened.push({ window, options });
        return Promise.resolve({ ...this.answer, filePaths: [...this.answer.filePaths] });
      },
    },
    webUtils,
    nativeImage: {
      createFromPath: (path: string) => ({ path, isEmpty: () => false }),
    },
    screen: {
      getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
    },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
