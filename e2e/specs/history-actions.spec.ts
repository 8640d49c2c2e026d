/**
 * What a person does with the history, by hand, on the browser host (`pigeon serve --ui` on
 * loopback) with messages from a scripted peer (`pigeon serve --json` on another loopback
 * address): pin and unpin a message, delete one with the keyboard only, export the conversation
 * as HTML (a peer's markup stays text) and JSON, delete the conversation, delete everything from
 * settings; a failed request shows its error; axe-core on the menu and a confirmation dialog, in
 * light/English and dark/Chinese. The engine is asked each time what it really kept.
 */
import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { demoBuilt, serveDemo } from '../support/demo-host';
import { deliverMessage, startHostAndPeer, type LoopbackServe } from '../support/loopback-pigeon';
import { en } from '../../renderer/src/i18n/en';
import { zhCN } from '../../renderer/src/i18n/zh-CN';
import { chromiumAvailable } from '../support/chromium';
import { gotoApp, loopbackSkipReason } from '../support/app-page';

const skip = loopbackSkipReason('127.0.0.91', '127.0.0.93');

const SCRIPT = '<script>alert("pwned")</script> & <b>bold</b>';

interface Stored {
  id: string;
  text: string;
  pinned?: boolean;
}
interface PageApi {
  pigeon: {
    chat: {
      history(req: { peerId: string; limit: number }): Promise<{
        ok: boolean;
        value?: { messages: Stored[] };
      }>;
      conversations(): Promise<{ ok: boolean; value?: { peerId: string }[] }>;
    };
  };
}

/** What the engine holds of a conversation (through the page's own API). */
async function stored(page: Page, peerId: string): Promise<Stored[]> {
  const r = await page.evaluate(
    (peerId) => (globalThis as unknown as PageApi).pigeon.chat.history({ peerId, limit: 100 }),
    peerId,
  );
  return r.value?.messages ?? [];
}

async function conversationIds(page: Page): Promise<string[]> {
  const r = await page.evaluate(() =>
    (globalThis as unknown as PageApi).pigeon.chat.conversations(),
  );
  return (r.value ?? []).map((c) => c.peerId);
}

