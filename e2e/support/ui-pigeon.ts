import type { HostRef, Lan } from '../lab/netns-lan';
import { PigeonProcess } from '../lab/pigeon-process';

export interface UiPigeon {
  proc: PigeonProcess;
  /** What `serve --ui` printed: http://127.0.0.1:PORT/?token=... (inside the host's namespace). */
  url: string;
}

/**
 * `pigeon serve --ui 0 --json --bind 0.0.0.0 --broadcast <lan> --data <tmp> [--nick ...]` in one
 * host of the LAN, as a person on a machine without a desktop would run it; the URL comes from
 * its `{"event":"cli:ui"}` line on stdout.
 */
export async function startUiPigeon(
  lan: Lan,
  host: HostRef,
  args: { nick?: string; group?: string; extra?: string[] },
): Promise<UiPigeon> {
  const proc = await PigeonProcess.start(lan, host, {
    ...args,
    extra: ['--ui', '0', '--bind', '0.0.0.0', ...(args.extra ?? [])],
  });
  const ui = (await proc.waitForCli('cli:ui', 5000)) as { url: string; urls: string[] };
  return { proc, url: ui.url };
}
