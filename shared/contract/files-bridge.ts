import type { PickedItem } from './requests';
import type { Result } from './result';

/**
 * What a page needs beyond the request map to hand files to the engine and get them back, and
 * the one place where the two hosts differ. The desktop app's preload turns dropped or pasted
 * File objects into paths (webUtils.getPathForFile, in the preload, never in the page) and the
 * main process registers them as picks; the browser host uploads their contents in bounded
 * chunks into a staging folder in the data directory and registers those. Either way the page
 * gets picks (ids), never paths, and offers them with `files:offer`.
 * Installed as `window.pigeonFiles` beside `window.pigeon`.
 */
export interface PigeonFiles {
  /** Files the person dropped, pasted or chose in an <input type=file>: picks to offer. */
  stage(files: File[]): Promise<Result<PickedItem[]>>;
  /**
   * Browser host only: a URL that downloads a received file (done, incoming); undefined in the
   * desktop app, which opens files with `files:open` instead.
   */
  downloadUrl?(transferId: string): string;
}

/** The Electron IPC channel the preload uses for stage(); not part of the request map. */
export const STAGE_DROPPED_CHANNEL = 'files:stage-dropped';
