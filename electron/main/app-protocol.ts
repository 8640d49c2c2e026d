// node:fs rather than node:fs/promises: Electron's asar support patches fs.promises in place,
// and the packaged renderer lives inside app.asar.
import fs from 'node:fs';
import type { Protocol } from 'electron';
import { CSP_HEADER } from '../renderer-serving/content-security-policy';
import { contentTypeOf } from '../renderer-serving/content-types';
import { resolveRendererFile, type FileLookup } from '../renderer-serving/renderer-files';
import { APP_SCHEME, isAppUrl } from './app-origin';

/**
 * app:// must be registered before `ready`: standard gives it real origins and relative URL
 * resolution, secure makes it a secure context (like https), and fetch support lets the page
 * load its own JSON (translations) under connect-src 'self'.
 */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer, and nothing else, on app://pigeon/. */
export function setupAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(rendererDir));
}

export function createAppRequestHandler(
  rendererDir: string,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return textResponse(405, 'method not allowed');
    }
    const found = lookupRendererFile(rendererDir, request.url);
    if (!found.ok) return textResponse(found.status, found.reason);
    let body: Uint8Array;
    try {
      body = new Uint8Array(await fs.promises.readFile(found.file));
    } catch {
      return textResponse(404, 'not found');
    }
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: securityHeaders(contentTypeOf(found.file)),
    });
  };
}

/** An app:// URL to a file of the build; the bare origin is index.html. */
export function lookupRendererFile(root: string, url: string): FileLookup {
  if (!isAppUrl(url)) return { ok: false, status: 403, reason: 'not the app origin' };
  const pathname = new URL(url).pathname;
  return resolveRendererFile(root, pathname === '' || pathname === '/' ? '/index.html' : pathname);
}

function securityHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CSP_HEADER,
    // Never let Chromium reinterpret a file as script or HTML by sniffing it.
    'X-Content-Type-Options': 'nosniff',
    // The files change with each build; a stale cached bundle would run against a new main.
    'Cache-Control': 'no-cache',
  };
}

function textResponse(status: number, message: string): Response {
  return new Response(message, { status, headers: securityHeaders('text/plain; charset=utf-8') });
}
