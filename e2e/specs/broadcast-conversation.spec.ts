/**
 * The broadcast conversation has one id, engine and UI alike (shared/model BROADCAST_ID). It was
 * '*' in the engine and '*broadcast' in the renderer: after a reload, or in a second tab, the
 * chat list showed a stray row with no peer and the Broadcast view was empty. Two Pigeons on
 * loopback (127.0.0.81 with the UI, 127.0.0.82 as the colleague), each told only of the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { expect, test, type Page } from '@playwright/test';
import { NODE, PIGEON_CLI } from '../lab/pigeon-process';
import { terminate } from '../lab/netns-lan';
import { gotoApp, loopbackSkipReason } from '../support/app-page';

const root = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(root, 'e2e/artifacts/screens');
const UI = '127.0.0.81';
const BEA = '127.0.0.82';
const TEXT = '周五下午四点全体会议 · all hands at 4 on Friday';

const skip = loopbackSkipReason('127.0.0.81');

/** A `pigeon serve --json` on loopback, its JSON lines collected. */
function serve(args: string[]): { child: ChildProcess; lines: unknown[]; stderr: () => string } {
  const child = spawn(NODE, [PIGEON_CLI, 'serve', '--json', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: unknown[] = [];
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  if (child.stdout)
    readline.createInterface({ input: child.stdout }).on('line', (l) => {
      try {
        lines.push(JSON.parse(l));
      } catch {
        /* not ours to judge here */
      }
    });
  return { child, lines, stderr: () => err };
}

test.describe.configure({ mode: 'serial' });

test.describe('the broadcast conversation', () => {
  test.skip(skip !== undefined, skip ?? '');

  let ui: ReturnType<typeof serve>;
  let bea: ReturnType<typeof serve>;
  let data: string[] = [];
  let url = '';

  test.beforeAll(async () => {
    const port = String(30_000 + Math.floor(Math.random() * 10_000));
    data = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-bcast-')));
    const net = (bind: string, peer: string, dir: string) => [
      '--bind',
      bind,
      '--port',
      port,
      '--broadcast',
      peer,
      '--data',
      dir,
    ];
    bea = serve(['--nick', 'Bea', ...net(BEA, UI, data[1] ?? '')]);
    ui = serve(['--ui', '--nick', '小王', ...net(UI, BEA, data[0] ?? '')]);
    await expect
      .poll(
        () => {
          const line = ui.lines.find((l) => (l as { event?: string }).event === 'cli:ui') as
            { payload: { url: string } } | undefined;
          url = line?.payload.url ?? '';
          return url;
        },
        { timeout: 10_000, message: `no cli:ui line; stderr: ${ui.stderr()}` },
      )
      .not.toBe('');
  });

  test.afterAll(async () => {
    for (const p of [ui, bea]) if (p) await terminate(p.child, 3000);
    for (const d of data) fs.rmSync(d, { recursive: true, force: true });
  });

  const chats = (p: Page) =>
    p
      .locator('.rail')
      .getByRole('button', { name: /^Chats/ })
      .click();
  const chatRows = (p: Page) => p.locator('.chat-row');

  async function open(p: Page): Promise<void> {
    await gotoApp(p, url);
    await chats(p);
  }

  test('a broadcast stays in the Broadcast view after a reload and in a second tab', async ({
    page,
    context,
  }) => {
    await open(page);
    // Bea is online, so the broadcast has someone to reach.
    await page
      .locator('.rail')
      .getByRole('button', { name: /^Peers/ })
      .click();
    await expect(page.locator('.peer-row', { hasText: 'Bea' })).toBeVisible({ timeout: 10_000 });
    await chats(page);
    await chatRows(page).filter({ hasText: 'Broadcast' }).click();
    await page.locator('.composer-input').fill(TEXT);
    await page.locator('.composer-input').press('Enter');
    await expect(page.locator('.msg-out', { hasText: TEXT })).toBeVisible();
    // Bea got it, as a broadcast from 小王.
    await expect
      .poll(() =>
        bea.lines.some((l) => {
          const e = l as {
            event?: string;
            payload?: { message?: { text: string; broadcast: boolean } };
          };
          return (
            e.event === 'chat:message' &&
            e.payload?.message?.text === TEXT &&
            e.payload.message.broadcast
          );
        }),
      )
      .toBe(true);

    for (const p of [page, await context.newPage()]) {
      if (p === page) await p.reload();
      await open(p);
      // One row, the pinned broadcast one: no stray row for the broadcast id.
      await expect(chatRows(p)).toHaveCount(1);
      await expect(chatRows(p).first()).toContainText('Broadcast');
      await expect(chatRows(p).first()).toContainText(TEXT.slice(0, 10));
      await chatRows(p).first().click();
      await expect(p.locator('.msg-out', { hasText: TEXT })).toBeVisible();
    }
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'broadcast-after-reload-en-light.png') });
  });
});
