/**
 * A settings.json Pigeon cannot use as it is, in a browser: Alice's `pigeon serve --ui`
 * (127.0.0.121) starts on a data directory whose settings file is damaged, then on one a newer
 * Pigeon wrote. Each time the page says so at the top, in English and in Chinese, naming the
 * file and where it went; the file's bytes are never lost (moved aside, or left untouched), and
 * the app still works: a message reaches Bea (127.0.0.122, `serve --json`) and settings are
 * saved, or refused with a reason when saving would overwrite a newer Pigeon's file. Loopback
 * only, no root. Screenshots in e2e/artifacts/screens/settings-banner-*.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import type { AppInfo } from '../../shared/contract';
import { outcomeText } from '../../shared/model/texts';
import { loopbackSkipReason, openAppPage, SCREENS, shootScreen } from '../support/app-page';
import { launchChromium } from '../support/chromium';
import { startLoopbackPigeon, testPort, type LoopbackPigeon } from '../support/loopback-pigeon';

const A = '127.0.0.121';
const B = '127.0.0.122';
const skip = loopbackSkipReason(A, B);
const NICK_A = 'Alice';
const NICK_B = 'Bea';
/** Cut off mid-write (a full disk, a power cut): not JSON. */
const DAMAGED = '{\n  "version": 1,\n  "nick": "阿丽",\n  "theme": "dark",\n  "gro';
/** From a future Pigeon: a version above ours, a key we do not know. */
const NEWER = `${JSON.stringify(
  { version: 99, nick: 'Alice', group: '研发部', hologram: { depth: 3 } },
  null,
  2,
)}\n`;

test.describe.configure({ mode: 'serial' });

