import type { Engine } from '../engine/engine';
import type { ControlPathEnv } from './control-path';
import { startControlServer, type ControlServer } from './control-server';

/**
 * Open the control socket of a started engine, for `pigeon` commands on its data directory
 * (`pigeon serve` and the app both call this). Without it the engine still runs: `warn` says why,
 * and commands then start engines of their own.
 */
export async function openEngineControl(
  engine: Engine,
  warn: (line: string) => void,
  env?: ControlPathEnv,
): Promise<ControlServer | undefined> {
  const dataDir = engine.settings().dataDir;
  const r = await startControlServer(
    dataDir,
    {
      request: engine.request,
      subscribe: (listener) => engine.subscribe(listener),
      addPick: (p) => engine.files.picks.add(p),
      welcome: () => {
        const s = engine.settings();
        return {
          bind: s.bind,
          port: engine.local().port,
          nick: s.nick,
          group: s.group,
          pid: process.pid,
        };
      },
    },
    env,
  );
  if (r.ok) return r.server;
  warn(`no control socket (${r.message}): pigeon commands on ${dataDir} start their own engine`);
  return undefined;
}
