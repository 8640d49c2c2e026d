import dgram from 'node:dgram';
import type { EventListener } from '../../shared/contract';
import { createEngine, type Engine, type PresenceMode } from '../engine/engine';
import { isPortInUse, StartError } from '../engine/start-error';
import { settingsFromFlags, type NetworkFlags } from './network-flags';
import { printInfo } from './output';
import { startFailure } from './run-engine';

/**
 * An engine for `pigeon echo` and `pigeon doctor`: no TCP listener (they only probe), no
 * repeated start-up entry (it would answer an IPMsg ping twice), presence told to the probed
 * host alone (`presence`; `echo --reach` discovers, and tells the LAN). When Pigeon's port is held by
 * another program and the caller allows it, it runs on a free port instead and tells the
 * diagnostics so: Pigeon peers answer echo to any port; IPMsg clients answer only to 2425.
 */
export async function startProbeEngine(
  flags: NetworkFlags,
  opts: { portFallback: boolean; onEvent?: EventListener; presence?: PresenceMode },
): Promise<{ engine: Engine; portConflict?: number }> {
  const { settings, warning, notice } = settingsFromFlags(flags);
  if (notice) printInfo(notice);
  if (warning) printInfo(warning);
  const start = async (port: number, portConflict?: number) => {
    const engine = createEngine(
      { ...settings, port },
      {
        tcp: false,
        entryRepeatMs: 0,
        ...(opts.presence !== undefined ? { presence: opts.presence } : {}),
        ...(portConflict !== undefined ? { diagnostics: { portConflict } } : {}),
      },
    );
    if (opts.onEvent) engine.subscribe(opts.onEvent);
    await engine.start();
    return engine;
  };
  try {
    return { engine: await start(settings.port) };
  } catch (err) {
    if (!(err instanceof StartError)) throw err;
    if (!isPortInUse(err.code) || !opts.portFallback || flags.port !== undefined) {
      throw startFailure(err);
    }
    const free = await freeUdpPort(settings.bind);
    printInfo(
      `UDP port ${settings.port} is in use by another program: probing from port ${free} instead`,
    );
    try {
      return { engine: await start(free, settings.port), portConflict: settings.port };
    } catch (again) {
      if (again instanceof StartError) throw startFailure(again);
      throw again;
    }
  }
}

function freeUdpPort(bind: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(0, bind, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
