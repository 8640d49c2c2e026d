import type { ContractEvent, EventListener } from '../../shared/contract';
import type { Peer } from '../../shared/model';
import { outcomeText } from '../../shared/model/texts';
import { createEngine, type Engine, type EngineOptions } from '../engine/engine';
import { ensureDataDir } from '../engine/io/data-dir';
import { isPortInUse, StartError } from '../engine/start-error';
import { cliLanguage } from './language';
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

/** Exit code 3: Pigeon could not start; the reason in the person's language. */
export function startFailure(err: StartError): CliFailure {
  const hint = isPortInUse(err.code) ? ' (or start Pigeon with --port N)' : '';
  return new CliFailure(`${outcomeText(err.outcome, cliLanguage())}${hint}`, 3);
}

/** Build and start an engine from the network flags; a start error becomes one clear line. */
export async function startEngine(
  flags: NetworkFlags,
  onEvent?: EventListener,
  options: Omit<EngineOptions, 'ui'> & { shell?: 'browser' } = {},
): Promise<{ engine: Engine; nickConfigured: boolean }> {
  const { settings, warning, notice, nickConfigured, settingsProblems } = settingsFromFlags(flags);
  if (notice) printInfo(notice);
  if (warning) printInfo(warning);
  // The engine keeps its packet counter there, so that the next run never starts lower than
  // this one (iptux ignores a number not above the last it saw): make it, owner-only, if new.
  try {
    ensureDataDir(settings.dataDir);
  } catch (err) {
    printInfo(
      `cannot create the data directory ${settings.dataDir} (${err instanceof Error ? err.message : String(err)}): the packet counter is not kept`,
    );
  }
  const { shell, ...rest } = options;
  // Without a nick from a flag or an earlier run, the browser page asks for one first.
  const engine = createEngine(settings, {
    ...rest,
    ...(shell ? { ui: { shell, firstRun: !nickConfigured, settingsProblems } } : {}),
  });
  if (onEvent) engine.subscribe(onEvent);
  try {
    await engine.start();
  } catch (err) {
    if (err instanceof StartError) throw startFailure(err);
    throw err;
  }
  return { engine, nickConfigured };
}

/** Resolve once `predicate` holds for an event, or after `ms` with undefined. */
export function waitForEvent<T extends ContractEvent>(
  engine: Engine,
  predicate: (e: ContractEvent) => e is T,
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

/** A peer at that address announced itself (or changed), so we know its dialect. */
export function isPeerEventAt(address: string) {
  return (e: ContractEvent): e is { channel: 'peers:online' | 'peers:changed'; payload: Peer } =>
    (e.channel === 'peers:online' || e.channel === 'peers:changed') &&
    e.payload.address === address &&
    e.payload.announced;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
