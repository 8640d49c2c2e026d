/**
 * The Electron shell end to end: the real main process, preload and renderer in a real Electron,
 * driven by Playwright's _electron. It covers what the browser-host suite cannot: contextBridge,
 * the sandboxed preload, app:// with its CSP, the window policy and IPC.
 *
 * Runs only where an Electron binary exists: point ELECTRON_OVERRIDE_DIST_PATH at an unpacked
 * Electron 45 folder, `npm run build`, and on Linux run under a display (`xvfb-run -a npx
 * playwright test e2e/electron`). Elsewhere every test reports "skipped" with the reason, never
 * "passed". Traffic stays on loopback: the app binds 127.0.0.1 and a peer engine 127.0.0.2.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import { REQUEST_CHANNELS, methodPath } from '../../shared/contract';
import type { ContractEvent, MessageEvent, PigeonApi, PigeonFiles } from '../../shared/contract';
import { createEngine } from '../../electron/engine/engine';
import { defaultSettings } from '../../electron/engine/settings/settings';

// Playwright loads specs as CommonJS here (package.json has no "type": "module").
const root = path.resolve(__dirname, '../..');
const distPath = process.env.ELECTRON_OVERRIDE_DIST_PATH;
const hasElectron = Boolean(distPath && fs.existsSync(distPath));

/** What the page's global scope looks like, for code that runs inside it. */
interface PageGlobals {
  pigeon: PigeonApi;
  pigeonFiles: PigeonFiles;
  /** What the page heard on chat:message (ours are told too, so each has a direction). */
  received: MessageEvent[];
  location: { href: string };
  open(url: string): unknown;
}
const page$ = () => globalThis as unknown as PageGlobals;

