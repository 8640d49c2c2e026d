/**
 * Sealed messages (IPMsg SECRETOPT with READMSG receipts) in a browser: Alice's
 * `pigeon serve --ui` (127.0.0.111) and Bea, another Pigeon (127.0.0.112, `serve --json`, driven
 * through its contract on stdin). Alice seals one from her page: it shows delivered, then opened
 * when Bea's engine opens it. Bea seals one to Alice: the page withholds its text (in the
 * bubble, the chat list, every window) until Alice opens it, and Bea's engine hears that she
 * did. Loopback only, no root. Screenshots in e2e/artifacts/screens/sealed-*.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import type { ChatMessage } from '../../shared/model';
import { loopbackSkipReason, openAppPage, SCREENS, shootScreen } from '../support/app-page';
import { launchChromium } from '../support/chromium';
import { startLoopbackPigeon, testPort, type LoopbackPigeon } from '../support/loopback-pigeon';

const A = '127.0.0.111';
const B = '127.0.0.112';
const skip = loopbackSkipReason(A, B);
const NICK_A = 'Alice';
const NICK_B = '小北';
const TO_BEA = 'the door code is 4711, 门禁密码';
const TO_ALICE = '工资单在抽屉里 / the payslips are in the drawer';

test.describe.configure({ mode: 'serial' });

test.describe('sealed messages, in a browser', () => {
  test.skip(skip !== undefined, skip ?? '');

  let tmp: string;
  let alice: LoopbackPigeon;
  let bea: LoopbackPigeon;
  let browser: Browser;
  let en: Page;
  const problems: string[] = [];

  const open = (url: string, locale: string, colorScheme: 'light' | 'dark') =>
    openAppPage(browser, url, { locale, colorScheme, problems });

  const shoot = (p: Page, name: string) => shootScreen(p, `sealed-${name}`);

  /** Bea's conversation, from the peer list. */
  async function talkToBea(p: Page): Promise<void> {
    await p
      .locator('.rail')
      .getByRole('button', { name: /^(Peers|联系人)$/ })
      .click();
    const row = p.locator('.peer-row', { hasText: NICK_B });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await row.click();
    await expect(p.locator('.conversation-header')).toContainText(NICK_B);
  }

  test.beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-sealed-e2e-'));
    fs.mkdirSync(SCREENS, { recursive: true });
    const port = testPort();
    const data = (who: string) => path.join(tmp, who);
    bea = await startLoopbackPigeon({ bind: B, peers: [A], port, nick: NICK_B, data: data('b') });
    alice = await startLoopbackPigeon({
      bind: A,
      peers: [B],
      port,
      nick: NICK_A,
      data: data('a'),
      ui: true,
    });
    browser = await launchChromium();
    en = await open(alice.url, 'en-US', 'light');
  });

  test.afterAll(async () => {
    await browser?.close();
    for (const side of [alice, bea]) if (side) await side.proc.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('sealed from the page: delivered, then "opened" when Bea opens it', async () => {
    await talkToBea(en);
    await en.getByRole('checkbox', { name: 'Sealed' }).check();
    const composer = en.locator('.composer-input');
    await composer.fill(TO_BEA);
    await composer.press('Enter');
    const bubble = en.locator('.msg-out', { hasText: TO_BEA });
    await expect(bubble.getByRole('img', { name: 'Delivered' })).toBeVisible();
    await expect(bubble.locator('.sealed-status')).toHaveText('Sealed · not opened yet');

    // Bea's engine holds it sealed: no text until she opens it.
    const got = await bea.proc.waitFor(
      'chat:message',
      (e) => e.message.direction === 'in' && e.message.sealed !== undefined,
      10_000,
      'the sealed message at Bea',
    );
    expect(got.message.sealed).toEqual({ openedAt: null });
    expect(got.message.text).toBe('');
    await shoot(en, 'sent-en-light');
    // Delivered is not opened: still not opened a moment later.
    await en.waitForTimeout(500);
    await expect(bubble.locator('.sealed-status')).toHaveText('Sealed · not opened yet');

    const opened = await bea.proc.request('chat:open-sealed', { messageId: got.message.id });
    if (!opened.ok) throw new Error(`chat:open-sealed refused: ${opened.error.message}`);
    expect((opened.value as ChatMessage).text).toBe(TO_BEA);
    await expect(bubble.locator('.sealed-status')).toContainText(/^Sealed · opened at \d\d:\d\d/);
    await expect(bubble.getByRole('img', { name: 'Delivered' })).toBeVisible();
    await shoot(en, 'opened-en-light');
  });

  test('sealed to the page: its text waits until Alice opens it, and Bea hears that she did', async () => {
    const zh = await open(alice.url, 'zh-CN', 'dark');
    const sent = await bea.proc.request('chat:send', { to: [A], text: TO_ALICE, sealed: true });
    if (!sent.ok) throw new Error(`chat:send refused: ${sent.error.message}`);
    const [id] = (sent.value as { ids: string[] }).ids;
    expect((await bea.proc.finalDelivery(id)).state).toBe('delivered');

    await talkToBea(zh);
    const bubble = zh.locator('.msg-in').last();
    await expect(bubble.locator('.sealed-body')).toContainText('一条密封消息。');
    // Withheld everywhere: the bubble, the chat list's preview, the other window.
    await expect(zh.getByText(TO_ALICE)).toHaveCount(0);
    await zh.locator('.rail').getByRole('button', { name: /^消息/ }).click();
    await expect(
      zh.locator('.chat-row', { hasText: NICK_B }).locator('.chat-row-preview'),
    ).toHaveText('一条密封消息。');
    await expect(zh.getByText(TO_ALICE)).toHaveCount(0);
    await expect(en.getByText(TO_ALICE)).toHaveCount(0);
    await zh.locator('.chat-row', { hasText: NICK_B }).click();
    await shoot(zh, 'closed-zh-dark');
    expect(bea.proc.of('chat:opened').filter((o) => o.messageId === id)).toEqual([]);

    await bubble.getByRole('button', { name: '打开' }).click();
    await expect(bubble).toContainText(TO_ALICE);
    await expect(bubble.locator('.sealed-status')).toHaveText('密封消息，已打开。');
    await expect(bubble.locator('.sealed-body')).toHaveCount(0);
    const told = await bea.proc.waitFor('chat:opened', (o) => o.messageId === id, 10_000, 'opened');
    expect(told.text).toBeUndefined();
    // The other window shows it opened too.
    await expect(en.locator('.msg-in', { hasText: TO_ALICE })).toBeVisible();
    await shoot(zh, 'opened-zh-dark');
    expect(problems).toEqual([]);
  });
});
