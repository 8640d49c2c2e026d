/**
 * Pigeon in a browser, on a LAN, as a person uses it: the real renderer (out/renderer) served by
 * `pigeon serve --ui` in host a of a namespace LAN, another Pigeon in host b, a real iptux in
 * host tux. Chromium runs inside a's namespace, where a's UI listens on 127.0.0.1.
 *
 * Everything stays inside namespaces this suite creates (198.18.0.0/24, no uplink). Needs root,
 * iptux and its X tools, Debian's Chromium and `npm run build`; otherwise every test reports
 * skipped with the reason. Screenshots of each screen, in both languages and both themes, go to
 * e2e/artifacts/screens/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { ContractEvent } from '../../shared/contract';
import { outcomeText } from '../../shared/model/texts';
import { canRunIptux, startIptux, type Iptux } from '../lab/iptux';
import { createLan, type Lan } from '../lab/netns-lan';
import { pigeonBuilt, uiBuilt } from '../lab/pigeon-process';
import { CHROMIUM_ARGS, chromiumAvailable, chromiumInNamespace } from '../support/chromium';
import { startUiPigeon, type UiPigeon } from '../support/ui-pigeon';

const root = path.resolve(__dirname, '../..');
const SCREENS = path.join(root, 'e2e/artifacts/screens');

function whySkip(): string | undefined {
  const checks = [canRunIptux(), pigeonBuilt(), uiBuilt(), chromiumAvailable()];
  for (const c of checks) if (!c.ok) return c.reason;
  return undefined;
}
const skip = whySkip();

const NICK_A = '阿明';
const NICK_A2 = '阿明（新）';
const NICK_B = 'Bea';
const NICK_TUX = 'iptux用户';
const TO_IPTUX = '你好 iptux，这条消息是在浏览器里输入的';
const FROM_IPTUX = '收到，谢谢！';
const TO_GONE = '你还在吗？';

type Lang = 'en' | 'zh';
const LOCALE: Record<Lang, string> = { en: 'en-US', zh: 'zh-CN' };
const COMBOS = (['en', 'zh'] as const).flatMap((lang) =>
  (['light', 'dark'] as const).map((scheme) => ({ lang, scheme })),
);

/** The new nick of the peer at `address`, whether it came as a change or as a (re)appearance. */
const nickAt = (address: string, nick: string) => (e: ContractEvent) =>
  (e.channel === 'peers:changed' || e.channel === 'peers:online') &&
  e.payload.address === address &&
  e.payload.nick === nick;

/** Rail buttons by their label in either language (the chats label may add an unread count). */
const RAIL = {
  chats: /^(Chats|消息)/,
  peers: /^(Peers|联系人)$/,
  echo: /^(Echo test|回显测试)$/,
  settings: /^(Settings|设置)$/,
};

test.describe.configure({ mode: 'serial' });

