/**
 * Search in the UI against a real engine's history: Chinese of one and two characters and
 * English (a prefix), the hits' words marked, and a click landing on that message, scrolled to
 * and marked, in its conversation. In light/English and dark/Chinese, with screenshots. The host
 * is `pigeon serve --ui` on loopback; the messages come from a scripted peer on another loopback
 * address (`pigeon serve --json`, requests on stdin).
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { startHostAndPeer, type LoopbackServe } from '../support/loopback-pigeon';
import { en } from '../../renderer/src/i18n/en';
import { zhCN } from '../../renderer/src/i18n/zh-CN';
import { gotoApp, loopbackSkipReason } from '../support/app-page';

const skip = loopbackSkipReason('127.0.0.85', '127.0.0.87');

const MEETING = '明天下午三点开会，记得带电脑';
const ROOM = '会议室改到三楼了';
const DEPLOY = 'Please deploy the new server build tonight';
const DEPLOYED = 'The deployment went fine';
/** Enough newer messages that the first ones are out of view when the conversation opens. */
const FILLERS = Array.from({ length: 40 }, (_, i) => `好的，第 ${i + 1} 条 ok`);

const MODES = [
  { name: 'light-en', colorScheme: 'light', locale: 'en-US', t: en },
  { name: 'dark-zh-CN', colorScheme: 'dark', locale: 'zh-CN', t: zhCN },
] as const;

test.describe('search in the UI', () => {
  test.skip(skip !== undefined, skip ?? '');

  let host: LoopbackServe | undefined;
  let peer: LoopbackServe | undefined;

  test.beforeAll(async () => {
    ({ host, peer } = await startHostAndPeer({
      host: { address: '127.0.0.85', nick: 'Ann' },
      peer: { address: '127.0.0.87', nick: '小王' },
      nowhere: '127.0.0.86',
    }));
    const texts = [MEETING, ROOM, DEPLOY, DEPLOYED, ...FILLERS];
    for (const text of texts) await peer.request('chat:send', { to: [host.id], text });
    const last = texts[texts.length - 1];
    await host.event(
      'chat:message',
      (p) => (p as { message: { text: string } }).message.text === last,
    );
  });

  test.afterAll(async () => {
    await peer?.stop();
    await host?.stop();
  });

  async function open(browser: Browser, mode: (typeof MODES)[number]): Promise<Page> {
    const context = await browser.newContext({
      colorScheme: mode.colorScheme,
      locale: mode.locale,
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    await gotoApp(page, host?.url ?? '');
    return page;
  }

  for (const mode of MODES) {
    test(`finds Chinese and English, marks the words, and opens the hit (${mode.name})`, async ({
      browser,
    }) => {
      const page = await open(browser, mode);
      const box = page.getByLabel(mode.t.sidebar.searchLabel);
      const hits = page.locator('.message-search-hit');
      // Retrying assertions: the list shown is the previous query's until the new one answers.
      const expectHits = async (texts: string[], marks: string[]) => {
        await expect(hits.locator('.message-search-text')).toHaveText(texts);
        await expect(hits.locator('mark')).toHaveText(marks);
      };

      // One character: every message holding it, newest first.
      await box.fill('会');
      await expectHits([ROOM, MEETING], ['会', '会']);
      // Two: only where they stand together ("会议", not the 会 of 开会).
      await box.fill('会议');
      await expectHits([ROOM], ['会议']);
      await box.fill('开会');
      await expectHits([MEETING], ['开会']);
      // English by prefix, any case, the whole word marked.
      await box.fill('DEPLOY');
      await expectHits([DEPLOYED, DEPLOY], ['deployment', 'deploy']);
      await page.screenshot({ path: test.info().outputPath(`search-${mode.name}.png`) });

      // Chinese again, then a click: the conversation opens at that message, far above the
      // newest, scrolled to and marked.
      await box.fill('会议');
      await expectHits([ROOM], ['会议']);
      await hits.first().click();
      await expect(page.locator('.conversation-header')).toContainText('小王');
      const focused = page.locator('.messages-row.is-focused');
      await expect(focused).toHaveCount(1);
      await expect(focused).toContainText(ROOM);
      await expect(focused).toBeInViewport();
      // The newest message is not in view: the list moved to the hit, not just opened.
      await expect(page.locator('.messages-row', { hasText: FILLERS.at(-1) })).not.toBeInViewport();
      await page.screenshot({ path: test.info().outputPath(`hit-opened-${mode.name}.png`) });
      await page.context().close();
    });
  }
});
