import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { REQUEST_CHANNELS, err, errorToInfo } from '../../shared/contract';
import type { RequestHandler, Result } from '../../shared/contract';
import type { SenderCheck } from './sender-check';

export interface IpcAdapterOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  /** Decides whether an invoke comes from our own page (see sender-check.ts). */
  isTrustedSender: SenderCheck;
  /** The contract's dispatcher: validates the payload and calls the engine's handler. */
  handleRequest: RequestHandler;
  /** Told about refused senders, for the log. */
  onRefused?: (channel: string, event: IpcMainInvokeEvent) => void;
}

/**
 * Connects the contract's request channels to ipcMain. Every channel in the contract's runtime
 * list gets a handler and no other channel does, so the page cannot reach anything the contract
 * does not name. Every invoke answers with a Result envelope: an untrusted sender, a bad payload
 * and a failing handler all come back as `{ ok: false, error }`, never as a rejected promise
 * (Electron would keep only the message of a thrown error). Returns the function that unhooks it.
 */
export function setupIpcAdapter(options: IpcAdapterOptions): () => void {
  const { ipcMain, isTrustedSender, handleRequest } = options;
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event)) {
        options.onRefused?.(channel, event);
        return err('untrusted-sender', `${channel}: refused, the caller is not Pigeon's own page`);
      }
      try {
        return await handleRequest(channel, payload);
      } catch (e) {
        // The dispatcher promises never to reject; this keeps the promise if it ever does.
        const info = errorToInfo(e);
        return err(info.code, info.message);
      }
    });
  }
  return () => {
    for (const channel of REQUEST_CHANNELS) ipcMain.removeHandler(channel);
  };
}
