import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Protocol } from 'electron';
import { CSP_HEADER } from '../renderer-serving/content-security-policy';
import {
  createAppRequestHandler,
  lookupRendererFile,
  registerAppScheme,
  setupAppProtocol,
} from './app-protocol';
import { createFakeElectron } from './test/fake-electron';

// A throwaway build: out/renderer with a page and a script, and secrets right beside it.
let base: string;
let root: string;
beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-protocol-'));
  root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Pigeon</title>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'secret');
  fs.mkdirSync(path.join(base, 'renderer-evil'));
  fs.writeFileSync(path.join(base, 'renderer-evil', 'x.txt'), 'sibling with a shared prefix');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
  fs.symlinkSync(base, path.join(root, 'up'));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

async function get(url: string, method = 'GET'): Promise<Response> {
  return createAppRequestHandler(root)(new Request(url, { method }));
}

describe('app:// scheme', () => {
  it('is registered as standard and secure', () => {
    const { protocol } = createFakeElectron();
    registerAppScheme(protocol as unknown as Protocol);
    expect(protocol.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
  });

  it('routes app:// to the renderer folder', async () => {
    const { protocol } = createFakeElectron();
    setupAppProtocol(protocol as unknown as Protocol, root);
    const handler = protocol.handlers.get('app');
    expect(handler).toBeDefined();
    const res = await handler?.(new Request('app://pigeon/index.html'));
    expect(res?.status).toBe(200);
  });
});

describe('serving the renderer', () => {
  it('serves files from the build with the right type and a strict CSP', async () => {
    const page = await get('app://pigeon/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Pigeon</title>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CSP_HEADER);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    const script = await get('app://pigeon/assets/app.js?v=2#x');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('serves index.html for the bare origin', async () => {
    expect((await get('app://pigeon/')).status).toBe(200);
    expect((await get('app://pigeon')).status).toBe(200);
  });

  it.each([
    'app://pigeon/../secret.txt',
    'app://pigeon/%2e%2e/secret.txt',
    'app://pigeon/%2E%2E/%2e%2E/secret.txt',
    'app://pigeon/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://pigeon/..%2fsecret.txt',
    'app://pigeon/..%5csecret.txt',
    'app://pigeon/%2fetc%2fpasswd',
    'app://pigeon//etc/passwd',
    'app://pigeon/C:/Windows/win.ini',
    'app://pigeon/index.html%00.png',
    'app://pigeon/assets/link.txt',
    'app://pigeon/up/secret.txt',
    'app://pigeon/../renderer-evil/x.txt',
  ])('never serves %s from outside the build', async (url) => {
    const res = await get(url);
    expect(res.status).toBeGreaterThanOrEqual(400);
    const body = await res.text();
    expect(body).not.toContain('secret');
    expect(body).not.toContain('sibling');
    expect(res.headers.get('content-security-policy')).toBe(CSP_HEADER);
  });

  it('refuses other hosts, missing files, folders and writes', async () => {
    expect((await get('app://other/index.html')).status).toBe(403);
    expect((await get('app://pigeon/missing.js')).status).toBe(404);
    expect((await get('app://pigeon/assets')).status).toBe(404);
    expect((await get('app://pigeon/%E0%A4%A')).status).toBe(400);
    expect((await get('app://pigeon/index.html', 'POST')).status).toBe(405);
    const head = await get('app://pigeon/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('checks real paths, not only the spelling of the URL', async () => {
    const viaLink = lookupRendererFile(root, 'app://pigeon/assets/link.txt');
    expect(viaLink).toMatchObject({ ok: false, status: 403 });
    const real = lookupRendererFile(root, 'app://pigeon/assets/app.js');
    expect(real).toEqual({ ok: true, file: fs.realpathSync(path.join(root, 'assets', 'app.js')) });
  });
});

describe('lookupRendererFile (app://)', () => {
  it('serves index.html for the bare origin and refuses other origins', () => {
    const index = fs.realpathSync(path.join(root, 'index.html'));
    expect(lookupRendererFile(root, 'app://pigeon/')).toEqual({ ok: true, file: index });
    expect(lookupRendererFile(root, 'app://pigeon')).toEqual({ ok: true, file: index });
    expect(lookupRendererFile(root, 'app://other/index.html')).toMatchObject({ status: 403 });
    expect(lookupRendererFile(root, 'https://pigeon/index.html')).toMatchObject({ status: 403 });
  });
});
