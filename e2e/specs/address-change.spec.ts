/**
 * The same person at a new address, as the real renderer shows it in Chromium: `pigeon serve
 * --ui` on loopback (its engine binds 127.0.0.111 and announces to 127.0.0.112, where nobody
 * listens), and "Ming's Pigeon" as two raw UDP sockets sending hand-made IPMsg datagrams: first
 * from 127.0.0.113, then, after going silent with two messages in our outbox, from 127.0.0.114
 * with the same install id (the PI line of its entry). The notice shows in both conversations,
 * nothing goes to the new address until the person confirms the offer (by keyboard here), and
 * then the two messages go there in order, each carrying its first id (PGID). No namespaces, so
 * this runs without root. Screenshots (light/English, dark/Chinese) go to e2e/artifacts/.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { Mode, Opt } from '../../shared/protocol/commands';
import { parseMessageBody } from '../../shared/protocol/message-body';
import { gotoApp, loopbackSkipReason, recordPageProblems } from '../support/app-page';
import { startLoopbackServe, type LoopbackServe } from '../support/loopback-pigeon';

const root = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(root, 'e2e/artifacts');
const UI = '127.0.0.111';
const NOWHERE = '127.0.0.112';
const OLD = '127.0.0.113';
const NEW = '127.0.0.114';
const INSTALL = '5f0c2a9d41e87b36c0d19e4fa2b7c853';
const WAITING = ['第一条：我晚点到', 'second: bring the slides'];

const skip = loopbackSkipReason('127.0.0.111');

/** Ming's entry, as a Pigeon writes it: names, the UTF-8 extension with its install id. */
const ENTRY = `阿明\0\0\nUN:ming\nHN:ming-pc\nNN:阿明\nGN:\nPC:parts\nPI:${INSTALL}\0utf-8\0`;

/** axe-core on the open conversation: no serious or critical WCAG 2 A/AA violation. */
async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .include('.conversation')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const blocking = results.violations.filter((v) =>
    ['serious', 'critical'].includes(v.impact ?? ''),
  );
  expect(
    blocking.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
}

function datagram(packetNo: number, command: number, extra: string): Buffer {
  return Buffer.from(`1_pigeon 0.1.0:${packetNo}:ming:ming-pc:${command}:${extra}`, 'utf8');
}

test.describe.configure({ mode: 'serial' });

