/**
 * A deletion reaches every window: two tabs on one browser host (`pigeon serve --ui` on
 * loopback), messages from a scripted peer (`pigeon serve --json` on another loopback address);
 * what one tab deletes leaves the other tab's chat list, unread badge, search results and open
 * conversation, and the host prints it as a `history:deleted` JSON line. A pin made in one tab
 * shows in the other (history:pinned).
 */
import { expect, test, type Page } from '@playwright/test';
import { deliverMessage, startHostAndPeer, type LoopbackServe } from '../support/loopback-pigeon';
import { en } from '../../renderer/src/i18n/en';
import { gotoApp, loopbackSkipReason } from '../support/app-page';

const skip = loopbackSkipReason('127.0.0.81', '127.0.0.83');

type Which = { messageId: string } | { peerId: string } | { all: true };
interface PageApi {
  pigeon: {
    chat: {
      history(req: { peerId: string; limit: number }): Promise<{
        ok: boolean;
        value?: { messages: { id: string; text: string }[] };
      }>;
    };
    history: {
      delete(req: Which): Promise<{ ok: boolean; value?: { deleted: number } }>;
      pin(req: { messageId: string; pinned: boolean }): Promise<{ ok: boolean }>;
    };
  };
}

/** Deletes through the page's own API, as a window of the app does. */
async function deleteIn(page: Page, which: Which): Promise<number | undefined> {
  const r = await page.evaluate(
    (w) => (globalThis as unknown as PageApi).pigeon.history.delete(w),
    which,
  );
  return r.value?.deleted;
}

async function idOf(page: Page, peerId: string, text: string): Promise<string> {
  const id = await page.evaluate(
    async ({ peerId, text }) => {
      const r = await (globalThis as unknown as PageApi).pigeon.chat.history({
        peerId,
        limit: 100,
      });
      return r.value?.messages.find((m) => m.text === text)?.id;
    },
    { peerId, text },
  );
  if (!id) throw new Error(`no message "${text}"`);
  return id;
}

test.describe('history:deleted in every tab', () => {
  test.skip(skip !== undefined, skip ?? '');

  let host: LoopbackServe | undefined;
  let bob: LoopbackServe | undefined;

  test.beforeAll(async () => {
    ({ host, peer: bob } = await startHostAndPeer({
      host: { address: '127.0.0.81', nick: 'Ann' },
      peer: { address: '127.0.0.83', nick: 'Bob' },
      nowhere: '127.0.0.82',
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

  test('a delete in one tab takes the message out of the other', async ({ context }) => {
    if (!host || !bob) throw new Error('not started');
    const bobId = bob.id;
    for (const text of ['keep me around', 'delete me please', 'unread and gone'])
      await fromBob(text);

    const [a, b] = [await context.newPage(), await context.newPage()];
    for (const p of [a, b]) {
      await gotoApp(p, host.url);
    }
    const row = (p: Page) => p.locator('.chat-row', { hasText: 'Bob' });
    await expect(row(b).locator('.badge')).toHaveText('3');
    await expect(row(b).locator('.chat-row-preview')).toHaveText('unread and gone');

    // An unread message: gone from the other tab's list, its badge one less.
    const unreadId = await idOf(a, bobId, 'unread and gone');
    expect(await deleteIn(a, { messageId: unreadId })).toBe(1);
    await expect(row(b).locator('.badge')).toHaveText('2');
    await expect(row(b).locator('.chat-row-preview')).toHaveText('delete me please');
    expect(
      await host.event('history:deleted', (p) =>
        ((p as { messageIds?: string[] }).messageIds ?? []).includes(unreadId),
      ),
    ).toEqual({ scope: 'message', peerId: bobId, messageIds: [unreadId] });

    // A search hit in the other tab.
    await b.getByLabel(en.sidebar.searchLabel).fill('please');
    const hits = b.locator('.message-search-hit');
    await expect(hits).toHaveCount(1);
    await expect(hits.locator('mark')).toHaveText('please');
    expect(await deleteIn(a, { messageId: await idOf(a, bobId, 'delete me please') })).toBe(1);
    await expect(hits).toHaveCount(0);
    await expect(b.locator('.message-search-empty')).toHaveText(en.search.noMessages);
    await b.getByLabel(en.sidebar.clearSearch).click();

    // A message in the conversation the other tab has open.
    await row(b).click();
    await expect(b.locator('.msg-in', { hasText: 'keep me around' })).toBeVisible();

    // A pin (history:pinned) shows in the other tab too, and so does the unpin.
    const keptId = await idOf(a, bobId, 'keep me around');
    const pinIn = (p: Page, pinned: boolean) =>
      p.evaluate((req) => (globalThis as unknown as PageApi).pigeon.history.pin(req), {
        messageId: keptId,
        pinned,
      });
    const mark = b
      .locator('.msg-in', { hasText: 'keep me around' })
      .getByRole('img', { name: en.history.pinnedTitle });
    expect((await pinIn(a, true)).ok).toBe(true);
    await expect(mark).toBeVisible();
    expect(await host.event('history:pinned', (p) => (p as { pinned: boolean }).pinned)).toEqual({
      peerId: bobId,
      messageId: keptId,
      pinned: true,
    });
    expect((await pinIn(a, false)).ok).toBe(true);
    await expect(mark).toHaveCount(0);
    await fromBob('one more to delete');
    const open = b.locator('.msg-in', { hasText: 'one more to delete' });
    await expect(open).toBeVisible();
    expect(await deleteIn(a, { messageId: await idOf(a, bobId, 'one more to delete') })).toBe(1);
    await expect(open).toHaveCount(0);
    await expect(b.locator('.msg-in', { hasText: 'keep me around' })).toBeVisible();

    // The whole conversation: out of both tabs' lists and the open pane.
    expect(await deleteIn(a, { peerId: bobId })).toBe(1);
    await expect(b.locator('.msg-in')).toHaveCount(0);
    for (const p of [a, b]) await expect(row(p)).toHaveCount(0);
    expect(
      await host.event('history:deleted', (p) => (p as { scope: string }).scope !== 'message'),
    ).toEqual({ scope: 'conversation', peerId: bobId });
    await b.screenshot({ path: test.info().outputPath('tab-b-after-delete.png') });
  });
});
