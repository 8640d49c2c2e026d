// Screenshots of the demo (the renderer on the in-memory fake API), for looking at the UI.
// Usage: npm run build:demo, serve it on 127.0.0.1 (npx vite preview --mode demo --port 4173),
// then node renderer/scripts/screenshots.cjs [pageUrl] [outDir]   (SCENES=echo-running,... for
// some). With the dev server (npm run dev), the page is http://127.0.0.1:5173/demo.html.
// Uses Debian's Chromium; never downloads a browser.
const { chromium } = require('playwright-core');
const path = require('node:path');
const fs = require('node:fs');

const base = process.argv[2] ?? 'http://127.0.0.1:4173/demo.html';
const outDir = path.resolve(process.argv[3] ?? 'e2e/artifacts/dev');
fs.mkdirSync(outDir, { recursive: true });

const sizes = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '800x600', width: 800, height: 600 },
];
const locales = ['en-US', 'zh-CN'];
const schemes = ['light', 'dark'];

async function shoot(browser, { size, locale, scheme, query, name, act }) {
  const context = await browser.newContext({
    viewport: { width: size.width, height: size.height },
    locale,
    colorScheme: scheme,
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`${base}${query ?? ''}`);
  await page.waitForSelector('.shell, .first-run');
  if (act) await act(page);
  await page.waitForTimeout(250);
  const file = path.join(outDir, `${name}-${size.name}-${locale}-${scheme}.png`);
  await page.screenshot({ path: file });
  if (errors.length) console.warn(`${file}: ${errors.join(' | ')}`);
  console.log(file);
  await context.close();
}

const openZhang = async (page) => {
  await page.locator('.chat-row', { hasText: /张伟/ }).first().click();
  await page.waitForSelector('.msg');
};

const scenes = [
  { name: 'chat', act: openZhang },
  {
    name: 'peers',
    act: async (page) => {
      await page.getByRole('button', { name: /^(Peers|联系人)$/ }).click();
      await page.locator('.peer-row', { hasText: 'Alice Chen' }).click();
      await page.waitForSelector('.msg');
    },
  },
  {
    name: 'settings',
    act: async (page) => {
      await page.getByRole('button', { name: /^(Settings|设置)$/ }).click();
    },
  },
  { name: 'first-run', query: '?firstRun=1' },
  // The echo panel and the doctor, on the fake API's simulated network.
  { name: 'echo-running', act: (page) => echoRun(page, '192.168.1.31:2425', 60, 120, 3200) },
  {
    name: 'echo-summary',
    act: async (page) => {
      await echoRun(page, '192.168.1.31:2425', 100, 30, 5600);
      await page.locator('.echo-summary').evaluate((e) => e.scrollIntoView({ block: 'end' }));
    },
  },
  {
    name: 'echo-compare',
    act: async (page) => {
      await echoRun(page, '192.168.1.64:2425', 80, 25, 4400);
      await echoRun(page, '192.168.1.31:2425', 80, 25, 4600);
      await page.locator('.run-pick').nth(0).check();
      await page.locator('.run-pick').nth(1).check();
      await page.waitForSelector('.compare-card');
      await page.locator('.compare-card').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    },
  },
  {
    name: 'echo-doctor',
    act: async (page) => {
      await page.locator('.chat-row', { hasText: '何涛' }).first().click();
      await page.getByRole('button', { name: /(Why can't I see|为什么看不到) 何涛/ }).click();
      await page.waitForSelector('.verdict.is-main', { timeout: 10_000 });
    },
  },
  {
    name: 'echo-sweep',
    act: async (page) => {
      await openEcho(page);
      await page.getByRole('tab', { name: /^(Size sweep|包大小探测)/ }).click();
      await page.getByLabel(/^(Peer or address|联系人或地址)$/).fill('192.168.1.31:2425');
      await page.getByRole('button', { name: /^(Find the largest size|找出最大包)$/ }).click();
      await page.waitForSelector('.sweep-figures', { timeout: 20_000 });
    },
  },
  {
    name: 'echo-reach',
    act: async (page) => {
      await openEcho(page);
      await page.getByRole('tab', { name: /^(Broadcast reach|广播覆盖)/ }).click();
      await page.getByRole('button', { name: /^(Send a broadcast|发送广播)$/ }).click();
      await page.waitForSelector('.reach-groups', { timeout: 10_000 });
    },
  },
  {
    name: 'echo-settings',
    act: async (page) => {
      await page.getByRole('button', { name: /^(Settings|设置)$/ }).click();
      await page.waitForSelector('.interfaces-table');
      await page.locator('.broadcast-picker').scrollIntoViewIfNeeded();
      await page.locator('.broadcast-option').nth(2).click();
      await page
        .locator('.broadcast-picker')
        .evaluate((e) => e.previousElementSibling?.scrollIntoView({ block: 'start' }));
    },
  },
];

async function openEcho(page) {
  if (await page.locator('.echo-panel').count()) return;
  await page.getByRole('button', { name: /^(Echo test|回显测试)$/ }).click();
  await page.waitForSelector('.echo-panel');
}

/** Starts an echo run to `to` and waits `waitMs` (mid-run or after it, as the scene needs). */
async function echoRun(page, to, count, intervalMs, waitMs) {
  await openEcho(page);
  await page.getByRole('tab', { name: /^(Echo|回显)/ }).click();
  await page.getByLabel(/^(Peer or address|联系人或地址)$/).fill(to);
  await page.locator('#echo-count').fill(String(count));
  await page.locator('#echo-intervalMs').fill(String(intervalMs));
  await page.getByRole('button', { name: /^(Start|开始)$/ }).click();
  await page.waitForTimeout(waitMs);
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const only = process.env.SCENES?.split(',');
  const pick = (list, key, env) =>
    process.env[env] ? list.filter((x) => process.env[env].split(',').includes(x[key] ?? x)) : list;
  try {
    for (const scene of scenes) {
      if (only && !only.includes(scene.name)) continue;
      for (const size of pick(sizes, 'name', 'SIZES'))
        for (const locale of pick(locales, 'x', 'LOCALES'))
          for (const scheme of pick(schemes, 'x', 'SCHEMES'))
            await shoot(browser, { ...scene, size, locale, scheme });
    }
  } finally {
    await browser.close();
  }
})();
