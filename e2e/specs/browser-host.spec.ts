/**
 * The browser host's guards, in a real Chromium: `pigeon serve --ui` on loopback only (its engine
 * binds 127.0.0.71 and announces to 127.0.0.72, where nobody listens), no namespaces, so this
 * runs without root. The LAN behaviour is lan-chat.spec.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { CSP_HEADER, CSP_META } from '../../electron/renderer-serving/content-security-policy';
import { methodPath, REQUEST_CHANNELS } from '../../shared/contract';
import { loopbackSkipReason } from '../support/app-page';
import { startLoopbackServe, type LoopbackServe } from '../support/loopback-pigeon';

/** The part of the page's document used below (specs are type-checked without the DOM). */
interface PageDocument {
  addEventListener(
    type: 'securitypolicyviolation',
    listener: (e: { effectiveDirective: string }) => void,
  ): void;
}

const skip = loopbackSkipReason('127.0.0.71');

test.describe.configure({ mode: 'serial' });

test.describe('the browser host in Chromium', () => {
  test.skip(skip !== undefined, skip ?? '');

  let pigeon: LoopbackServe | undefined;
  let url = '';
  const stderr = () => pigeon?.stderr() ?? '';
  const origin = () => new URL(url).origin;
  const token = () => new URL(url).searchParams.get('token') ?? '';

  test.beforeAll(async () => {
    const port = 30_000 + Math.floor(Math.random() * 10_000);
    pigeon = await startLoopbackServe({
      address: '127.0.0.71',
      port,
      broadcast: '127.0.0.72',
      nick: 'loopback',
      ui: true,
    });
    url = pigeon.url;
  });

  test.afterAll(async () => {
    await pigeon?.stop();
  });

  test('prints the URL on stderr and serves the app with its CSP over a same-origin socket', async ({
    page,
  }) => {
    expect(stderr()).toContain(`open ${url}`);
    const response = await page.goto(url);
    // One policy, two forms: the header (which alone can forbid framing) and the page's meta tag.
    expect(response?.headers()['content-security-policy']).toBe(CSP_HEADER);
    expect(CSP_HEADER).toContain("frame-ancestors 'none'");
    const meta = page.locator('meta[http-equiv="Content-Security-Policy"]');
    expect(await meta.getAttribute('content')).toBe(CSP_META);
    // The socket works under connect-src 'self': the app loads its state through it.
    await expect(page.locator('.shell')).toBeVisible();
    await expect(page.locator('.sidebar h1')).toHaveText('Peers');
    const api = await page.evaluate(() => {
      const g = globalThis as unknown as { pigeon: unknown };
      const before = g.pigeon;
      try {
        g.pigeon = null;
      } catch {
        /* non-writable: strict mode throws, sloppy mode ignores */
      }
      return { kept: g.pigeon === before, keys: Object.keys(before as object).sort() };
    });
    expect(api.kept).toBe(true);
    const domains = [...new Set(REQUEST_CHANNELS.map((c) => methodPath(c)[0]))];
    expect(api.keys).toEqual([...domains, 'invoke', 'on'].sort());
  });

  test('the CSP stops the page from connecting anywhere else', async ({ page }) => {
    await page.goto(url);
    await expect(page.locator('.shell')).toBeVisible();
    const violated = await page.evaluate(async () => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      const seen = new Promise<string>((resolve) =>
        doc.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective)),
      );
      await fetch('http://127.0.0.1:9/').catch(() => undefined);
      return seen;
    });
    expect(violated).toBe('connect-src');
  });

  test('without the token the page says how to connect', async ({ page }) => {
    await page.goto(`${origin()}/`);
    await expect(page.getByText('Not connected to Pigeon')).toBeVisible();
    await expect(page.getByText(/pigeon serve --ui/)).toBeVisible();
    // The demo is a separate build: the app offers no way into it.
    await expect(page.getByRole('link')).toHaveCount(0);
  });

  test('a wrong token is refused at the handshake', async ({ page }) => {
    await page.goto(`${origin()}/`);
    const outcome = await page.evaluate(
      (u) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(u);
          ws.onopen = () => resolve('open');
          ws.onclose = () => resolve('refused');
        }),
      `${origin().replace('http', 'ws')}/ipc?token=${token().slice(0, -2)}xx`,
    );
    expect(outcome).toBe('refused');
    await expect.poll(stderr).toContain('WebSocket refused: missing or wrong token');
  });

  test('a page from another origin cannot open the socket, even with the token', async ({
    page,
  }) => {
    // Another site on this very machine (a loopback origin, so Chromium's own private-network
    // rules do not stop it first): only the host's Origin check stands in its way.
    const other = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>another site</title>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      await page.goto(`${otherOrigin}/`);
      const outcome = await page.evaluate(
        (u) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(u);
            ws.onopen = () => resolve('open');
            ws.onclose = () => resolve('refused');
          }),
        `${origin().replace('http', 'ws')}/ipc?token=${token()}`,
      );
      expect(outcome).toBe('refused');
      await expect.poll(stderr).toContain(`WebSocket refused: origin ${otherOrigin}`);
    } finally {
      other.close();
    }
  });
});
