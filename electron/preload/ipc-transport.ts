import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { err, isEventChannel, isRequestChannel } from '../../shared/contract';
import type { Transport } from '../../shared/contract';

/**
 * The contract's Transport over Electron IPC. Only contract channels pass, in both directions,
 * and listeners receive the payload alone: the IpcRendererEvent (which carries `sender`, a way
 * back into ipcRenderer) never reaches the page.
 */
export function createIpcTransport(
  ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>,
): Transport {
  return {
    invoke(channel, payload) {
      if (!isRequestChannel(channel)) {
        return Promise.resolve(
          err('unknown-channel', `unknown request channel ${String(channel)}`),
        );
      }
      return ipc.invoke(channel, payload) as Promise<never>;
    },
    on(channel, listener) {
      if (!isEventChannel(channel)) throw new TypeError(`unknown event channel ${String(channel)}`);
      const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
      ipc.on(channel, forward);
      return () => {
        ipc.removeListener(channel, forward);
      };
    },
  };
}