test.describe('Pigeon in a browser on a LAN with iptux', () => {
  test.skip(skip !== undefined, skip ?? '');

  let lan: Lan;
  let iptux: Iptux;
  let a: UiPigeon;
  let b: UiPigeon;
  let tmp: string;
  let browser: Browser;
  let page: Page;
  /** CSP violations and uncaught errors from every page this suite opens. */
  const problems: string[] = [];

  const ip = (h: string) => lan.host(h).ip;

  function watch(p: Page): Page {
    p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    p.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) problems.push(`csp: ${m.text()}`);
    });
    return p;
  }

  async function open(
    url: string,
    opts: { lang?: Lang; scheme?: 'light' | 'dark' } = {},
  ): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
      locale: LOCALE[opts.lang ?? 'en'],
      colorScheme: opts.scheme ?? 'light',
    });
    const p = watch(await ctx.newPage());
    await p.goto(url);
    await expect(p.locator('.shell, .first-run')).toBeVisible();
    return { ctx, page: p };
  }

  const rail = (p: Page, to: keyof typeof RAIL) =>
    p.locator('.rail').getByRole('button', { name: RAIL[to] }).click();
  const peerRow = (p: Page, nick: string) => p.locator('.peer-row', { hasText: nick });
  const composer = (p: Page) => p.locator('.composer-input');
  const outgoing = (p: Page, text: string) => p.locator('.msg-out', { hasText: text });

  async function shoot(p: Page, name: string, lang: Lang, scheme: string): Promise<void> {
    // Let transitions and the virtual lists settle before the picture.
    await p.waitForTimeout(250);
    await p.screenshot({ path: path.join(SCREENS, `${name}-${lang}-${scheme}.png`) });
  }

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-e2e-'));
    fs.mkdirSync(SCREENS, { recursive: true });
    lan = await createLan({ hosts: ['a', 'b', 'tux', 'c'] });
    iptux = await startIptux(lan, 'tux', { nick: NICK_TUX, group: 'lab' });
    a = await startUiPigeon(lan, 'a', { nick: NICK_A, group: '研发部' });
    b = await startUiPigeon(lan, 'b', { nick: NICK_B, group: 'Sales' });
    // Their start-up entries must be over before xdotool types into iptux (see waitForEntries).
    await iptux.waitForEntries([ip('a'), ip('b')]);
    browser = await chromium.launch({
      executablePath: chromiumInNamespace(lan.host('a').ns, tmp),
      args: CHROMIUM_ARGS,
    });
    ({ page } = await open(a.url));
  });

  test.afterAll(async () => {
    await browser?.close();
    await lan?.destroy();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('opens on the peer list, which shows the other Pigeon and iptux', async () => {
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    // --nick was given: no first-run dialog, straight to the people on the LAN.
    await expect(page.locator('.first-run')).toHaveCount(0);
    await expect(page.locator('.sidebar h1')).toHaveText('Peers');
    const bea = peerRow(page, NICK_B);
    const tux = peerRow(page, NICK_TUX);
    await expect(bea).toBeInViewport({ timeout: 15_000 });
    await expect(tux).toBeInViewport({ timeout: 15_000 });
    await expect(bea.locator('.client-tag')).toHaveText('Pigeon');
    await expect(tux.locator('.client-tag')).toHaveText('iptux');
    await expect(bea).toContainText(ip('b'));
    await expect(tux).toContainText(ip('tux'));
  });

  test('a message typed in Chinese reaches iptux and shows as delivered', async () => {
    await peerRow(page, NICK_TUX).click();
    await expect(page.locator('.conversation-header')).toContainText(NICK_TUX);
    await composer(page).pressSequentially(TO_IPTUX);
    await composer(page).press('Enter');
    await expect(composer(page)).toHaveValue('');
    const bubble = outgoing(page, TO_IPTUX);
    await expect(bubble).toBeVisible();
    await expect(bubble.getByRole('img', { name: 'Delivered' })).toBeVisible();
    // iptux got it as text, not mojibake: in the datagram and in what its user sees.
    await expect
      .poll(() =>
        iptux
          .udpLog()
          .some(
            (d) =>
              d.dir === 'received' && d.peer === ip('a') && d.bytes.toString().includes(TO_IPTUX),
          ),
      )
      .toBe(true);
    await expect.poll(() => iptux.chatLog() ?? '').toContain(TO_IPTUX);
  });

  test("iptux's reply appears in the conversation", async () => {
    await iptux.chatSend(ip('a'), FROM_IPTUX);
    await expect(page.locator('.msg-in', { hasText: FROM_IPTUX })).toBeVisible({
      timeout: 15_000,
    });
    // Read while open: no unread badge for it.
    await expect(page.locator('.rail-badge')).toHaveCount(0);
  });

  test('a new nick in Settings reaches the other Pigeon and iptux', async () => {
    await rail(page, 'settings');
    const nick = page.getByLabel('Nickname', { exact: true });
    await expect(nick).toHaveValue(NICK_A);
    await nick.fill(NICK_A2);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.locator('.notice')).toContainText('Settings saved.');
    const seen = await b.proc.waitForEvent(nickAt(ip('a'), NICK_A2), 10_000, 'the new nick at b');
    expect(seen.channel).toBe('peers:changed');
    await iptux.waitForDatagram(
      (d) => d.dir === 'received' && d.peer === ip('a') && d.bytes.toString().includes(NICK_A2),
      10_000,
    );
  });

  test('the echo panel measures the other Pigeon with Pigeon echo', async () => {
    test.setTimeout(60_000);
    await rail(page, 'echo');
    await page.getByLabel('Peer or address').fill(ip('b'));
    await page.getByRole('radio', { name: 'Pigeon echo' }).check();
    await page.getByLabel('Count').fill('10');
    await page.getByLabel('Interval (ms)').fill('100');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(page.getByText(/Finished in/)).toBeVisible({ timeout: 20_000 });
    // b's engine answered every probe: ten received, no loss, figures shown.
    const stat = (label: string) =>
      page
        .locator('.stat', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
        .first()
        .locator('dd');
    await expect(stat('Received')).toHaveText('10');
    await expect(stat('Loss')).toHaveText(/^0(\.0)?\s?%$/);
    await page.screenshot({ path: path.join(SCREENS, 'echo-pigeon-en-light.png') });
    await rail(page, 'peers'); // leave the page where the next tests expect it
  });

  test('a message to a peer that vanished waits in the outbox, says why, and can be cancelled', async () => {
    await b.proc.vanish(); // SIGKILL: no goodbye, so a still lists b as online
    await rail(page, 'peers');
    await peerRow(page, NICK_B).click();
    await composer(page).pressSequentially(TO_GONE);
    await composer(page).press('Enter');
    const bubble = outgoing(page, TO_GONE);
    await expect(bubble).toBeVisible();
    // The first try and four retries a second apart, then the outbox (serve keeps one): the
    // reason in the UI's language, from the catalogue the CLI uses too (the engine sends a code
    // and the values), under the message and as the delivery mark's tooltip.
    const reason = outcomeText(
      { code: 'outbox-no-ack', params: { peer: `${NICK_B} (${ip('b')})`, days: 7 } },
      'en',
    );
    const held = page.locator('.msg', { hasText: TO_GONE }).locator('.msg-outbox');
    await expect(held).toBeVisible({ timeout: 15_000 });
    await expect(held).toContainText('In the outbox');
    await expect(held).toContainText(reason);
    const mark = bubble.getByRole('img', { name: 'In the outbox' });
    await expect(mark).toHaveAttribute('title', reason);
    // Cancelled, it is not delivered, says so, and can be sent again.
    await held.getByRole('button', { name: 'Cancel' }).click();
    const failed = page.locator('.msg', { hasText: TO_GONE }).locator('.msg-failed');
    await expect(failed).toBeVisible();
    await expect(failed).toContainText('Not delivered');
    await expect(failed).toContainText(
      outcomeText({ code: 'cancelled', params: { peer: `${NICK_B} (${ip('b')})` } }, 'en'),
    );
    await expect(bubble.getByRole('img', { name: 'Not delivered' })).toBeVisible();
    await expect(failed.getByRole('button', { name: 'Retry' })).toBeVisible();
  });

  test('the doctor explains the vanished peer in a sentence', async () => {
    test.setTimeout(60_000);
    await rail(page, 'echo');
    // b was killed without a goodbye: its host is up but refuses TCP 2425, so the doctor says
    // the program is not running there (not a firewall, although we heard b a moment ago).
    await page.getByRole('tab', { name: /Why can.t I see/ }).click();
    await page.getByLabel('Peer or address').fill(ip('b'));
    await page.getByRole('button', { name: 'Diagnose' }).click();
    const verdict = page.locator('.verdict.is-main');
    await expect(verdict).toBeVisible({ timeout: 45_000 });
    await expect(verdict).toContainText('nothing listens on port 2425');
    await page.screenshot({ path: path.join(SCREENS, 'doctor-vanished-en-light.png') });
    await rail(page, 'peers'); // leave the page where the next tests expect it
  });

  test('screenshots of every main screen, in English and Chinese, light and dark', async () => {
    test.setTimeout(120_000);
    for (const { lang, scheme } of COMBOS) {
      const { ctx, page: p } = await open(a.url, { lang, scheme });
      await expect(p.locator('.chat-row').first()).toBeVisible();
      await shoot(p, 'chats', lang, scheme);
      await rail(p, 'peers');
      await expect(peerRow(p, NICK_TUX)).toBeVisible();
      await shoot(p, 'peers', lang, scheme);
      await peerRow(p, NICK_TUX).click();
      await expect(p.locator('.msg-in', { hasText: FROM_IPTUX })).toBeVisible();
      await shoot(p, 'chat', lang, scheme);
      await peerRow(p, NICK_B).click();
      await expect(p.locator('.msg-failed')).toBeVisible();
      await shoot(p, 'chat-failed', lang, scheme);
      await rail(p, 'settings');
      await expect(p.locator('.settings')).toBeVisible();
      await shoot(p, 'settings', lang, scheme);
      await rail(p, 'echo');
      await expect(p.locator('.echo-panel')).toBeVisible();
      await shoot(p, 'echo', lang, scheme);
      await ctx.close();
    }
  });

  test('a host started without --nick asks for one first, then joins the LAN', async () => {
    test.setTimeout(90_000);
    // Host c serves its UI on its LAN address (--ui-host), so a's browser reaches it over the
    // LAN: the explicit way to go beyond loopback, which must come with a warning.
    const c = await startUiPigeon(lan, 'c', { extra: ['--ui-host', ip('c')] });
    expect(c.url).toMatch(new RegExp(`^http://${ip('c').replaceAll('.', '\\.')}:\\d+/\\?token=`));
    await expect.poll(() => c.proc.stderr.join('')).toContain('warning:');

    for (const { lang, scheme } of COMBOS) {
      const { ctx, page: p } = await open(c.url, { lang, scheme });
      await expect(p.locator('.first-run')).toBeVisible();
      await shoot(p, 'first-run', lang, scheme);
      await ctx.close();
    }

    const { ctx, page: p } = await open(c.url);
    await p.getByLabel('Your nickname').fill('Cecilia 陈');
    await p.getByRole('button', { name: 'Start chatting' }).click();
    await expect(p.locator('.shell')).toBeVisible();
    await expect(peerRow(p, NICK_A2)).toBeVisible({ timeout: 15_000 });
    await a.proc.waitForEvent(nickAt(ip('c'), 'Cecilia 陈'), 10_000, "c's chosen nick at a");
    await expect(peerRow(page, 'Cecilia 陈')).toBeVisible();
    // Chosen once, remembered: a reload opens the main window.
    await p.reload();
    await expect(p.locator('.shell')).toBeVisible();
    await expect(p.locator('.first-run')).toHaveCount(0);
    await ctx.close();
  });

  test('no page hit a CSP violation or an uncaught error', () => {
    expect(problems).toEqual([]);
  });
});
