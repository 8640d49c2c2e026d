import { ContractError, RESTART_KEYS } from '../../../shared/contract';
import type { AppInfo, AppSettings, Handlers, SettingsPatch } from '../../../shared/contract';
import type { EngineSettings, Outcome, SettingsFileCode } from '../../../shared/model';
import { outcomeText } from '../../../shared/model/texts';
import type { EngineContext } from '../context';
import { PIGEON_VERSION } from '../version';
import { preferencesFrom, validateSettings } from './settings';
import {
  loadStoredSettings,
  saveStoredSettings,
  settingsFile,
  SettingsKeptError,
} from './settings-store';

export interface UiShell {
  /** Where the UI runs: inside the Electron app, or in a browser served by the CLI. */
  shell: AppInfo['shell'];
  /** No settings were ever saved: the UI asks for nick and group first. */
  firstRun: boolean;
  /** What loading settings.json at start found wrong, for the UI to tell (AppInfo). */
  settingsProblems?: Outcome<SettingsFileCode>[];
}

/**
 * The contract's `app:info` and `settings:*` requests. Nick and group apply at once (and are
 * announced); network fields are saved and apply on the next start; UI preferences are saved.
 */
export function settingsHandlers(
  ctx: EngineContext,
  ui: UiShell,
  applyIdentity: (patch: Pick<Partial<EngineSettings>, 'nick' | 'group'>) => void,
) {
  let firstRun = ui.firstRun;
  const problems = [...(ui.settingsProblems ?? [])];

  /** settings.json now; a file damaged since the start is moved aside then, and told. */
  const stored = () => {
    const read = loadStoredSettings(ctx.dataDir);
    for (const p of read.problems) {
      if (p.code !== 'settings-corrupt') continue;
      problems.push(p);
      ctx.emit('engine:error', p);
    }
    return read;
  };

  const notSaved = (): never => {
    const outcome = new SettingsKeptError(settingsFile(ctx.dataDir)).outcome;
    throw new ContractError(outcome.code, outcomeText(outcome, 'en'));
  };

  /**
   * What the person chose: nick and group from the running engine, network fields from the
   * file (a changed port is saved at once but applies only on restart), UI preferences too.
   */
  const current = (): AppSettings => {
    const running = ctx.settings();
    const saved = stored().settings;
    return {
      nick: running.nick,
      group: running.group,
      user: running.user,
      host: running.host,
      bind: saved.bind ?? running.bind,
      port: saved.port ?? running.port,
      broadcast: saved.broadcast ?? running.broadcast,
      unicastHosts: saved.unicastHosts ?? running.unicastHosts,
      ...preferencesFrom(saved),
    };
  };

  const update = (patch: SettingsPatch) => {
    // Checked before anything applies: a refused save must not leave a half-made change.
    const before = stored();
    if (before.keep) notSaved();
    const identity: { nick?: string; group?: string } = {};
    if (patch.nick !== undefined) identity.nick = patch.nick;
    if (patch.group !== undefined) identity.group = patch.group;
    if (Object.keys(identity).length > 0) {
      const problems = validateSettings({ ...ctx.settings(), ...identity });
      if (problems.length) throw new ContractError('invalid-request', problems.join('; '));
      applyIdentity(identity);
    }
    try {
      saveStoredSettings(ctx.dataDir, { ...before.settings, ...patch });
    } catch (err) {
      if (err instanceof SettingsKeptError) notSaved();
      throw err;
    }
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
        settingsProblems: [...problems],
      };
    },
    'settings:get': () => current(),
    'settings:update': update,
  } satisfies Pick<Handlers, 'app:info' | 'settings:get' | 'settings:update'>;
}