const BLOCKING = new Set(['serious', 'critical']);
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** axe on what is open (a menu, a dialog): no serious or critical violation. */
async function expectAccessible(page: Page, include: string, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).include(include).withTags(WCAG_TAGS).analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  const lines = blocking.flatMap((v) => [
    `${v.id} (${v.impact}): ${v.help}`,
    ...v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.html.slice(0, 160)}`),
  ]);
  expect(
    blocking.map((v) => v.id),
    `axe on ${what}:\n${lines.join('\n')}`,
  ).toEqual([]);
}

async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el === el.ownerDocument.activeElement);
}

test.describe('history actions in the UI', () => {
  test.skip(skip !== undefined, skip ?? '');
  test.describe.configure({ mode: 'serial' });

  let host: LoopbackServe | undefined;
  let bob: LoopbackServe | undefined;

  test.beforeAll(async () => {
    ({ host, peer: bob } = await startHostAndPeer({
      host: { address: '127.0.0.91', nick: 'Ann' },
      peer: { address: '127.0.0.93', nick: 'Bob' },
      nowhere: '127.0.0.92',
    }));
  });

  test.afterAll(async () => {
    await bob?.stop();
    await host?.stop();
  });

  /** Bob writes to Ann; resolves once Ann's engine has it. */
  async function fromBob(text: string): Promise<void> {
    if (!host || !bob) throw new Error('not started');
    await deliverMessage(bob, host, text);
  }

  async function open(
    browser: Browser,
    mode: { colorScheme: 'light' | 'dark'; locale: string },
  ): Promise<Page> {
    if (!host) throw new Error('not started');
    const context = await browser.newContext({ ...mode, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await gotoApp(page, host.url);
    return page;
  }

  test('pin, unpin, delete by keyboard, export, delete the conversation (light, English)', async ({
    browser,
  }) => {
    if (!host || !bob) throw new Error('not started');
    const bobId = bob.id;
    for (const text of ['pin me', 'delete me by keyboard', SCRIPT, 'the newest one'])
      await fromBob(text);
    const page = await open(browser, { colorScheme: 'light', locale: 'en-US' });
    await page.locator('.chat-row', { hasText: 'Bob' }).click();
    const msg = (text: string) => page.locator('.msg', { hasText: text });
    await expect(msg('the newest one')).toBeVisible();

    // Pin from the "⋯" button, with the mouse.
    await msg('pin me').hover();
    await msg('pin me').getByRole('button', { name: en.history.messageActions }).click();
    const menu = page.getByRole('menu', { name: en.history.messageActions });
    await expect(menu).toBeVisible();
    await expect(menu.getByRole('menuitem')).toHaveText([
      en.history.copy,
      `${en.history.pin}${en.history.pinHint}`,
      en.history.delete,
    ]);
    await expectAccessible(page, '.menu', 'the message menu (light, en)');
    await page.screenshot({ path: test.info().outputPath('message-menu-light-en.png') });
    await menu.getByRole('menuitem', { name: en.history.pin }).click();
    await expect(menu).toBeHidden();
    const mark = msg('pin me').getByRole('img', { name: en.history.pinnedTitle });
    await expect(mark).toBeVisible();
    await expect
      .poll(async () => (await stored(page, bobId)).find((m) => m.text === 'pin me')?.pinned)
      .toBe(true);
    await page.screenshot({ path: test.info().outputPath('pinned-light-en.png') });

    // Unpin from a right-click on the message.
    await msg('pin me').locator('.msg-bubble').click({ button: 'right' });
    await menu.getByRole('menuitem', { name: en.history.unpin }).click();
    await expect(mark).toHaveCount(0);
    await expect
      .poll(async () => (await stored(page, bobId)).find((m) => m.text === 'pin me')?.pinned)
      .toBeFalsy();

    // Over words the person selected, a right-click leaves the system's menu (Copy) alone.
    await msg('pin me').locator('.msg-text').selectText();
    await msg('pin me').locator('.msg-bubble').click({ button: 'right' });
    await expect(menu).toBeHidden();
    await page.evaluate(() =>
      (globalThis as unknown as { getSelection(): { removeAllRanges(): void } | null })
        .getSelection()
        ?.removeAllRanges(),
    );

    // A sealed message not opened yet: its words are not offered to copy.
    await bob.request('chat:send', { to: [host.id], text: 'for your eyes', sealed: true });
    const sealed = page.locator('.msg', { has: page.locator('.sealed-body') });
    await expect(sealed).toBeVisible();
    await sealed.locator('.msg-bubble').click({ button: 'right' });
    await expect(menu.getByRole('menuitem')).toHaveText([
      `${en.history.pin}${en.history.pinHint}`,
      en.history.delete,
    ]);
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();

    // Delete with the keyboard only: the messages are one Tab stop, on the message last acted
    // on (the sealed one, newest); the arrows move between messages, Shift+F10 opens the menu.
    const stop = sealed.getByRole('button', { name: en.history.messageActions });
    await page.getByRole('textbox', { name: en.composer.label }).focus();
    for (let i = 0; i < 10 && !(await isFocused(stop)); i++) await page.keyboard.press('Shift+Tab');
    expect(await isFocused(stop), 'Shift+Tab from the composer reaches the messages').toBe(true);
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
    const target = msg('delete me by keyboard').getByRole('button', {
      name: en.history.messageActions,
    });
    await expect(target).toBeFocused();
    await page.keyboard.press('Shift+F10');
    await expect(menu).toBeVisible();
    await expect(menu.getByRole('menuitem').first()).toBeFocused();
    await page.keyboard.press('End');
    await expect(menu.getByRole('menuitem', { name: en.history.delete })).toBeFocused();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: en.history.deleteMessageTitle });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(en.history.deleteMessageBody);
    await expectAccessible(page, 'dialog', 'the delete dialog (light, en)');
    await page.screenshot({ path: test.info().outputPath('delete-message-light-en.png') });
    // Focus stays in the dialog; its Delete button is reached with Tab.
    const confirm = dialog.getByRole('button', { name: en.history.deleteConfirm, exact: true });
    for (let i = 0; i < 6 && !(await isFocused(confirm)); i++) {
      await page.keyboard.press('Tab');
      expect(await page.locator('dialog *:focus').count(), 'focus stays in the dialog').toBe(1);
    }
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    await expect(msg('delete me by keyboard')).toHaveCount(0);
    await expect(page.getByRole('log')).toBeFocused();
    // The sealed one's words stay withheld (''), here and in the exports.
    const left = ['pin me', SCRIPT, 'the newest one', ''];
    expect((await stored(page, bobId)).map((m) => m.text)).toEqual(left);

    // Export as HTML: the peer's markup is text in the file.
    const actions = page.getByRole('button', { name: en.history.conversationActions });
    await actions.click();
    const convMenu = page.getByRole('menu', { name: en.history.conversationActions });
    let download = page.waitForEvent('download');
    await convMenu.getByRole('menuitem', { name: en.history.exportHtml }).click();
    const html = await download;
    expect(html.suggestedFilename()).toMatch(/^pigeon-Bob-\d{4}-\d{2}-\d{2}\.html$/);
    const htmlText = fs.readFileSync(await html.path(), 'utf8');
    expect(htmlText).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(htmlText).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(htmlText).not.toContain('<script>');
    expect(htmlText).not.toContain('delete me by keyboard');
    expect(htmlText).not.toContain('for your eyes');
    await expect(page.locator('.notice')).toContainText(html.suggestedFilename());

    // And as JSON: the messages as the contract has them.
    await actions.click();
    download = page.waitForEvent('download');
    await convMenu.getByRole('menuitem', { name: en.history.exportJson }).click();
    const json = await download;
    expect(json.suggestedFilename()).toMatch(/^pigeon-Bob-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(fs.readFileSync(await json.path(), 'utf8')) as Stored[];
    expect(exported.map((m) => m.text)).toEqual(left);

    // Delete the conversation.
    await actions.click();
    await convMenu.getByRole('menuitem', { name: en.history.deleteConversation }).click();
    const convDialog = page.getByRole('dialog');
    await expect(convDialog).toContainText('Bob');
    await convDialog.getByRole('button', { name: en.history.deleteConfirm, exact: true }).click();
    await expect(convDialog).toBeHidden();
    await expect(page.locator('.chat-row', { hasText: 'Bob' })).toHaveCount(0);
    await expect(page.locator('.notice').last()).toHaveText('Deleted 4 messages');
    expect(await stored(page, bobId)).toEqual([]);
    await page.context().close();
  });

  test('a failed request shows its error', async ({ browser }) => {
    if (!host || !bob) throw new Error('not started');
    await fromBob('gone behind the page');
    const context = await browser.newContext({ colorScheme: 'light', locale: 'en-US' });
    const page = await context.newPage();
    // Between the page and the host: history:deleted events do not reach the page (as when
    // it missed one), and a delete-all is answered with an error (as a full disk would).
    await page.routeWebSocket(/\/ipc/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((frame) => {
        const f = JSON.parse(String(frame)) as { id: number; ch: string; req: unknown };
        if (f.ch === 'history:delete' && JSON.stringify(f.req) === '{"all":true}') {
          const error = { code: 'internal', message: 'database or disk is full' };
          ws.send(JSON.stringify({ t: 'result', id: f.id, result: { ok: false, error } }));
          return;
        }
        server.send(frame);
      });
      server.onMessage((frame) => {
        if (!String(frame).includes('"ch":"history:deleted"')) ws.send(frame);
      });
    });
    await page.goto(host.url);
    await page.locator('.chat-row', { hasText: 'Bob' }).click();
    const msg = page.locator('.msg', { hasText: 'gone behind the page' });
    await expect(msg).toBeVisible();
    const id = (await stored(page, bob.id)).find((m) => m.text === 'gone behind the page')?.id;
    if (!id) throw new Error('no message');
    expect(await host.request('history:delete', { messageId: id })).toEqual({ deleted: 1 });

    await msg.locator('.msg-bubble').click({ button: 'right' });
    await page.getByRole('menuitem', { name: en.history.pin }).click();
    await expect(page.locator('.notice-error')).toContainText(`no message ${id} in the history`);
    await expect(msg.getByRole('img', { name: en.history.pinnedTitle })).toHaveCount(0);

    await page.getByRole('navigation').getByRole('button', { name: en.rail.settings }).click();
    await page.getByRole('button', { name: en.history.deleteAll }).click();
    const dialog = page.getByRole('dialog', { name: en.history.deleteAllTitle });
    const confirm = dialog.getByRole('button', { name: en.history.deleteAllConfirm, exact: true });
    await confirm.click();
    // The dialog stays, says why, and the button can be pressed again.
    await expect(dialog.getByRole('alert')).toHaveText(
      en.history.failed.replace('{{error}}', 'database or disk is full'),
    );
    await expect(confirm).toBeEnabled();
    await expect(dialog).toBeVisible();
    await context.close();
  });

  test('delete all history from settings (dark, Chinese)', async ({ browser }) => {
    if (!host || !bob) throw new Error('not started');
    for (const text of ['一条消息', '另一条']) await fromBob(text);
    const page = await open(browser, { colorScheme: 'dark', locale: 'zh-CN' });
    await page.locator('.chat-row', { hasText: 'Bob' }).click();
    const msg = page.locator('.msg', { hasText: '另一条' });
    await msg.locator('.msg-bubble').click({ button: 'right' });
    const menu = page.getByRole('menu', { name: zhCN.history.messageActions });
    await expect(menu.getByRole('menuitem')).toHaveText([
      zhCN.history.copy,
      `${zhCN.history.pin}${zhCN.history.pinHint}`,
      zhCN.history.delete,
    ]);
    await expectAccessible(page, '.menu', 'the message menu (dark, zh-CN)');
    await page.screenshot({ path: test.info().outputPath('message-menu-dark-zh-CN.png') });
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(msg.getByRole('button', { name: zhCN.history.messageActions })).toBeFocused();
    await page.getByRole('navigation').getByRole('button', { name: zhCN.rail.settings }).click();
    const opener = page.getByRole('button', { name: zhCN.history.deleteAll });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: zhCN.history.deleteAllTitle });
    await expect(dialog).toBeVisible();
    for (const line of [
      zhCN.history.deleteAllGoesMessages,
      zhCN.history.deleteAllGoesIndex,
      zhCN.history.deleteAllGoesDuplicates,
      zhCN.history.deleteAllGoesOutbox,
      zhCN.history.deleteAllStaysFiles,
    ])
      await expect(dialog).toContainText(line);
    await expectAccessible(page, 'dialog', 'the delete-all dialog (dark, zh-CN)');
    await page.screenshot({ path: test.info().outputPath('delete-all-dark-zh-CN.png') });
    // Escape cancels and gives focus back; nothing is deleted.
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(opener).toBeFocused();
    expect(await conversationIds(page)).toContain(bob.id);

    await opener.click();
    await dialog.getByRole('button', { name: zhCN.history.deleteAllConfirm, exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(page.locator('.notice').last()).toHaveText('历史记录已删除（2 条消息）');
    expect(await conversationIds(page)).toEqual([]);
    await expect(opener).toBeFocused();
    await page.getByRole('navigation').getByRole('button', { name: zhCN.rail.chats }).click();
    await expect(page.locator('.chat-row', { hasText: 'Bob' })).toHaveCount(0);
    await page.context().close();
  });
});

/** The demo build (the fake engine the accessibility and keyboard specs use) does them too. */
test.describe('history actions in the demo', () => {
  const demoSkip = [demoBuilt(), chromiumAvailable()].find((c) => !c.ok);
  test.skip(demoSkip !== undefined, demoSkip && !demoSkip.ok ? demoSkip.reason : '');

  let demo: Awaited<ReturnType<typeof serveDemo>> | undefined;
  test.beforeAll(async () => {
    demo = await serveDemo();
  });
  test.afterAll(async () => {
    await demo?.close();
  });

  test('pin, export and delete on the fake engine', async ({ page }) => {
    if (!demo) throw new Error('not started');
    await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
    await page.goto(`${demo.base}/demo.html?messages=50`);
    await page.getByRole('option', { name: /张伟/ }).click();
    const msg = page.locator('.msg', { hasText: '好的，收到' });
    await msg.locator('.msg-bubble').click({ button: 'right' });
    await page.getByRole('menuitem', { name: en.history.pin }).click();
    await expect(msg.getByRole('img', { name: en.history.pinnedTitle })).toBeVisible();

    await page.getByRole('button', { name: en.history.conversationActions }).click();
    const download = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: en.history.exportJson }).click();
    const exported = JSON.parse(fs.readFileSync(await (await download).path(), 'utf8')) as Stored[];
    expect(exported.find((m) => m.text === '好的，收到')?.pinned).toBe(true);

    await msg.locator('.msg-bubble').click({ button: 'right' });
    await page.getByRole('menuitem', { name: en.history.delete }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: en.history.deleteConfirm, exact: true })
      .click();
    await expect(msg).toHaveCount(0);
  });
});
