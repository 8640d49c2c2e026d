import { ContractError, RESTART_KEYS } from '../../../shared/contract';
import type { AppInfo, AppSettings, Handlers, SettingsPatch } from '../../../shared/contract';
import type { EngineSettings } from '../../../shared/model';
import type { EngineContext } from '../context';
import { PIGEON_VERSION } from '../version';
import { validateSettings } from './settings';
import { loadStoredSettings, saveStoredSettings } from './settings-store';

/** What applies at once and is announced: names, and the away state with its reply. */
export type LiveSettings = Pick<Partial<EngineSettings>, 'nick' | 'group' | 'away' | 'awayMessage'>;

export interface UiShell {
  /** Where the UI runs: inside the Electron app, or in a browser served by the CLI. */
  shell: AppInfo['shell'];
  /** No settings were ever saved: the UI asks for nick and group first. */
  firstRun: boolean;
}

/**
 * The contract's `app:info` and `settings:*` requests. Nick, group and the away state apply at
 * once (and are announced); network fields are saved and apply on the next start; UI preferences are saved.
 */
export function settingsHandlers(
  ctx: EngineContext,
  ui: UiShell,
  applyIdentity: (patch: LiveSettings) => void,
) {
  let firstRun = ui.firstRun;

  /**
   * What the person chose: nick and group from the running engine, network fields from the
   * file (a changed port is saved at once but applies only on restart), UI preferences too.
   */
  const current = (): AppSettings => {
    const running = ctx.settings();
    const stored = loadStoredSettings(ctx.dataDir).settings;
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
      away: running.away ?? false,
      awayMessage: running.awayMessage ?? '',
      doNotDisturb: stored.doNotDisturb ?? false,
    };
  };

  const update = (patch: SettingsPatch) => {
    const identity: LiveSettings = {};
    if (patch.nick !== undefined) identity.nick = patch.nick;
    if (patch.group !== undefined) identity.group = patch.group;
    if (patch.away !== undefined) identity.away = patch.away;
    if (patch.awayMessage !== undefined) identity.awayMessage = patch.awayMessage;
    if (Object.keys(identity).length > 0) {
      const problems = validateSettings({ ...ctx.settings(), ...identity });
      if (problems.length) throw new ContractError('invalid-request', problems.join('; '));
      applyIdentity(identity);
    }
    const stored = loadStoredSettings(ctx.dataDir).settings;
    saveStoredSettings(ctx.dataDir, { ...stored, ...patch });
    firstRun = false;
    const settings = current();
    const running = ctx.settings();
    const restartRequired = RESTART_KEYS.some(
      (key) => JSON.stringify(settings[key]) !== JSON.stringify(running[key]),
    );
    ctx.emit('settings:changed', settings);
    return { settings, restartRequired };
  };

  return {
    'app:info': () => {
      const running = ctx.settings();
      return {
        version: PIGEON_VERSION,
        settings: current(),
        firstRun,
        suggested: { nick: running.user, group: running.host },
        shell: ui.shell,
      };
    },
    'settings:get': () => current(),
    'settings:update': update,
  } satisfies Pick<Handlers, 'app:info' | 'settings:get' | 'settings:update'>;
}
