/**
 * A file from one browser to another: two `pigeon serve --ui` on loopback (127.0.0.81 and
 * 127.0.0.82, each told only about the other; nothing leaves 127.0.0.0/8, no root needed), one
 * page each. Alice's page offers a file through its file input (uploaded to her host's staging
 * folder), Bea's page shows the offer, Bea accepts, both show it done, and Bea's page downloads
 * exactly the bytes that were sent. Screenshots in e2e/artifacts/screens/files-*: Alice's side
 * in light/English, Bea's in dark/Chinese.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { terminate } from '../lab/netns-lan';
import { NODE, PIGEON_CLI } from '../lab/pigeon-process';
import { loopbackSkipReason, openAppPage, SCREENS, shootScreen } from '../support/app-page';
import { launchChromium } from '../support/chromium';

const A = '127.0.0.81';
const B = '127.0.0.82';
const skip = loopbackSkipReason(A, B);
const NICK_A = 'Alice';
const NICK_B = '小北';
const FILE_NAME = '季度报告 Q3.txt';
// Big enough to take more than one TCP read, small enough for a test.
const CONTENT = Buffer.from(
  Array.from({ length: 20_000 }, (_, i) => `第 ${i} 行 line ${i}\n`).join(''),
  'utf8',
);
const WORDS = '报告在这里 / here is the report';

interface Side {
  child: ChildProcess;
  home: string;
  url: string;
  stderr: string;
}

/** `pigeon serve --ui` bound to one loopback address; HOME is its own, so ~/Downloads is too. */
async function serve(bind: string, peer: string, nick: string, port: string, tmp: string) {
  const home = fs.mkdtempSync(path.join(tmp, `home-${nick}-`));
  const data = path.join(home, 'data');
  const child = spawn(
    NODE,
    [PIGEON_CLI, 'serve', '--ui', '--json', '--nick', nick, '--bind', bind, '--port', port].concat([
      '--broadcast',
      peer,
      '--data',
      data,
    ]),
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: home } },
  );
  const side: Side = { child, home, url: '', stderr: '' };
  child.stderr?.on('data', (b: Buffer) => (side.stderr += b.toString()));
  side.url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no cli:ui line; stderr: ${side.stderr}`)),
      10_000,
    );
    if (!child.stdout) return reject(new Error('no stdout'));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const e = JSON.parse(line) as { event?: string; payload?: { url?: string } };
      if (e.event === 'cli:ui' && e.payload?.url) {
        clearTimeout(timer);
        resolve(e.payload.url);
      }
    });
  });
  return side;
}

test.describe.configure({ mode: 'serial' });

test.describe('a file from one browser to another', () => {
  test.skip(skip !== undefined, skip ?? '');

  let tmp: string;
  let alice: Side;
  let bea: Side;
  let browser: Browser;
  let pageA: Page;
  let pageB: Page;
  const problems: string[] = [];

  const open = (url: string, locale: string, colorScheme: 'light' | 'dark') =>
    openAppPage(browser, url, { locale, colorScheme, problems, watchCsp: true });

  const shoot = (p: Page, name: string) => shootScreen(p, `files-${name}`);

  /** Opens the conversation with `nick` from the peer list. */
  async function talkTo(p: Page, nick: string): Promise<void> {
    await p
      .locator('.rail')
      .getByRole('button', { name: /^(Peers|联系人)$/ })
      .click();
    const row = p.locator('.peer-row', { hasText: nick });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await row.click();
    await expect(p.locator('.conversation-header')).toContainText(nick);
  }

  const item = (p: Page, side: 'in' | 'out') =>
    p.locator(`.msg-${side} .transfer`, { hasText: FILE_NAME });

  test.beforeAll(async () => {
    test.setTimeout(60_000);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-files-e2e-'));
    fs.mkdirSync(SCREENS, { recursive: true });
    const port = String(30_000 + Math.floor(Math.random() * 10_000));
    alice = await serve(A, B, NICK_A, port, tmp);
    bea = await serve(B, A, NICK_B, port, tmp);
    browser = await launchChromium();
    pageA = await open(alice.url, 'en-US', 'light');
    pageB = await open(bea.url, 'zh-CN', 'dark');
  });

  test.afterAll(async () => {
    await browser?.close();
    for (const s of [alice, bea]) if (s) await terminate(s.child);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("Alice offers a file from her page's file input, with the words she typed", async () => {
    await talkTo(pageA, NICK_B);
    await pageA.locator('.composer-input').fill(WORDS);
    await pageA
      .locator('.composer-file-input')
      .setInputFiles({ name: FILE_NAME, mimeType: 'text/plain', buffer: CONTENT });
    const out = item(pageA, 'out');
    await expect(out).toBeVisible();
    await expect(out).toContainText('Offered, not fetched yet');
    await expect(pageA.locator('.msg-out', { hasText: WORDS })).toBeVisible();
    // The words went with the files: the box is empty again.
    await expect(pageA.locator('.composer-input')).toHaveValue('');
    // The upload sits in Alice's staging folder, byte for byte.
    const staging = path.join(alice.home, 'data', 'staging');
    const staged = fs.readdirSync(staging).map((d) => path.join(staging, d, FILE_NAME));
    expect(staged.some((f) => fs.existsSync(f) && fs.readFileSync(f).equals(CONTENT))).toBe(true);
  });

  test("Bea's page shows the offer; she accepts; both sides show it done", async () => {
    await talkTo(pageB, NICK_A);
    const incoming = item(pageB, 'in');
    await expect(incoming).toBeVisible({ timeout: 15_000 });
    await expect(incoming).toContainText('对方发来的文件');
    await expect(pageB.locator('.msg-in', { hasText: WORDS })).toBeVisible();
    await shoot(pageB, 'offer-zh-dark');
    await incoming.getByRole('button', { name: '接收' }).click();
    await expect(incoming).toContainText('已完成', { timeout: 20_000 });
    await expect(item(pageA, 'out')).toContainText('Sent', { timeout: 20_000 });
    await shoot(pageB, 'done-zh-dark');
    await shoot(pageA, 'done-en-light');
    const saved = path.join(bea.home, 'Downloads', FILE_NAME);
    expect(fs.readFileSync(saved).equals(CONTENT)).toBe(true);
  });

  test("Bea's page downloads exactly what Alice sent", async () => {
    const link = item(pageB, 'in').getByRole('link', { name: '下载' });
    await expect(link).toBeVisible();
    const [download] = await Promise.all([pageB.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(FILE_NAME);
    const file = await download.path();
    expect(fs.readFileSync(file).equals(CONTENT)).toBe(true);
  });

  test('the transfers view lists it on both sides', async () => {
    await pageA.locator('.rail').getByRole('button', { name: 'Transfers' }).click();
    await expect(pageA.locator('.transfers-row', { hasText: FILE_NAME })).toContainText('Sent');
    await shoot(pageA, 'transfers-en-light');
    await pageB.locator('.rail').getByRole('button', { name: '文件传输' }).click();
    await pageB.getByRole('button', { name: '已完成' }).click();
    await expect(pageB.locator('.transfers-row', { hasText: FILE_NAME })).toContainText('已完成');
    await shoot(pageB, 'transfers-zh-dark');
    expect(problems).toEqual([]);
  });
});