test.describe('the same person at a new address', () => {
  test.skip(skip !== undefined, skip ?? '');

  let pigeon: LoopbackServe | undefined;
  let url = '';
  let port = 0;
  let packetNo = 5000;
  const sockets = new Map<string, dgram.Socket>();
  /** SENDMSG datagrams each socket received: packet number and body. */
  const received = new Map<string, { packetNo: number; text: string; id?: string }[]>();
  /** Whether a socket acks what it receives (Ming's old address went silent). */
  const acking = new Map<string, boolean>();
  const problems: string[] = [];

  async function send(from: string, command: number, extra: string): Promise<void> {
    const socket = sockets.get(from) as dgram.Socket;
    const bytes = datagram(packetNo++, command, extra);
    await new Promise<void>((resolve, reject) =>
      socket.send(bytes, port, UI, (e) => (e ? reject(e) : resolve())),
    );
  }

  async function open(page: Page): Promise<void> {
    await gotoApp(recordPageProblems(page, problems, { csp: true }), url);
  }

  test.beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    port = 30_000 + Math.floor(Math.random() * 10_000);
    pigeon = await startLoopbackServe({
      address: UI,
      port,
      broadcast: NOWHERE,
      nick: 'me',
      ui: true,
    });
    url = pigeon.url;
    for (const address of [OLD, NEW]) {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(port, address, resolve));
      sockets.set(address, socket);
      received.set(address, []);
      acking.set(address, address === NEW);
      socket.on('message', (bytes, from) => {
        const text = bytes.toString('utf8');
        const parts = text.split(':');
        const command = Number(parts[4]);
        if ((command & 0xff) !== Mode.SENDMSG) return;
        const no = Number(parts[1]);
        const extra = bytes.subarray(parts.slice(0, 5).join(':').length + 1);
        const body = parseMessageBody(extra);
        received
          .get(address)
          ?.push({ packetNo: no, text: new TextDecoder().decode(body.text), id: body.id });
        if (acking.get(address) && command & Opt.SENDCHECKOPT) {
          const ack = datagram(packetNo++, Mode.RECVMSG, `${no}\0`);
          socket.send(ack, from.port, from.address);
        }
      });
    }
  });

  test.afterAll(async () => {
    for (const s of sockets.values()) s.close();
    await pigeon?.stop();
    expect(problems).toEqual([]);
  });

  test('shows the notice in both conversations and sends the outbox there only when asked', async ({
    browser,
  }) => {
    // Ming announces himself at the old address and says hello.
    await send(OLD, Mode.BR_ENTRY | Opt.CAPUTF8OPT, ENTRY);
    await send(OLD, Mode.SENDMSG | Opt.UTF8OPT, '你好，我是阿明\0');

    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 2,
      locale: 'en-US',
      colorScheme: 'light',
    });
    const page = await ctx.newPage();
    await open(page);
    await page.locator('.chat-row', { hasText: '阿明' }).first().click();
    await expect(page.locator('.msg-in').first()).toContainText('你好，我是阿明');

    // He goes silent: what we write waits in the outbox.
    for (const text of WAITING) {
      await page.locator('.composer-input').fill(text);
      await page.locator('.composer-input').press('Enter');
    }
    await expect(page.locator('.msg-outbox')).toHaveCount(2, { timeout: 20_000 });
    const firstIds = (pigeon?.proc.of('chat:message') ?? [])
      .map((e) => e.message)
      .filter((m) => m.direction === 'out' && m.peerId === `${OLD}:${port}`)
      .map((m) => m.id);
    expect(firstIds).toHaveLength(2);

    // The same install announces itself from a new address: a notice, nothing sent.
    await send(NEW, Mode.BR_ENTRY | Opt.CAPUTF8OPT, ENTRY);
    const notice = page.locator('.conv-notice');
    await expect(notice).toContainText(`阿明 now announces from ${NEW}:${port}`);
    await expect(notice).toContainText('can all be forged on a LAN');
    const offer = notice.getByRole('button', {
      name: `Send 2 waiting messages to ${NEW}:${port}`,
    });
    await expect(offer).toBeVisible();
    await expect(notice.locator('.conv-notice-offer')).toContainText(
      `2 messages wait in the outbox here. Send them to ${NEW}:${port}?`,
    );
    // Two conversations under one name: each row in the chat list says its address.
    await expect(page.locator('.chat-row', { hasText: `阿明 · ${OLD}` })).toHaveCount(1);
    await expect(page.locator('.chat-row', { hasText: `阿明 · ${NEW}` })).toHaveCount(1);
    await page.waitForTimeout(1500);
    expect(received.get(NEW)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'address-change-offer-light-en.png') });
    await expectAccessible(page);

    // Confirmed by keyboard: focus reaches the button, Enter presses it.
    await offer.focus();
    await expect(offer).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('.msg-redirected')).toHaveCount(2);
    await expect(offer).toBeHidden();
    // In order, each with the id it first had.
    await expect.poll(() => received.get(NEW)?.map((r) => r.text)).toEqual(WAITING);
    expect(received.get(NEW)?.map((r) => r.id)).toEqual(firstIds);

    // The new conversation: the notice from its side, and the two messages delivered.
    await page.locator('.chat-row', { hasText: '阿明' }).first().click();
    const title = page.locator('.conversation-header');
    await expect(title).toContainText(NEW);
    await expect(page.locator('.conv-notice')).toContainText(`was previously at ${OLD}:${port}`);
    await expect(page.locator('.msg-out .delivery-done')).toHaveCount(2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'address-change-new-light-en.png') });
    await ctx.close();

    // Dark and Chinese: the old conversation after the move.
    const zh = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 2,
      locale: 'zh-CN',
      colorScheme: 'dark',
    });
    const zhPage = await zh.newPage();
    await open(zhPage);
    await zhPage.locator('.chat-row', { hasText: '阿明' }).last().click();
    await expect(zhPage.locator('.conv-notice').first()).toBeVisible();
    await expect(zhPage.locator('.msg-redirected')).toHaveCount(2);
    await expect(zhPage.locator('.msg-redirected').first()).toContainText(
      '已改发到新地址：按你的确认',
    );
    await zhPage.screenshot({ path: path.join(ARTIFACTS, 'address-change-dark-zh.png') });
    await expectAccessible(zhPage);
    await zh.close();
  });
});