test.describe('Electron shell', () => {
  if (!hasElectron) {
    test.skip(
      true,
      'no Electron binary: set ELECTRON_OVERRIDE_DIST_PATH to run the _electron suite',
    );
  }
  // Two engines on 127.0.0.x need Linux's whole 127/8 loopback (macOS has only 127.0.0.1).
  test.skip(process.platform !== 'linux', 'the loopback peer needs 127.0.0.2 (Linux)');

  const port = 24_000 + (process.pid % 1000);
  let profile: string;
  let app: ElectronApplication;
  let page: Page;

  test.beforeAll(async () => {
    for (const built of [
      'out/main/main.cjs',
      'out/preload/preload.cjs',
      'out/renderer/index.html',
    ]) {
      if (!fs.existsSync(path.join(root, built)))
        throw new Error(`${built} is missing: run npm run build first`);
    }
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-electron-'));
    // Never the defaults here: they would broadcast to the machine's real networks.
    fs.writeFileSync(
      path.join(profile, 'settings.json'),
      JSON.stringify({ nick: 'app', bind: '127.0.0.1', port, broadcast: ['127.0.0.2'] }),
    );
    app = await electron.launch({
      args: [root],
      cwd: root,
      env: { ...process.env, PIGEON_PROFILE: profile },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  test('serves the page from app://pigeon with a strict CSP', async () => {
    expect(page.url()).toBe('app://pigeon/index.html');
    const csp = await page.evaluate(async () => {
      const res = await fetch('/index.html');
      return res.headers.get('content-security-policy');
    });
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
  });

  test('gives the page no Node: no require, process, module or Buffer', async () => {
    const kinds = await page.evaluate(() => {
      const g = globalThis as Record<string, unknown>;
      return ['require', 'process', 'module', 'exports', 'Buffer', 'global'].map(
        (k) => `${k}:${typeof g[k]}`,
      );
    });
    expect(kinds).toEqual([
      'require:undefined',
      'process:undefined',
      'module:undefined',
      'exports:undefined',
      'Buffer:undefined',
      'global:undefined',
    ]);
  });

  test('exposes window.pigeon, the contract API, window.pigeonFiles, and nothing else', async () => {
    const seen = await page.evaluate(() => {
      const names = Object.getOwnPropertyNames(globalThis);
      return {
        bridged: names.filter((n) => /^(pigeon.*|electron|ipc.*|__electron.*|api)$/i.test(n)),
        api: Object.keys((globalThis as unknown as PageGlobals).pigeon).sort(),
        files: Object.keys((globalThis as unknown as PageGlobals).pigeonFiles),
      };
    });
    expect(seen.bridged.sort()).toEqual(['pigeon', 'pigeonFiles']);
    expect(seen.files).toEqual(['stage']);
    const domains = [...new Set(REQUEST_CHANNELS.map((c) => methodPath(c)[0]))];
    expect(seen.api).toEqual([...domains, 'invoke', 'on'].sort());
  });

  test('refuses to stage a File made by script: it has no path for the preload to find', async () => {
    const reply = await page.evaluate(() =>
      page$().pigeonFiles.stage([new File(['made by script'], 'made.txt')]),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'not-on-disk' } });
  });

  test('chooses a file in the native dialog and answers a pick, never the path', async () => {
    const chosen = path.join(profile, 'chosen.txt');
    fs.writeFileSync(chosen, 'four');
    // The person's part: the dialog answers with the file (the shell calls dialog at call time).
    await app.evaluate(({ dialog }, file) => {
      dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [file] })) as never;
    }, chosen);
    const reply = await page.evaluate(() => page$().pigeon.files.choose({ kind: 'files' }));
    expect(reply).toEqual({
      ok: true,
      value: [{ pick: expect.any(String), name: 'chosen.txt', kind: 'file', size: 4 }],
    });
    expect(JSON.stringify(reply)).not.toContain(profile);
  });

  test('refuses navigation away from the app', async () => {
    await page.evaluate(() => {
      page$().location.href = 'http://127.0.0.1:9/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe('app://pigeon/index.html');
  });

  test('denies window.open and hands only http(s) links to the browser', async () => {
    await app.evaluate(({ shell }) => {
      const opened: string[] = [];
      (globalThis as Record<string, unknown>).openedExternally = opened;
      shell.openExternal = async (url: string) => {
        opened.push(url);
      };
    });
    const results = await page.evaluate(() => [
      page$().open('https://example.org/from-chat') === null,
      page$().open('file:///etc/passwd') === null,
      page$().open('app://pigeon/index.html') === null,
    ]);
    expect(results).toEqual([true, true, true]);
    expect(app.windows()).toHaveLength(1);
    const opened = await app.evaluate(
      () => (globalThis as Record<string, unknown>).openedExternally,
    );
    expect(opened).toEqual(['https://example.org/from-chat']);
  });

  test('carries a message both ways over real IPC and real UDP', async () => {
    const peerEvents: ContractEvent[] = [];
    const peerData = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-peer-'));
    const peer = createEngine(
      defaultSettings({
        nick: 'peer',
        bind: '127.0.0.2',
        port,
        broadcast: ['127.0.0.1'],
        dataDir: peerData,
      }),
    );
    peer.subscribe((e) => peerEvents.push(e));
    await peer.start();
    try {
      await page.evaluate(() => {
        const g = page$();
        g.received = [];
        g.pigeon.on('chat:message', (m) => g.received.push(m));
      });
      peer.handlers['chat:send']({ to: [`127.0.0.1:${port}`], text: 'hello from the peer' });
      await expect
        .poll(() =>
          page.evaluate(() =>
            page$()
              .received.filter((e) => e.message.direction === 'in')
              .map((e) => e.message.text),
          ),
        )
        .toContain('hello from the peer');

      const reply = await page.evaluate(
        (to) => page$().pigeon.chat.send({ to: [to], text: 'hello from the app' }),
        `127.0.0.2:${port}`,
      );
      expect(reply.ok).toBe(true);
      await expect
        .poll(() =>
          peerEvents.flatMap((e) =>
            e.channel === 'chat:message' && e.payload.message.direction === 'in'
              ? [e.payload.message.text]
              : [],
          ),
        )
        .toContain('hello from the app');
      // The page is told of its own message too, as the engine stored it (going out).
      await expect
        .poll(() =>
          page.evaluate(() =>
            page$()
              .received.filter((e) => e.message.direction === 'out')
              .map((e) => e.message.text),
          ),
        )
        .toContain('hello from the app');
    } finally {
      await peer.stop();
      fs.rmSync(peerData, { recursive: true, force: true });
    }
  });
});
