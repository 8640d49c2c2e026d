import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import type { EventListener, RequestHandler } from '../../shared/contract';
import { AccessPolicy, createToken } from './access';
import { createFilesEndpoint, type HostFiles } from './files-endpoint';
import { createHttpHandler } from './http-handler';
import type { StagingLimits } from './staging';
import { injectBridge } from './index-html';
import { createWsEndpoint } from './ws-endpoint';

export interface BrowserHostOptions {
  /** The contract's dispatcher over the engine (engine.request). */
  handle: RequestHandler;
  /** The engine's events; each goes to every open page. */
  subscribe: (listener: EventListener) => () => void;
  rendererDir: string;
  bridgeFile: string;
  /** Address to listen on. Default 127.0.0.1; anything else exposes the UI beyond this machine. */
  host?: string;
  /** 0 or absent: a free port chosen by the system. */
  port?: number;
  /** For tests; normally a fresh random token per run. */
  token?: string;
  /** The engine's files (uploads to offer, downloads of what arrived); absent: no file doors. */
  files?: HostFiles;
  /** For tests; normally STAGING_LIMITS. */
  stagingLimits?: Partial<StagingLimits>;
  /** A refused request or socket, for a log line. */
  onRefused?: (why: string) => void;
}

export interface BrowserHost {
  /** The URL to open, token included; the first of `urls`. */
  readonly url: string;
  /** Every URL the UI answers at (one per address when bound to 0.0.0.0). */
  readonly urls: readonly string[];
  readonly host: string;
  readonly port: number;
  readonly token: string;
  readonly clients: number;
  close(): Promise<void>;
}

export const DEFAULT_UI_HOST = '127.0.0.1';

export function isLoopback(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/** The addresses a browser may use to reach a server bound to `host` (for Host and Origin). */
function reachableAt(host: string): { open: string[]; allowed: string[] } {
  if (host === '0.0.0.0') {
    const own = Object.values(os.networkInterfaces()).flatMap((list) =>
      (list ?? []).filter((i) => i.family === 'IPv4' && !i.internal).map((i) => i.address),
    );
    return { open: ['127.0.0.1', ...own], allowed: ['127.0.0.1', 'localhost', ...own] };
  }
  return { open: [host], allowed: host === '127.0.0.1' ? [host, 'localhost'] : [host] };
}

/**
 * `pigeon serve --ui`: the renderer the Electron app shows, served to a browser, talking to this
 * process's engine over one WebSocket per tab. Same contract, same validation, same handlers as
 * the app; only the transport differs.
 */
export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const host = opts.host ?? DEFAULT_UI_HOST;
  const token = opts.token ?? createToken();
  const indexHtml = Buffer.from(
    injectBridge(fs.readFileSync(`${opts.rendererDir}/index.html`, 'utf8')),
  );
  const bridgeJs = fs.readFileSync(opts.bridgeFile);

  const server = http.createServer({ maxHeaderSize: 16 * 1024 });
  const listening = new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  const port = await listening;
  const where = reachableAt(host);
  // Handlers are attached only now: the policy needs the port, known only after listen().
  const policy = new AccessPolicy(token, where.allowed, port);

  const ws = createWsEndpoint({
    handle: opts.handle,
    policy,
    onRefused: (why) => opts.onRefused?.(`WebSocket refused: ${why}`),
  });
  server.on(
    'request',
    createHttpHandler({
      rendererDir: opts.rendererDir,
      indexHtml,
      bridgeJs,
      policy,
      ...(opts.files
        ? {
            files: createFilesEndpoint({
              files: opts.files,
              policy,
              ...(opts.stagingLimits ? { limits: opts.stagingLimits } : {}),
            }),
          }
        : {}),
    }),
  );
  server.on('upgrade', (req, socket, head) => ws.upgrade(req, socket, head));
  server.on('clientError', (_err, socket) => socket.destroy());

  const unsubscribe = opts.subscribe((event) => ws.broadcast(event.channel, event.payload));

  const urls = where.open.map((a) => `http://${a}:${port}/?token=${token}`);
  return {
    url: urls[0] ?? '',
    urls,
    host,
    port,
    token,
    get clients() {
      return ws.clients;
    },
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        ws.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
