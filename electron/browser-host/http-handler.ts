import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CSP_HEADER } from '../renderer-serving/content-security-policy';
import { contentTypeOf } from '../renderer-serving/content-types';
import { resolveRendererFile } from '../renderer-serving/renderer-files';
import type { AccessPolicy } from './access';
import type { FilesEndpoint } from './files-endpoint';
import { BRIDGE_PATH } from './index-html';

/**
 * Sent with every response. The CSP is the Electron app's own (its 'self' is this origin here);
 * no-referrer keeps the token in the page URL from leaking to a link a peer sent; the page may
 * not be framed or opened cross-origin, and nothing is sniffed into something runnable.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CSP_HEADER,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

export interface HttpHandlerOptions {
  rendererDir: string;
  /** index.html with the bridge tag already in it. */
  indexHtml: Buffer;
  bridgeJs: Buffer;
  policy: AccessPolicy;
  /** Uploads and downloads of files (absent: the host serves no files). */
  files?: FilesEndpoint;
}

/**
 * GET and HEAD of the renderer's files, the injected index.html and the bridge; and the file
 * endpoints, which check their own methods and the token.
 */
export function createHttpHandler(opts: HttpHandlerOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (!opts.policy.hostAllowed(req.headers.host)) {
      return plain(res, 421, 'unknown host name: open the URL pigeon printed');
    }
    const url = req.url ?? '/';
    if (url.length > 2048) return plain(res, 414, 'URL too long');
    // Only the path: the query carries the token, which the page's script reads itself.
    const pathname = url.split(/[?#]/, 1)[0] ?? '/';
    if (opts.files?.handles(pathname)) return opts.files.handle(req, res, pathname, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return plain(res, 405, 'method not allowed');
    }
    const head = req.method === 'HEAD';

    if (pathname === '/' || pathname === '/index.html') {
      return send(res, 200, 'text/html; charset=utf-8', opts.indexHtml, head);
    }
    if (pathname === BRIDGE_PATH) {
      return send(res, 200, 'text/javascript; charset=utf-8', opts.bridgeJs, head);
    }
    const found = resolveRendererFile(opts.rendererDir, pathname);
    if (!found.ok) return plain(res, found.status, found.reason);
    fs.readFile(found.file, (error, body) => {
      if (error) return plain(res, 404, 'not found');
      send(res, 200, contentTypeOf(found.file), body, head);
    });
  };
}

function send(res: ServerResponse, status: number, type: string, body: Buffer, head: boolean) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length });
  res.end(head ? undefined : body);
}

function plain(res: ServerResponse, status: number, text: string) {
  send(res, status, 'text/plain; charset=utf-8', Buffer.from(`${text}\n`), false);
}
