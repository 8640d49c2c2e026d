/**
 * The outbox in a browser: Alice's `pigeon serve --ui` (127.0.0.101) writes to Bea, another
 * Pigeon (127.0.0.102, `serve --json`), who has just quit. Her messages wait in the outbox with
 * why and for how long, one is cancelled, the rest outlive a reload and a restart of Alice's
 * host, and go when Bea starts again at the same address: once each, in order, as Bea's own
 * engine reports. Then one that waited longer than the outbox keeps anything fails 'expired'
 * (Alice's host restarted 8 days ahead by a test-only clock shift, see shifted-clock.cjs).
 * Loopback only, no root. Screenshots in e2e/artifacts/screens/outbox-*.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { OUTBOX_TTL_MS } from '../../shared/model';
import { outcomeText } from '../../shared/model/texts';
import { loopbackSkipReason, openAppPage, SCREENS, shootScreen } from '../support/app-page';
import { launchChromium } from '../support/chromium';
import { startLoopbackPigeon, testPort, type LoopbackPigeon } from '../support/loopback-pigeon';

const A = '127.0.0.101';
const B = '127.0.0.102';
const skip = loopbackSkipReason(A, B);
const NICK_A = 'Alice';
const NICK_B = 'Bea';
const FIRST = 'first: are you there? 你在吗？';
const SECOND = 'second: the minutes are attached';
const CANCELLED = 'third: never mind, cancel this one';
const LATE = 'fourth: this one waits too long';
const DAYS = OUTBOX_TTL_MS / (24 * 3600_000);

test.describe.configure({ mode: 'serial' });

test.describe('the outbox, in a browser', () => {
  test.skip(skip !== undefined, skip ?? '');

  let tmp: string;
  let dataA: string;
  let dataB: string;
  let port: number;
  let alice: LoopbackPigeon;
  let bea: LoopbackPigeon;
  /** The page the next test goes on with. */
  let page: Page;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  const startAlice = async (clockShiftMs = 0) => {
    alice = await startLoopbackPigeon({
      bind: A,
      peers: [B],
      port,
      nick: NICK_A,
      data: dataA,
      ui: true,
      clockShiftMs,
    });
    return alice;
  };
  const startBea = async () => {
    bea = await startLoopbackPigeon({ bind: B, peers: [A], port, nick: NICK_B, data: dataB });
    return bea;
  };

  async function open(url: string, locale: string, colorScheme: 'light' | 'dark'): Promise<Page> {
    const p = await openAppPage(browser, url, { locale, colorScheme, problems });
    contexts.push(p.context());
    return p;
  }

  /** Closes the pages before their host stops (a page whose host went away keeps retrying). */
  async function closePages(): Promise<void> {
    for (const ctx of contexts.splice(0)) await ctx.close();
  }

  const shoot = (p: Page, name: string) => shootScreen(p, `outbox-${name}`);

  /**
   * Bea's conversation, from the chat list: by her name, also on a restarted host before she
   * announces herself again (the history remembers the names she last announced).
   */
  async function openChat(p: Page): Promise<void> {
    const label = NICK_B;
    await p
      .locator('.rail')
      .getByRole('button', { name: /^(Chats|消息)/ })
      .click();
    await p.locator('.chat-row', { hasText: label }).click();
    await expect(p.locator('.conversation-header')).toContainText(label);
  }

  const bubble = (p: Page, text: string) => p.locator('.msg-out', { hasText: text });
  const text = (code: Parameters<typeof outcomeText>[0]['code'], lang: 'en' | 'zh-CN') =>
    outcomeText({ code, params: { peer: `${NICK_B} (${B})`, days: DAYS } }, lang);

  /** What Bea's engine received from Alice, in order. */
  const beaGot = () =>
    bea.proc
      .of('chat:message')
      .filter((e) => e.message.direction === 'in' && e.message.peerId.startsWith(`${A}:`))
      .map((e) => e.message.text);

  test.beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-outbox-e2e-'));
    dataA = path.join(tmp, 'alice');
    dataB = path.join(tmp, 'bea');
    fs.mkdirSync(SCREENS, { recursive: true });
    port = testPort();
    await startBea();
    await startAlice();
    browser = await launchChromium();
  });

  test.afterAll(async () => {
    await browser?.close();
    for (const side of [alice, bea]) if (side) await side.proc.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('messages to a Pigeon that went offline wait in the outbox, saying why and how long', async () => {
    test.setTimeout(40_000);
    page = await open(alice.url, 'en-US', 'light');
    const row = page.locator('.peer-row', { hasText: NICK_B });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await row.click();
    await expect(page.locator('.conversation-header')).toContainText(NICK_B);
    // Bea quits (BR_EXIT) while her conversation is open: it shows her offline.
    await bea.proc.stop();
    await alice.proc.waitFor('peers:offline', (p) => p.address === B, 5000, 'Bea offline');
    await expect(page.locator('.conversation-header .presence-text')).toContainText('Last seen');
    await expect(page.locator('.composer-hint')).toContainText(
      'is offline: tried now, then kept in the outbox until they are back',
    );

    const composer = page.locator('.composer-input');
    await composer.fill(FIRST);
    await composer.press('Enter');
    // Tried first (anyone can forge an exit), then kept: the retries take about 5 s.
    const first = bubble(page, FIRST);
    await expect(first.locator('.msg-outbox')).toContainText(
      `In the outbox: ${text('outbox-no-ack', 'en')}`,
      { timeout: 15_000 },
    );
    await expect(first.getByRole('img', { name: 'In the outbox' })).toBeVisible();
    await expect(first.locator('.msg-outbox')).toContainText(`for up to ${DAYS} days`);
    // And until when, as a date: seven days from now.
    const until = new Intl.DateTimeFormat('en', { month: 'long', day: 'numeric' }).format(
      Date.now() + DAYS * 86_400_000,
    );
    await expect(first.locator('.msg-outbox')).toContainText(`kept until ${until}`);

    // Written behind a waiting one: it waits at once, behind it, untried.
    for (const t of [SECOND, CANCELLED]) {
      await composer.fill(t);
      await composer.press('Enter');
      await expect(bubble(page, t).locator('.msg-outbox')).toContainText(
        text('outbox-offline', 'en'),
      );
    }
    await shoot(page, 'waiting-en-light');
  });

  test('cancelling takes a message out of the outbox, and it says so', async () => {
    const third = bubble(page, CANCELLED);
    await third.getByRole('button', { name: 'Cancel' }).click();
    await expect(third.locator('.msg-outbox')).toHaveCount(0);
    await expect(third.locator('.msg-failed')).toContainText(
      `Not delivered: ${text('cancelled', 'en')}`,
    );
    await expect(third.getByRole('img', { name: 'Not delivered' })).toBeVisible();
    // The others still wait.
    await expect(page.locator('.msg-outbox')).toHaveCount(2);
    await shoot(page, 'cancelled-en-light');
  });

  test('the outbox outlives a reload of the page and a restart of the host', async () => {
    test.setTimeout(40_000);
    await page.reload();
    await expect(page.locator('.shell')).toBeVisible();
    await openChat(page);
    for (const t of [FIRST, SECOND])
      await expect(bubble(page, t).locator('.msg-outbox')).toContainText('In the outbox');
    await expect(bubble(page, CANCELLED).locator('.msg-failed')).toContainText(
      text('cancelled', 'en'),
    );

    await closePages();
    await alice.proc.stop();
    await startAlice();
    const zh = (page = await open(alice.url, 'zh-CN', 'dark'));
    await openChat(zh);
    await expect(bubble(zh, FIRST).locator('.msg-outbox')).toContainText(
      `在发件箱中：${text('outbox-no-ack', 'zh-CN')}`,
    );
    await expect(bubble(zh, SECOND).locator('.msg-outbox')).toContainText(
      text('outbox-offline', 'zh-CN'),
    );
    await expect(bubble(zh, CANCELLED).locator('.msg-failed')).toContainText(
      text('cancelled', 'zh-CN'),
    );
    await shoot(zh, 'after-restart-zh-dark');
    // Nothing reached Bea meanwhile: she was not there.
    expect(beaGot()).toEqual([]);
  });

  test('Bea comes back at the same address: each waiting message arrives once, in order', async () => {
    test.setTimeout(40_000);
    const zh = page;
    await startBea();
    for (const t of [FIRST, SECOND]) {
      await expect(bubble(zh, t).getByRole('img', { name: '已送达' })).toBeVisible({
        timeout: 15_000,
      });
      await expect(bubble(zh, t).locator('.msg-outbox')).toHaveCount(0);
    }
    await expect(bubble(zh, CANCELLED).locator('.msg-failed')).toBeVisible();
    await shoot(zh, 'delivered-zh-dark');
    // What Bea's own engine got, not just what Alice's page says: a late copy would show by now.
    await zh.waitForTimeout(2000);
    expect(beaGot()).toEqual([FIRST, SECOND]);

    const en = (page = await open(alice.url, 'en-US', 'light'));
    await openChat(en);
    for (const t of [FIRST, SECOND])
      await expect(bubble(en, t).getByRole('img', { name: 'Delivered' })).toBeVisible();
    await shoot(en, 'delivered-en-light');
  });

  test('a message that waits longer than the outbox keeps anything expires, with the reason', async () => {
    test.setTimeout(40_000);
    const en = page;
    await bea.proc.stop();
    await alice.proc.waitFor(
      'peers:offline',
      (p) => p.address === B && alice.proc.of('peers:online').some((o) => o.address === B),
      5000,
      'Bea offline again',
    );
    const composer = en.locator('.composer-input');
    await composer.fill(LATE);
    await composer.press('Enter');
    await expect(bubble(en, LATE).locator('.msg-outbox')).toContainText(
      text('outbox-no-ack', 'en'),
      { timeout: 15_000 },
    );

    // A week and a day pass while Alice's Pigeon is stopped.
    await closePages();
    await alice.proc.stop();
    await startAlice(OUTBOX_TTL_MS + 24 * 3600_000);
    const later = await open(alice.url, 'en-US', 'light');
    await openChat(later);
    const late = bubble(later, LATE);
    await expect(late.locator('.msg-failed')).toContainText(
      `Not delivered: ${text('expired', 'en')}`,
    );
    await expect(late.locator('.msg-outbox')).toHaveCount(0);
    await expect(late.getByRole('img', { name: 'Not delivered' })).toBeVisible();
    // The earlier ones keep their delivered mark.
    await expect(bubble(later, FIRST).getByRole('img', { name: 'Delivered' })).toBeVisible();
    await shoot(later, 'expired-en-light');
    expect(beaGot()).not.toContain(LATE);
    expect(problems).toEqual([]);
  });
});
