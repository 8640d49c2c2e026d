// Screenshots of the built renderer with the in-memory fake API, for looking at the UI.
// Usage: serve out/renderer on 127.0.0.1 (npx vite preview --host 127.0.0.1 --port 4173), then
//   node renderer/scripts/screenshots.mjs [baseUrl] [outDir]
// Uses Debian's Chromium; never downloads a browser.
const { chromium } = require('playwright-core');
const path = require('node:path');
const fs = require('node:fs');

const base = process.argv[2] ?? 'http://127.0.0.1:4173/';
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
  await page.goto(`${base}?fake=1${query ?? ''}`);
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
  { name: 'first-run', query: '&firstRun=1' },
];

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
  try {
    for (const scene of scenes) {
      if (only && !only.includes(scene.name)) continue;
      for (const size of sizes)
        for (const locale of locales)
          for (const scheme of schemes) await shoot(browser, { ...scene, size, locale, scheme });
    }
  } finally {
    await browser.close();
  }
})();
