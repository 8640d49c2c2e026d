import type { EngineEvent, Peer } from '../../shared/model';
import { createEngine, type Engine } from '../engine/engine';
import { StartError } from '../engine/start-error';
import { settingsFromFlags, type NetworkFlags } from './network-flags';
import { printInfo } from './output';

export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Build and start an engine from the network flags; a start error becomes one clear line. */
export async function startEngine(
  flags: NetworkFlags,
  onEvent?: (e: EngineEvent) => void,
): Promise<{ engine: Engine; nickConfigured: boolean }> {
  const { settings, warning, notice, nickConfigured } = settingsFromFlags(flags);
  if (notice) printInfo(notice);
  if (warning) printInfo(warning);
  const engine = createEngine(settings);
  if (onEvent) engine.subscribe(onEvent);
  try {
    await engine.start();
  } catch (err) {
    if (err instanceof StartError) throw new CliFailure(err.message, 3);
    throw err;
  }
  return { engine, nickConfigured };
}

/** Resolve once `predicate` holds for an event, or after `ms` with undefined. */
export function waitForEvent<T extends EngineEvent>(
  engine: Engine,
  predicate: (e: EngineEvent) => e is T,
  ms: number,
): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(undefined);
    }, ms);
    const off = engine.subscribe((e) => {
      if (predicate(e)) {
        clearTimeout(timer);
        off();
        resolve(e);
      }
    });
  });
}

export function isPeerEventAt(address: string) {
  return (e: EngineEvent): e is Extract<EngineEvent, { peer: Peer }> =>
    (e.type === 'peer-online' || e.type === 'peer-changed') &&
    e.peer.address === address &&
    e.peer.announced;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
