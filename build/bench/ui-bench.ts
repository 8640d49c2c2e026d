import fs from 'node:fs';
import nodeModule from 'node:module';
import path from 'node:path';
import type { Browser, BrowserType, Page } from 'playwright-core';
import { serveDemo } from '../../e2e/support/demo-host';

/**
 * The renderer in Chromium: time to first render of a long conversation and of a long peer
 * list, against the same with 100 items as the baseline, in the same run and the same browser.
 * The page is the demo build (npm run build:demo: the app's renderer on the in-memory fake API,
 * which holds the data), served on 127.0.0.1 as both hosts serve the app: same file lookup,
 * types and CSP (electron/renderer-serving); loopback only.
 */
export interface UiBench {
  messages: { count: number; ms: number; baseline_count: number; baseline_ms: number };
  peers: { count: number; ms: number; baseline_count: number; baseline_ms: number };
  messages_ratio: number;
  peers_ratio: number;
  runs: number;
}

export type UiBenchResult = UiBench | { skipped: string };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DEMO_DIR = 'out/renderer-demo';
const RUNS = 7;
/** The fake's load-test conversation (renderer/src/demo/sample-peers.ts). */
const LOAD_TEST_NICK = '压力测试';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Clicks `target` from inside the page and resolves once `ready` matches and two frames have
 * been produced after it (so layout and paint of the first screenful are included).
 */
/** What the timing code uses of the page's globals (this file is type-checked without DOM). */
interface PageGlobals {
  document: {
    querySelector(selector: string): unknown;
    querySelectorAll(selector: string): ArrayLike<{ textContent: string | null; click(): void }>;
  };
  requestAnimationFrame(callback: (time: number) => void): number;
  performance: { now(): number };
}

/**
 * Clicks `target` from inside the page and resolves once `ready` matches and two frames have
 * been produced after it (so layout and paint of the first screenful are included).
 */
function clickToRender(page: Page, target: string, targetText: string, ready: string) {
  return page.evaluate(
    async ({ target, targetText, ready }) => {
      const g = globalThis as unknown as PageGlobals;
      const el = Array.from(g.document.querySelectorAll(target)).find((e) =>
        (e.textContent ?? '').includes(targetText),
      );
      if (!el) throw new Error(`nothing matches ${target} "${targetText}"`);
      const frame = () => new Promise<number>((r) => g.requestAnimationFrame(r));
      const started = g.performance.now();
      el.click();
      while (!g.document.querySelector(ready)) await frame();
      await frame();
      await frame();
      return g.performance.now() - started;
    },
    { target, targetText, ready },
  );
}

async function once(
  browser: Browser,
  base: string,
  query: string,
  act: (page: Page) => Promise<number>,
): Promise<number> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
  });
  try {
    const page = await context.newPage();
    await page.goto(`${base}/demo.html?${query}`);
    await page.waitForSelector('.shell');
    await page.waitForSelector('.chat-row');
    return await act(page);
  } finally {
    await context.close();
  }
}

/**
 * Median of RUNS fresh pages each, baseline and large taken in turns so that drift on a busy
 * machine hits both alike; one untimed round first warms Chromium's caches.
 */
async function compare(
  run: (n: number) => Promise<number>,
  baseline: number,
  large: number,
): Promise<{ baseline: number; large: number }> {
  await run(baseline);
  await run(large);
  const b: number[] = [];
  const l: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    b.push(await run(baseline));
    l.push(await run(large));
  }
  return { baseline: median(b), large: median(l) };
}

function whySkip(root: string): string | undefined {
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  const page = `${DEMO_DIR}/demo.html`;
  if (!fs.existsSync(path.join(root, page))) return `${page} is missing: run npm run build:demo`;
  return undefined;
}

export async function benchUi(): Promise<UiBenchResult> {
  // npm runs the bench from the repository root; this file runs bundled from a temp folder.
  const root = process.cwd();
  const skipped = whySkip(root);
  if (skipped) return { skipped };
  // Not bundled: Playwright finds its own files next to itself. (run-ts.mjs's banner already
  // declares a `createRequire`, hence the namespace.)
  const { chromium } = nodeModule.createRequire(path.join(root, 'package.json'))(
    'playwright-core',
  ) as { chromium: BrowserType };

  const host = await serveDemo(path.join(root, DEMO_DIR));
  const base = host.base;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const openConversation = (n: number) =>
      once(browser, base, `messages=${n}`, (page) =>
        clickToRender(page, '.chat-row', LOAD_TEST_NICK, '.messages .msg'),
      );
    const openPeers = (n: number) =>
      once(browser, base, `peers=${n}`, (page) =>
        clickToRender(page, '.rail-button', 'Peers', '.peer-row'),
      );
    const messages = await compare(openConversation, 100, 10_000);
    const peers = await compare(openPeers, 100, 1000);
    return {
      messages: {
        count: 10_000,
        ms: round(messages.large),
        baseline_count: 100,
        baseline_ms: round(messages.baseline),
      },
      peers: {
        count: 1000,
        ms: round(peers.large),
        baseline_count: 100,
        baseline_ms: round(peers.baseline),
      },
      messages_ratio: round(messages.large / messages.baseline, 2),
      peers_ratio: round(peers.large / peers.baseline, 2),
      runs: RUNS,
    };
  } finally {
    await browser.close();
    await host.close();
  }
}