test.describe('a settings file Pigeon cannot use as it is, in a browser', () => {
  test.skip(skip !== undefined, skip ?? '');

  let tmp: string;
  let data: string;
  let file: string;
  let port: number;
  let alice: LoopbackPigeon | undefined;
  let bea: LoopbackPigeon;
  let browser: Browser;
  const problems: string[] = [];

  const open = (url: string, locale: string, colorScheme: 'light' | 'dark') =>
    openAppPage(browser, url, { locale, colorScheme, problems });

  const shoot = (p: Page, name: string) => shootScreen(p, `settings-banner-${name}`);

  /** Alice's host on the data directory as it is now; the problems its engine found. */
  async function startAlice(): Promise<AppInfo['settingsProblems']> {
    if (alice) await alice.proc.stop();
    alice = await startLoopbackPigeon({
      bind: A,
      peers: [B],
      port,
      nick: NICK_A,
      data,
      ui: true,
    });
    const info = await alice.proc.request('app:info');
    if (!info.ok) throw new Error(`app:info refused: ${info.error.message}`);
    return (info.value as AppInfo).settingsProblems;
  }

  /** The banner says exactly what the catalogue says about each problem, in the page's language. */
  async function expectBanner(
    p: Page,
    found: AppInfo['settingsProblems'],
    lang: 'en' | 'zh-CN',
  ): Promise<void> {
    const banner = p.locator('.settings-file-banner');
    await expect(banner).toBeVisible();
    await expect(banner).toHaveAttribute('role', 'alert');
    await expect(banner.locator('strong')).toHaveText(lang === 'en' ? 'Settings file' : '设置文件');
    await expect(banner.locator('p')).toHaveText(found.map((f) => outcomeText(f, lang)));
  }

  /** The app still works: a message from the page reaches Bea and shows delivered. */
  async function messageBea(p: Page, text: string, delivered: string): Promise<void> {
    await p
      .locator('.rail')
      .getByRole('button', { name: /^(Peers|联系人)$/ })
      .click();
    const row = p.locator('.peer-row', { hasText: NICK_B });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await row.click();
    await p.locator('.composer-input').fill(text);
    await p.locator('.composer-input').press('Enter');
    await expect(
      p.locator('.msg-out', { hasText: text }).getByRole('img', { name: delivered }),
    ).toBeVisible();
    await bea.proc.waitForMessage((t) => t === text, 5000, `"${text}" at Bea`);
  }

  test.beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-settings-e2e-'));
    data = path.join(tmp, 'alice');
    file = path.join(data, 'settings.json');
    fs.mkdirSync(data, { mode: 0o700 });
    fs.mkdirSync(SCREENS, { recursive: true });
    port = testPort();
    bea = await startLoopbackPigeon({
      bind: B,
      peers: [A],
      port,
      nick: NICK_B,
      data: path.join(tmp, 'bea'),
    });
    browser = await launchChromium();
  });

  test.afterAll(async () => {
    await browser?.close();
    for (const side of [alice, bea]) if (side) await side.proc.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a damaged file: moved aside whole, the banner says where, the app works', async () => {
    test.setTimeout(40_000);
    fs.writeFileSync(file, DAMAGED, { mode: 0o600 });
    const found = await startAlice();
    expect(found).toHaveLength(1);
    const [corrupt] = found;
    expect(corrupt?.code).toBe('settings-corrupt');
    expect(corrupt?.params.file).toBe(file);
    // Moved aside, byte for byte, to where the banner says.
    const aside = String(corrupt?.params.aside);
    expect(path.dirname(aside)).toBe(data);
    expect(fs.readFileSync(aside, 'utf8')).toBe(DAMAGED);
    expect(fs.existsSync(file)).toBe(false);

    const en = await open(alice?.url ?? '', 'en-US', 'light');
    await expectBanner(en, found, 'en');
    await expect(en.locator('.settings-file-banner')).toContainText(aside);
    await shoot(en, 'corrupt-en-light');
    const zh = await open(alice?.url ?? '', 'zh-CN', 'dark');
    await expectBanner(zh, found, 'zh-CN');
    await expect(zh.locator('.settings-file-banner')).toContainText(`已将其移至 ${aside}`);
    await shoot(zh, 'corrupt-zh-dark');

    await messageBea(en, 'still here after a damaged settings file', 'Delivered');
    // Settings save again, into a new file; the damaged one stays where it was put.
    await en.locator('.rail').getByRole('button', { name: 'Settings' }).click();
    await en.getByLabel('Group', { exact: true }).fill('Sales');
    await en.getByRole('button', { name: 'Save changes' }).click();
    await expect(en.locator('.notice')).toContainText('Settings saved.');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ version: 1, group: 'Sales' });
    expect(fs.readFileSync(aside, 'utf8')).toBe(DAMAGED);
    // Told until dismissed.
    await en.locator('.settings-file-banner').getByRole('button', { name: 'Dismiss' }).click();
    await expect(en.locator('.settings-file-banner')).toHaveCount(0);
    await en.context().close();
    await zh.context().close();
  });

  test("a newer Pigeon's file: used as far as understood, never overwritten, and said so", async () => {
    test.setTimeout(40_000);
    for (const f of fs.readdirSync(data))
      if (f.startsWith('settings.json')) fs.rmSync(path.join(data, f));
    fs.writeFileSync(file, NEWER, { mode: 0o600 });
    const found = await startAlice();
    expect(found).toEqual([{ code: 'settings-newer', params: { file, version: 99, ours: 1 } }]);

    const zh = await open(alice?.url ?? '', 'zh-CN', 'dark');
    await expectBanner(zh, found, 'zh-CN');
    await expect(zh.locator('.settings-file-banner')).toContainText(file);
    await shoot(zh, 'newer-zh-dark');
    const en = await open(alice?.url ?? '', 'en-US', 'light');
    await expectBanner(en, found, 'en');
    await shoot(en, 'newer-en-light');

    // What it understood is used: the group written by the newer Pigeon.
    await en.locator('.rail').getByRole('button', { name: 'Settings' }).click();
    await expect(en.getByLabel('Group', { exact: true })).toHaveValue('研发部');
    await messageBea(zh, '较新的设置文件也不影响收发', '已送达');

    // Saving would overwrite the newer Pigeon's file: refused, with the reason, file untouched.
    await en.getByLabel('Group', { exact: true }).fill('Sales');
    await en.getByRole('button', { name: 'Save changes' }).click();
    await expect(en.locator('.notice')).toContainText(
      outcomeText({ code: 'settings-not-saved', params: { file } }, 'en'),
    );
    // The notice points at the banner ("see the message at the top"): it must not cover it.
    const banner = await en.locator('.settings-file-banner').boundingBox();
    const notice = await en.locator('.notice').boundingBox();
    expect(notice?.y).toBeGreaterThanOrEqual((banner?.y ?? 0) + (banner?.height ?? 0));
    await shoot(en, 'newer-not-saved-en-light');
    expect(fs.readFileSync(file, 'utf8')).toBe(NEWER);
    expect(fs.readdirSync(data).filter((f) => f.startsWith('settings.json'))).toEqual([
      'settings.json',
    ]);
    expect(problems).toEqual([]);
  });
});
