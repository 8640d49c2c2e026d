/**
 * A hostile peer's names and links, as the real renderer shows them in Chromium: `pigeon serve
 * --ui` on loopback (its engine binds 127.0.0.91 and announces to 127.0.0.92, where nobody
 * listens), and three "peers" that are raw UDP sockets on 127.0.0.93-95 sending hand-made IPMsg
 * datagrams, as an attacker on the LAN would: an RLO nick, a zero-width nick next to the real
 * "bob", and a message with look-alike and IDN links. No namespaces, so this runs without root.
 * Screenshots (light and dark) go to e2e/artifacts/.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { Mode, Opt } from '../../shared/protocol/commands';
import { gotoApp, loopbackSkipReason, recordPageProblems } from '../support/app-page';
import { startLoopbackServe, type LoopbackServe } from '../support/loopback-pigeon';

const root = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(root, 'e2e/artifacts');
const UI = '127.0.0.91';
const NOWHERE = '127.0.0.92';

const RLO_NICK = '\u202egnp.exe';
const ZW_NICK = 'bo\u200bb';
const FAMILY = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
const APPLE = 'https://\u0430\u0440\u0440\u04cf\u0435.com/'; // Cyrillic а р р ӏ е
const CHINESE = 'https://例子.测试/';
const TEXT = `log in at ${APPLE} or ${CHINESE} then open invoice\u202efdp.exe ${FAMILY}`;

interface Peer {
  ip: string;
  user: string;
  host: string;
  nick: string;
  group: string;
}
const PEERS: Record<'rlo' | 'zw' | 'bob', Peer> = {
  rlo: { ip: '127.0.0.93', user: 'mallory', host: 'ws\u202e01', nick: RLO_NICK, group: 'Sales' },
  zw: { ip: '127.0.0.94', user: 'b\u200bob', host: 'pc\u200b7', nick: ZW_NICK, group: 'Sales' },
  bob: { ip: '127.0.0.95', user: 'bob', host: 'pc7', nick: 'bob', group: 'Sales' },
};

const skip = loopbackSkipReason('127.0.0.91');

/** One raw IPMsg datagram, UTF-8 throughout: `1:packetNo:user:host:command:extra`. */
function datagram(peer: Peer, packetNo: number, command: number, extra: string): Buffer {
  return Buffer.from(`1:${packetNo}:${peer.user}:${peer.host}:${command}:${extra}`, 'utf8');
}

test.describe.configure({ mode: 'serial' });

