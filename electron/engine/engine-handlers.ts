import { ContractError, RESTART_KEYS } from '../../shared/contract';
import type { AppInfo, AppSettings, Handlers, SettingsPatch } from '../../shared/contract';
import type { EngineApi } from './engine-api';
import { loadStoredSettings, saveStoredSettings } from './settings-store';
import { PIGEON_VERSION } from './version';

export interface EngineHandlerDeps {
  engine: EngineApi;
  /** Where settings.json lives (userData in the app). */
  dataDir: string;
  shell: AppInfo['shell'];
  /** No settings.json existed when the app started. */
  firstRun: boolean;
  onSettingsChanged?: (settings: AppSettings) => void;
  onMarkRead?: (peerId: string) => void;
}

/**
 * The contract's request handlers over one engine. Plain TypeScript with no Electron in it, so
 * the browser host can use the same map. Payloads arrive already validated by the contract's
 * dispatcher; what is left here is choosing the engine call and keeping settings.json current.
 */
export function createEngineHandlers(deps: EngineHandlerDeps): Handlers {
  const { engine, dataDir } = deps;
  let firstRun = deps.firstRun;
  // Unread counts live with the host, not the engine: every window of it shares them, and a
  // browser tab that opens later still sees what arrived before it.
  const unread = new Map<string, number>();
  engine.subscribe((e) => {
    if (e.type === 'message') unread.set(e.peerId, (unread.get(e.peerId) ?? 0) + 1);
  });

  /**
   * What the person chose: nick and group from the running engine, network fields from the
   * file (a changed port is saved at once but applies only on restart), UI preferences too.
   */
  const current = (): AppSettings => {
    const running = engine.settings();
    const stored = loadStoredSettings(dataDir).settings;
    return {
      nick: running.nick,
      group: running.group,
      user: running.user,
      host: running.host,
      bind: stored.bind ?? running.bind,
      port: stored.port ?? running.port,
      broadcast: stored.broadcast ?? running.broadcast,
      unicastHosts: stored.unicastHosts ?? running.unicastHosts,
      language: stored.language ?? 'system',
      theme: stored.theme ?? 'system',
    };
  };

  const update = (patch: SettingsPatch) => {
    const identity: { nick?: string; group?: string } = {};
    if (patch.nick !== undefined) identity.nick = patch.nick;
    if (patch.group !== undefined) identity.group = patch.group;
    if (Object.keys(identity).length > 0) engine.updateSettings(identity);
    const stored = loadStoredSettings(dataDir).settings;
    saveStoredSettings(dataDir, { ...stored, ...patch });
    firstRun = false;
    const settings = current();
    const running = engine.settings();
    const restartRequired = RESTART_KEYS.some(
      (key) => JSON.stringify(settings[key]) !== JSON.stringify(running[key]),
    );
    deps.onSettingsChanged?.(settings);
    return { settings, restartRequired };
  };

  return {
    'app:info': () => {
      const running = engine.settings();
      return {
        version: PIGEON_VERSION,
        settings: current(),
        firstRun,
        suggested: { nick: running.user, group: running.host },
        shell: deps.shell,
      };
    },
    'settings:get': () => current(),
    'settings:update': update,
    'peers:list': () => engine.peers(),
    'peers:refresh': () => {
      engine.refresh();
      return null;
    },
    'peers:add': ({ address, port }) => {
      engine.announceTo(address, port);
      return null;
    },
    'chat:conversations': () =>
      engine
        .conversationList()
        .map(({ peerId, last }) => ({ peerId, last, unread: unread.get(peerId) ?? 0 })),
    'chat:history': ({ peerId }) => engine.conversation(peerId),
    'chat:send': (request) => engine.send(request),
    'chat:broadcast': ({ text }) => engine.broadcastText(text),
    'chat:retry': ({ messageId }) => {
      const message = engine.retry(messageId);
      if (!message) throw new ContractError('not-found', `no failed message ${messageId} to retry`);
      return message;
    },
    'chat:mark-read': ({ peerId }) => {
      unread.delete(peerId);
      deps.onMarkRead?.(peerId);
      return null;
    },
    'echo:start': (request) => {
      const started = engine.startEcho(request);
      if (!started.ok) {
        // The contract checked the fields; what is left is the engine's state or its target.
        const code = /not running/i.test(started.error) ? 'not-running' : 'invalid-request';
        throw new ContractError(code, started.error);
      }
      return { runId: started.runId };
    },
    'echo:stop': ({ runId }) => ({ stopped: engine.cancelEcho(runId) }),
    'echo:sweep': (request) => engine.sizeSweep(request),
    'echo:reach': (request) => engine.broadcastReach(request),
    'diag:doctor': (request) => engine.doctor(request),
    'diag:interfaces': () => engine.interfaces(),
    'diag:bundle': ({ redact }) => ({
      text: engine.diagnosticsBundle({ redact: redact === true }),
    }),
  };
}
