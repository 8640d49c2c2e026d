import path from 'node:path';
import { errorToInfo, type ContractEvent, type Result } from '../../shared/contract';
import { connectControl, type EngineLink } from '../control/control-client';
import type { Engine } from '../engine/engine';
import { defaultDataDir } from '../engine/io/default-data-dir';
import type { NetworkFlags } from './network-flags';
import { printInfo } from './output';
import { CliFailure } from './run-engine';

/** The engine a one-shot command works with, and how to let go of it. */
export interface OpenedLink {
  link: EngineLink;
  /** True when it is the engine `pigeon serve` or the app runs on the data directory. */
  remote: boolean;
  /** The command's own engine says goodbye and stops; a running one is only disconnected. */
  close(): Promise<void>;
}

/**
 * When Pigeon runs on the command's data directory, go through it (its control socket) rather
 * than start a second engine, which would need the same port and would announce us twice; else
 * start one with `startOwn`. `--alone`, or a `--bind`/`--port` other than the running engine's,
 * asks for an engine of the command's own.
 */
export async function openEngineLink(
  flags: NetworkFlags,
  startOwn: () => Promise<Engine>,
): Promise<OpenedLink> {
  if (!flags.alone) {
    const dataDir = path.resolve(flags.data ?? defaultDataDir());
    const client = await connectControl(dataDir);
    if (client) {
      const w = client.welcome;
      const differs =
        (flags.port !== undefined && flags.port !== w.port) ||
        (flags.bind !== undefined && flags.bind !== w.bind);
      if (!differs) {
        if (flags.nick !== undefined && flags.nick !== w.nick)
          printInfo(`Pigeon runs on ${dataDir} as ${JSON.stringify(w.nick)}: its nick is used`);
        return {
          link: client,
          remote: true,
          close: () => {
            client.close();
            return Promise.resolve();
          },
        };
      }
      client.close();
    }
  }
  const engine = await startOwn();
  return { link: engineLink(engine), remote: false, close: () => engine.stop() };
}

/** A started engine as an EngineLink: the same requests the socket carries, in process. */
export function engineLink(engine: Engine): EngineLink {
  return {
    request: (ch, req) => engine.request(ch, req) as never,
    subscribe: (listener) => engine.subscribe(listener),
    pick: (p) => {
      try {
        return Promise.resolve({ ok: true, value: engine.files.picks.add(p) });
      } catch (error) {
        return Promise.resolve({ ok: false, error: errorToInfo(error) });
      }
    },
  };
}

/** The value of an answer, or the command fails (exit 1) with its message. */
export function valueOf<T>(r: Result<T>): T {
  if (!r.ok) throw new CliFailure(r.error.message, 1);
  return r.value;
}

/** Resolve once `predicate` holds for an event, or after `ms` with undefined. */
export function waitForLinkEvent<T extends ContractEvent>(
  link: EngineLink,
  predicate: (e: ContractEvent) => e is T,
  ms: number,
): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(undefined);
    }, ms);
    // A wait nobody needs any more (the peer was known) must not hold the process open.
    timer.unref();
    const off = link.subscribe((e) => {
      if (predicate(e)) {
        clearTimeout(timer);
        off();
        resolve(e);
      }
    });
  });
}