test.describe("a hostile peer's names and links", () => {
  test.skip(skip !== undefined, skip ?? '');

  let pigeon: LoopbackServe | undefined;
  let url = '';
  let port = 0;
  const sockets: dgram.Socket[] = [];
  let packetNo = 1000;
  /** Page errors and CSP violations, from every page. */
  const problems: string[] = [];

  async function send(peer: Peer, command: number, extra: string): Promise<void> {
    const socket = sockets[Object.values(PEERS).indexOf(peer)] as dgram.Socket;
    const bytes = datagram(peer, packetNo++, command, extra);
    await new Promise<void>((resolve, reject) =>
      socket.send(bytes, port, UI, (e) => (e ? reject(e) : resolve())),
    );
  }

  async function open(page: Page): Promise<void> {
    await gotoApp(recordPageProblems(page, problems, { csp: true }), url);
  }

  const peerRow = (page: Page, ip: string) => page.locator('.peer-row', { hasText: ip });

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
    for (const peer of Object.values(PEERS)) {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(port, peer.ip, resolve));
      sockets.push(socket);
    }
    // Each announces itself (BR_ENTRY with its nick and group), as on a LAN.
    for (const peer of Object.values(PEERS)) {
      await send(peer, Mode.BR_ENTRY | Opt.CAPUTF8OPT, `${peer.nick}\0${peer.group}\0`);
    }
  });

  test.afterAll(async () => {
    for (const s of sockets) s.close();
    await pigeon?.stop();
  });

  test('nicks, hosts and links show what they hide, in both themes', async ({ browser }) => {
    for (const scheme of ['light', 'dark'] as const) {
      const ctx = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        // Twice the pixels: the marks are small, and the pictures are for people to check.
        deviceScaleFactor: 2,
        locale: 'en-US',
        colorScheme: scheme,
      });
      const page = await ctx.newPage();
      await open(page);

      // Once a conversation exists the app opens on Chats; the peers are one click away.
      await page
        .locator('.rail')
        .getByRole('button', { name: /^Peers$/ })
        .click();
      // The peer list: the RLO is a mark, so the nick reads "gnp.exe", never "exe.png".
      const rlo = peerRow(page, PEERS.rlo.ip);
      await expect(rlo).toBeVisible({ timeout: 10_000 });
      await expect(rlo.locator('.peer-nick')).toHaveText('U+202Egnp.exe');
      await expect(rlo.locator('.peer-host')).toHaveText('wsU+202E01');
      await expect(rlo.locator('.avatar-face')).toHaveText('G');
      // "bo\u200bb" is not "bob": the two rows differ where a person can see it.
      const zw = peerRow(page, PEERS.zw.ip);
      await expect(zw.locator('.peer-nick')).toHaveText('boU+200Bb');
      await expect(peerRow(page, PEERS.bob.ip).locator('.peer-nick')).toHaveText('bob');
      await expect(
        zw.getByRole('img', { name: 'Hidden character U+200B (ZWSP)' }).first(),
      ).toBeVisible();
      // The row's text stays in its own order: mark first, then the nick, then the client tag.
      const markBox = await rlo.locator('.hidden-char').first().boundingBox();
      const tagBox = await rlo.locator('.client-tag').boundingBox();
      expect(markBox && tagBox && markBox.x < tagBox.x).toBe(true);

      if (scheme === 'light') {
        // The message arrives once, from the zero-width "bob", while the page is open.
        await send(PEERS.zw, Mode.SENDMSG | Opt.UTF8OPT, `${TEXT}\0`);
      }
      await zw.click();
      const header = page.locator('.conversation-header');
      await expect(header.locator('h2')).toHaveText('boU+200Bb');
      await expect(header.locator('.conversation-details')).toContainText('pcU+200B7');
      const bubble = page.locator('.msg-in').first();
      await expect(bubble).toBeVisible({ timeout: 10_000 });

      // The look-alike link goes to its punycode host, which is shown next to it.
      const apple = bubble.locator('a', { hasText: 'https://\u0430\u0440\u0440' });
      await expect(apple).toHaveAttribute('href', 'https://xn--80ak6aa92e.com/');
      await expect(apple.locator('+ .link-real-host')).toHaveText('xn--80ak6aa92e.com');
      // A legitimate Chinese IDN keeps its text, with its punycode beside it.
      const chinese = bubble.locator('a', { hasText: '例子' });
      await expect(chinese).toHaveText(CHINESE);
      await expect(chinese).toHaveAttribute('href', 'https://xn--fsqu00a.xn--0zwm56d/');
      await expect(chinese.locator('+ .link-real-host')).toHaveText('xn--fsqu00a.xn--0zwm56d');
      // The override inside the text is a mark; the emoji family is one picture, unmarked.
      await expect(bubble.locator('.msg-text')).toContainText('invoiceU+202Efdp.exe');
      await expect(bubble.locator('.msg-text')).toContainText(FAMILY);
      await expect(bubble.locator('.hidden-char')).toHaveCount(1);

      // Nowhere in the rendered text is there a live bidi override or zero-width space.
      const text = await page.evaluate(
        () =>
          (globalThis as unknown as { document: { body: { textContent: string } } }).document.body
            .textContent,
      );
      expect(text).not.toMatch(/[\u200b\u202a-\u202e]/);

      await page.waitForTimeout(250); // transitions and the virtual lists settle
      await page.screenshot({ path: path.join(ARTIFACTS, `display-spoofing-${scheme}.png`) });
      await page.screenshot({
        path: path.join(ARTIFACTS, `display-spoofing-${scheme}-detail.png`),
        clip: { x: 64, y: 0, width: 940, height: 280 },
      });
      await ctx.close();
    }
  });

  test('no page hit a CSP violation or an uncaught error', () => {
    expect(problems).toEqual([]);
  });
});
