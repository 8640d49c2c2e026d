/**
 * Pigeon's Electron main process: composes one setupX() per concern and owns nothing else.
 * The engine (electron/engine) does the networking; this file only gives it a window, a tray,
 * notifications and a guarded IPC door. Order matters in three places, noted inline.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  protocol,
  screen,
  session,
  shell,
  Tray,
} from 'electron';
import type { IpcMainInvokeEvent, MenuItemConstructorOptions } from 'electron';
import { openEngineControl } from '../control/engine-control';
import type { ControlServer } from '../control/control-server';
import type { AppSettings } from '../../shared/contract';
import type { Preferences } from '../engine/settings/settings';
import { createEngine } from '../engine/engine';
import { ensureDataDir } from '../engine/io/data-dir';
import { defaultDataDir } from '../engine/io/default-data-dir';
import { SETTINGS_FILE } from '../engine/settings/settings-store';
import { StartError } from '../engine/start-error';
import { outcomeText, shellText } from '../../shared/model/texts';
import { adoptOldData, describeAdoption } from './adopt-old-data';
import { registerAppScheme, setupAppProtocol } from './app-protocol';
import { appPaths, trayIconFile } from './app-paths';
import { shouldNotify } from './attention';
import { EngineStatus } from './engine-status';
import { createFilesShell } from './files-shell';
import { setupGracefulQuit } from './graceful-quit';
import { setupIpcAdapter } from './ipc-adapter';
import { createMainWindow, revealWindow } from './main-window';
import { createMessageNotifier } from './message-notifications';
import { setupWebContentsPolicy } from './navigation-policy';
import { setupPermissionPolicy } from './permission-policy';
import { RendererEvents } from './renderer-events';
import { createSenderCheck } from './sender-check';
import { applyStartAtLogin, startCommand } from './login-item';
import type { LoginItemDeps } from './login-item';
import { loadAppSettings } from './settings-file';
import { setupSingleInstance } from './single-instance';
import { setupStageDropped } from './stage-dropped';
import { shellLanguage } from './shell-language';
import { setupTray } from './tray';
import { closeAction } from './window-close';
import { loadWindowState, setupWindowStatePersistence, windowStateFile } from './window-state';

// (1) Before `ready`: privileged schemes can only be registered now, and enableSandbox must
// precede the first renderer so every renderer, not only our window, is sandboxed.
registerAppScheme(protocol);
app.enableSandbox();

// A separate profile (tests, a second identity on one machine). It also keys the single-instance
// lock, so it has to be set before asking for the lock.
if (process.env.PIGEON_PROFILE) app.setPath('userData', path.resolve(process.env.PIGEON_PROFILE));

let mainWindow: BrowserWindow | undefined;
const currentWindow = (): BrowserWindow | undefined =>
  mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined;
const showWindow = (): void => {
  const win = currentWindow();
  // Back from "minimise to tray" on macOS, where hiding also left the Dock.
  if (win && process.platform === 'darwin' && app.dock && !app.dock.isVisible())
    void app.dock.show();
  if (win) revealWindow(win);
};

if (setupSingleInstance(app, showWindow)) {
  // (2) Policy for every WebContents is attached before any exists.
  setupWebContentsPolicy(app, shell);
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      // A broken composition must not leave a windowless process holding the port.
      console.error('pigeon: could not start:', err);
      app.exit(1);
    });
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  // Pigeon's own data lives in the data directory the CLI shares (io/default-data-dir.ts), so a
  // `pigeon` command finds this engine; userData keeps Chromium's profile. A separate profile
  // (PIGEON_PROFILE) keeps both in one place. What an older version kept in userData comes along.
  const dataDir = process.env.PIGEON_PROFILE ? userData : defaultDataDir(app.getPath('home'));
  const adopted = describeAdoption(adoptOldData(userData, dataDir), userData, dataDir);
  if (adopted) console.warn(`pigeon: ${adopted}`);
  // Electron makes userData; the data directory is ours to make (owner-only).
  try {
    ensureDataDir(dataDir);
  } catch (err) {
    console.warn(`pigeon: cannot create the data directory ${dataDir}: ${String(err)}`);
  }
  const paths = appPaths(app.getAppPath());
  setupPermissionPolicy(session.defaultSession);
  setupAppProtocol(protocol, paths.renderer);
  Menu.setApplicationMenu(process.platform === 'darwin' ? Menu.buildFromTemplate(macMenu()) : null);
  if (process.platform === 'win32') app.setAppUserModelId('io.pigeon.messenger');

  const firstRun = !fs.existsSync(path.join(dataDir, SETTINGS_FILE));
  const { settings, warning, notice, problems, preferences } = loadAppSettings(dataDir);
  if (notice) console.warn(`pigeon: ${notice}`);
  if (warning) console.warn(`pigeon: ${warning}`);
  const engine = createEngine(settings, {
    // What was wrong with settings.json reaches the window through app:info (AppInfo).
    ui: { shell: 'electron', firstRun, settingsProblems: problems },
    // The history lives in the data directory (DATA/history.db).
    history: { where: 'disk' },
    // Messages to offline peers wait in the outbox until they come back (README).
    outbox: true,
    // Dialogs and opening files; the engine reaches them only from checked contract requests.
    files: { shell: createFilesShell({ dialog, shell, getWindow: currentWindow }) },
    onHandlerError: (channel, error) => console.error(`pigeon: ${channel} failed:`, error),
  });

  // The desktop preferences apply as they change (settings:changed), without a restart.
  let prefs = preferences;
  const loginItem: LoginItemDeps = {
    platform: process.platform,
    app,
    home: app.getPath('home'),
    env: process.env,
    command: startCommand(app, process.execPath, process.env),
  };
  const applyLoginItem = (enabled: boolean): void => {
    const r = applyStartAtLogin(enabled, loginItem);
    if (!r.ok) console.warn(`pigeon: could not change starting at login: ${r.error}`);
  };
  // Written again at each start when on, so the entry follows an app that moved (a new AppImage).
  if (prefs.startAtLogin) applyLoginItem(true);

  // Tray and unread count, in the language the settings say ('system': the OS's).
  const status = new EngineStatus();
  const language = (): ReturnType<typeof shellLanguage> =>
    shellLanguage(prefs.language, app.getPreferredSystemLanguages());
  // Away (an engine setting) as the settings say; do-not-disturb is in prefs. settings:changed
  // keeps both current.
  let away = settings.away;
  const setSetting = (patch: { away: boolean } | { doNotDisturb: boolean }): void => {
    void engine.request('settings:update', patch);
  };
  const tray = setupTray(
    { Tray, Menu, platform: process.platform },
    nativeImage.createFromPath(trayIconFile(paths.assets, process.platform)),
    {
      open: showWindow,
      quit: () => app.quit(),
      setAway: (away) => setSetting({ away }),
      setDoNotDisturb: (doNotDisturb) => setSetting({ doNotDisturb }),
    },
    language(),
  );
  // The engine keeps the one unread count (every window and tab shows the same numbers).
  let unread = 0;
  const refreshTray = (): void =>
    tray.update({
      unread,
      status: status.line(language()),
      language: language(),
      away,
      doNotDisturb: prefs.doNotDisturb,
    });

  // Engine events go to the page on the contract's channels, and to the tray and notifications.
  const events = new RendererEvents((channel, payload) => {
    const win = currentWindow();
    if (win && !win.webContents.isDestroyed()) win.webContents.send(channel, payload);
  });
  const notifier = createMessageNotifier(
    { Notification, platform: process.platform, language },
    (peerId) => {
      showWindow();
      events.openConversation(peerId);
    },
  );
  engine.subscribe((event) => {
    events.forward(event);
    if (event.channel === 'settings:changed') {
      const before = prefs;
      prefs = { ...prefs, ...pickPreferences(event.payload) };
      away = event.payload.away;
      if (prefs.startAtLogin !== before.startAtLogin) applyLoginItem(prefs.startAtLogin);
      refreshTray();
      // Do not disturb: what is on screen goes too.
      if (prefs.doNotDisturb) notifier.clear();
    }
    if (status.apply(event)) refreshTray();
    if (event.channel === 'chat:unread' && event.payload.total !== unread) {
      unread = event.payload.total;
      refreshTray();
      app.setBadgeCount(unread);
    }
    if (
      event.channel === 'chat:message' &&
      shouldNotify(event.payload, {
        focused: currentWindow()?.isFocused() === true,
        notifications: prefs.notifications,
        doNotDisturb: prefs.doNotDisturb,
      })
    ) {
      notifier.notify(event.payload);
    }
  });

  // (3) IPC handlers are registered before the window loads, so the page's first request
  // never races an unregistered channel.
  const isTrustedSender = createSenderCheck(currentWindow);
  const onRefused = (channel: string, event: IpcMainInvokeEvent): void =>
    console.warn(`pigeon: refused ${channel} from ${event.senderFrame?.url ?? 'a gone frame'}`);
  const disposeIpc = setupIpcAdapter({
    ipcMain,
    isTrustedSender,
    handleRequest: engine.request,
    onRefused,
  });
  // Dropped files become picks through the preload's window.pigeonFiles, behind the same check.
  const disposeStage = setupStageDropped({
    ipcMain,
    isTrustedSender,
    addPick: (chosen) => engine.files.picks.add(chosen),
    onRefused,
  });

  // The control socket for `pigeon` commands on our data directory, once the engine runs.
  let control: ControlServer | undefined;
  const quit = setupGracefulQuit(
    app,
    async () => {
      disposeIpc();
      disposeStage();
      await control?.close();
      await engine.stop();
      tray.destroy();
    },
    { signals: process },
  );

  const win = createMainWindow(BrowserWindow, {
    preloadPath: paths.preload,
    state: loadWindowState(
      windowStateFile(dataDir),
      screen.getAllDisplays().map((d) => d.workArea),
    ),
    icon: nativeImage.createFromPath(path.join(paths.assets, 'icon.png')),
  });
  mainWindow = win;
  setupWindowStatePersistence(win, windowStateFile(dataDir));
  win.webContents.on('did-finish-load', () => events.replay());
  win.on('focus', () => notifier.clear());
  // Closing hides to the tray when the person chose so (the default on Windows and Linux; on a
  // desktop with no tray, starting Pigeon again shows the window: single-instance.ts); else it
  // quits and says goodbye on the LAN. macOS apps live on in the Dock either way.
  win.on('close', (event) => {
    const action = closeAction({
      platform: process.platform,
      minimizeToTray: prefs.minimizeToTray,
      quitting: quit.isQuitting(),
    });
    if (action === 'close') return;
    event.preventDefault();
    win.hide();
    if (action === 'hide-from-dock') app.dock?.hide();
  });
  app.on('activate', showWindow);
  app.on('window-all-closed', () => app.quit());

  // After sleep the LAN may be another one and peers forgot us: check and announce again.
  powerMonitor.on('resume', () => engine.networkChanged('resume'));

  try {
    await engine.start();
    control = await openEngineControl(engine, (line) => console.warn(`pigeon: ${line}`));
  } catch (error) {
    const failure =
      error instanceof StartError
        ? error
        : new StartError('bind-failed', {
            proto: 'UDP',
            bind: settings.bind,
            port: settings.port,
            error: String(error),
          });
    status.failed(failure.outcome);
    refreshTray();
    events.startFailed(failure.outcome);
    void dialog.showMessageBox({
      type: 'warning',
      title: shellText('start-failed.title', language()),
      message: shellText('start-failed.message', language()),
      detail: outcomeText(failure.outcome, language()),
    });
  }
}

function pickPreferences(s: AppSettings): Pick<AppSettings, keyof Preferences> {
  return {
    language: s.language,
    theme: s.theme,
    notifications: s.notifications,
    startAtLogin: s.startAtLogin,
    minimizeToTray: s.minimizeToTray,
    doNotDisturb: s.doNotDisturb,
  };
}

/** macOS expects an app menu (Quit, Edit shortcuts); other platforms get none at all. */
function macMenu(): MenuItemConstructorOptions[] {
  return [{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }];
}
