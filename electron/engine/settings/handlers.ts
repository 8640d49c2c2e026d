import { ContractError, RESTART_KEYS } from '../../../shared/contract';
import type { AppInfo, AppSettings, Handlers, SettingsPatch } from '../../../shared/contract';
import type { EngineSettings, Outcome, SettingsFileCode } from '../../../shared/model';
import { outcomeText } from '../../../shared/model/texts';
import type { EngineContext } from '../context';
import { PIGEON_VERSION } from '../version';
import { preferencesFrom, problemsText, validateSettings } from './settings';
import {
  loadStoredSettings,
  saveStoredSettings,
  settingsFile,
  SettingsKeptError,
} from './settings-store';

/** What applies at once and is announced: names, and the away state with its reply. */
export type LiveSettings = Pick<Partial<EngineSettings>, 'nick' | 'group' | 'away' | 'awayMessage'>;

export interface UiShell {
  /** Where the UI runs: inside the Electron app, or in a browser served by the CLI. */
  shell: AppInfo['shell'];
  /** No settings were ever saved: the UI asks for nick and group first. */
  firstRun: boolean;
  /** What loading settings.json at start found wrong, for the UI to tell (AppInfo). */
  settingsProblems?: Outcome<SettingsFileCode>[];
}

/**
 * The contract's `app:info` and `settings:*` requests. Nick, group and the away state apply at
 * once (and are announced); network fields are saved and apply on the next start; UI and desktop
 * preferences (do-not-disturb among them) are saved.
 */
export function settingsHandlers(
  ctx: EngineContext,
  ui: UiShell,
  applyIdentity: (patch: LiveSettings) => void,
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
    throw new ContractError(outcome.code, outcomeText(outcome, 'en'), [outcome]);
  };

  /**
   * What the person chose: nick, group and away from the running engine, network fields from the
   * file (a changed port is saved at once but applies only on restart), preferences too.
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
      // Away applies at once, so the running engine has it (read from the file at start).
      away: running.away,
      awayMessage: running.awayMessage,
      ...preferencesFrom(saved),
    };
  };

  const update = (patch: SettingsPatch) => {
    // Checked before anything applies: a refused save must not leave a half-made change.
    const before = stored();
    if (before.keep) notSaved();
    const identity: LiveSettings = {};
    if (patch.nick !== undefined) identity.nick = patch.nick;
    if (patch.group !== undefined) identity.group = patch.group;
    if (patch.away !== undefined) identity.away = patch.away;
    if (patch.awayMessage !== undefined) identity.awayMessage = patch.awayMessage;
    if (Object.keys(identity).length > 0) {
      const problems = validateSettings({ ...ctx.settings(), ...identity });
      if (problems.length)
        throw new ContractError('invalid-request', problemsText(problems), problems);
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
