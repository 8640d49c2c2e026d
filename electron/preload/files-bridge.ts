import type { IpcRenderer } from 'electron';
import { LIMITS, STAGE_DROPPED_CHANNEL, err, errorToInfo, isResult } from '../../shared/contract';
import type { PickedItem, PigeonFiles, Result } from '../../shared/contract';

/**
 * `window.pigeonFiles` in the desktop app. stage() turns each File into its path here, in the
 * preload (webUtils.getPathForFile), and hands the paths to main, which answers picks: the page
 * gives File objects and gets ids back, and never sees a path. A File made by script (new File(),
 * a pasted image) has no file on disk behind it, so it is refused with its own code instead of
 * being written somewhere on the person's behalf. No downloadUrl: the desktop app opens received
 * files with `files:open`.
 */
export function createPigeonFiles(
  ipc: Pick<IpcRenderer, 'invoke'>,
  pathForFile: (file: File) => string,
): PigeonFiles {
  return Object.freeze({
    async stage(files: File[]): Promise<Result<PickedItem[]>> {
      if (!Array.isArray(files)) return err('invalid-request', 'stage() takes a list of files');
      if (files.length > LIMITS.offerItems)
        return err('invalid-request', `at most ${LIMITS.offerItems} files can be staged at once`);
      if (files.length === 0) return { ok: true, value: [] };
      const paths: string[] = [];
      for (const [i, file] of files.entries()) {
        let found: string;
        try {
          // Throws for anything that is not a File (the page may pass anything).
          found = pathForFile(file);
        } catch {
          return err('invalid-request', `item ${i} is not a File`);
        }
        if (!found) {
          return err(
            'not-on-disk',
            `${JSON.stringify(file.name.slice(0, 80))} has no file on disk behind it (made by script or pasted): save it, then drop or choose the file`,
          );
        }
        paths.push(found);
      }
      try {
        const reply: unknown = await ipc.invoke(STAGE_DROPPED_CHANNEL, paths);
        return isResult(reply)
          ? (reply as Result<PickedItem[]>)
          : err('transport', `${STAGE_DROPPED_CHANNEL}: malformed reply`);
      } catch (e) {
        return err('transport', errorToInfo(e).message);
      }
    },
  });
}
