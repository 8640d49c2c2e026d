import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CSP_HEADER } from '../../electron/renderer-serving/content-security-policy';
import { contentTypeOf } from '../../electron/renderer-serving/content-types';
import { resolveRendererFile } from '../../electron/renderer-serving/renderer-files';

/**
 * Where `npm run build:demo` puts the renderer on the in-memory fake engine. Read when asked:
 * Playwright loads this file as CommonJS (`__dirname`); the UI bench, an ES module without
 * `__dirname`, passes its own folder to serveDemo.
 */
function demoDir(): string {
  return path.resolve(__dirname, '../../out/renderer-demo');
}

export function demoBuilt(): { ok: true } | { ok: false; reason: string } {
  return fs.existsSync(path.join(demoDir(), 'demo.html'))
    ? { ok: true }
    : { ok: false, reason: 'out/renderer-demo/demo.html is missing: run npm run build:demo' };
}

/**
 * The demo build on 127.0.0.1 (an ephemeral port), served as both hosts serve the app: the same
 * file lookup, content types and CSP, GET only. The demo's data lives in the page, so each new
 * page starts from the same sample peers, chats and transfers.
 */
export async function serveDemo(
  dir: string = demoDir(),
): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const found = resolveRendererFile(dir, (req.url ?? '/').split(/[?#]/, 1)[0] ?? '/');
    res.setHeader('Content-Security-Policy', CSP_HEADER);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.method !== 'GET' || !found.ok) {
      res.writeHead(found.ok ? 405 : found.status).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': contentTypeOf(found.file) });
    res.end(fs.readFileSync(found.file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
