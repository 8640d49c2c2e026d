import type { BrowserWindow, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { isAppUrl } from './app-origin';

export type SenderCheck = (event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>) => boolean;

type TrustedWindow = Pick<BrowserWindow, 'isDestroyed'> & {
  webContents: Pick<BrowserWindow['webContents'], 'id' | 'mainFrame'>;
};
type FrameFacts = Pick<WebFrameMain, 'url' | 'parent' | 'frameToken' | 'processId' | 'detached'>;

/**
 * Only the main frame of our own window, showing our own app:// page, may call the engine.
 * Anything else (a frame that navigated away or was destroyed, so senderFrame is null; an
 * iframe; a page from another origin; another window) is refused. This is the check Electron's
 * security checklist asks for in every handler, done once for all of them in the adapter.
 */
export function createSenderCheck(getWindow: () => TrustedWindow | undefined): SenderCheck {
  return (event) => {
    const frame = event.senderFrame as FrameFacts | null;
    const win = getWindow();
    if (frame === null || win === undefined || win.isDestroyed()) return false;
    if (event.sender.id !== win.webContents.id) return false;
    const main = win.webContents.mainFrame as FrameFacts;
    // The frame token names one document's frame host, so a stale or sibling frame cannot match.
    if (frame.detached || frame.parent !== null) return false;
    if (frame.frameToken !== main.frameToken || frame.processId !== main.processId) return false;
    return isAppUrl(frame.url);
  };
}
