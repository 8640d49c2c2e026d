import path from 'node:path';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { LIMITS, STAGE_DROPPED_CHANNEL, err, errorToInfo, ok } from '../../shared/contract';
import type { PickedItem, Result } from '../../shared/contract';
import type { SenderCheck } from './sender-check';

/** Longer than any path Windows (32 767 UTF-16 units) or Linux (4096 bytes) accepts. */
const MAX_PATH_CHARS = 32_768;

export interface StageDroppedOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  /** The same check as the contract's channels (sender-check.ts). */
  isTrustedSender: SenderCheck;
  /** Registers a path as a pick (the engine's `files.picks.add`); throws a ContractError. */
  addPick: (chosen: string) => PickedItem;
  onRefused?: (channel: string, event: IpcMainInvokeEvent) => void;
}

/**
 * The main side of `window.pigeonFiles.stage()` in the desktop app. The preload turned the
 * dropped or pasted File objects into paths (webUtils.getPathForFile) and sends them here; this
 * registers each as a pick and answers the picks, so the page holds ids and never a path.
 * Main cannot tell a path the person dropped from one a compromised renderer made up, so the
 * sender check, the shape checks and the picks' own checks (it exists, is a file or a folder)
 * are what it can do; a pick still offers nothing until the page sends `files:offer`.
 * Answers a Result envelope in every case, like the adapter. Returns the function that unhooks it.
 */
export function setupStageDropped(options: StageDroppedOptions): () => void {
  const { ipcMain, isTrustedSender, addPick } = options;
  ipcMain.handle(STAGE_DROPPED_CHANNEL, (event, payload: unknown): Result<PickedItem[]> => {
    if (!isTrustedSender(event)) {
      options.onRefused?.(STAGE_DROPPED_CHANNEL, event);
      return err(
        'untrusted-sender',
        `${STAGE_DROPPED_CHANNEL}: refused, the caller is not Pigeon's own page`,
      );
    }
    const paths = checkPaths(payload);
    if (!paths.ok) return paths;
    try {
      return ok(paths.value.map((p) => addPick(p)));
    } catch (e) {
      const info = errorToInfo(e);
      return err(info.code, info.message);
    }
  });
  return () => ipcMain.removeHandler(STAGE_DROPPED_CHANNEL);
}

function checkPaths(payload: unknown): Result<string[]> {
  if (!Array.isArray(payload))
    return err('invalid-request', `${STAGE_DROPPED_CHANNEL}: expected a list of paths`);
  if (payload.length > LIMITS.offerItems)
    return err('invalid-request', `at most ${LIMITS.offerItems} items can be staged at once`);
  for (const [i, p] of payload.entries()) {
    if (
      typeof p !== 'string' ||
      p.length === 0 ||
      p.length > MAX_PATH_CHARS ||
      p.includes('\0') ||
      !path.isAbsolute(p)
    ) {
      return err('invalid-request', `${STAGE_DROPPED_CHANNEL}: item ${i} is not an absolute path`);
    }
  }
  return ok(payload as string[]);
}
