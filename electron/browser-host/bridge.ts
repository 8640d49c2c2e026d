/**
 * The browser host's bridge (served as /__bridge.js, a classic script that runs before the
 * renderer's module): window.pigeon = createApi(WebSocket transport), which is all the renderer
 * needs, exactly as the Electron preload gives it window.pigeon over IPC. The token comes from
 * the page URL pigeon printed (?token=... or #token=...).
 */
import { createApi } from '../../shared/contract';
import type { PigeonApi, PigeonFiles } from '../../shared/contract';
import { createUploadBridge } from './upload-bridge';
import { WS_PATH } from './ws-path';
import { createWsTransport, type SocketLike } from './ws-client-transport';

interface PageGlobals {
  location: { protocol: string; host: string; search: string; hash: string };
  WebSocket: new (url: string) => unknown;
  fetch: typeof fetch;
  pigeon?: PigeonApi;
  pigeonFiles?: PigeonFiles;
}

const page = globalThis as unknown as PageGlobals;

function tokenFromUrl(): string {
  const fromQuery = new URLSearchParams(page.location.search).get('token');
  const fromHash = new URLSearchParams(page.location.hash.replace(/^#/, '')).get('token');
  return fromQuery ?? fromHash ?? '';
}

const token = tokenFromUrl();
if (token) {
  const scheme = page.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const transport = createWsTransport({
    url: `${scheme}//${page.location.host}${WS_PATH}?token=${encodeURIComponent(token)}`,
    connect: (u) => new page.WebSocket(u) as SocketLike,
    onStatus: (status) => {
      if (status === 'closed') console.warn('pigeon: no connection to the host, retrying');
    },
  });
  Object.defineProperty(page, 'pigeon', {
    value: createApi(transport),
    enumerable: true,
    configurable: false,
    writable: false,
  });
  Object.defineProperty(page, 'pigeonFiles', {
    value: createUploadBridge(token, (input, init) => page.fetch(input, init)),
    enumerable: true,
    configurable: false,
    writable: false,
  });
} else {
  // Without the token the host refuses every socket. Leaving window.pigeon undefined makes the
  // page say so ("run pigeon serve --ui and open the address it prints") instead of hanging.
  console.warn('pigeon: this address has no token; open the URL that `pigeon serve --ui` printed');
}
