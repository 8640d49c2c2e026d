/**
 * The main actions with the keyboard alone (Tab, Shift+Tab, arrows, Enter, Space, Escape), each
 * step landing on a control that shows where focus is. The page is the demo build on 127.0.0.1
 * (the app's renderer on the in-memory fake engine); each test opens a fresh page.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { en } from '../../renderer/src/i18n/en';
import { chromiumAvailable } from '../support/chromium';
import { demoBuilt, serveDemo } from '../support/demo-host';

function whySkip(): string | undefined {
  for (const c of [demoBuilt(), chromiumAvailable()]) if (!c.ok) return c.reason;
  return undefined;
}
const skip = whySkip();

/** Presses `key` (Tab or Shift+Tab) until `target` has focus; fails after `max` presses. */
async function tabTo(page: Page, target: Locator, key = 'Tab', max = 60): Promise<void> {
  const handle = await target.elementHandle();
  if (!handle) throw new Error(`nothing to tab to: ${target.toString()}`);
  for (let i = 0; i < max; i++) {
    if (await handle.evaluate((el) => el === el.ownerDocument.activeElement)) {
      await expectVisibleFocus(page);
      return;
    }
    await page.keyboard.press(key);
  }
  throw new Error(`${key} × ${max} never reached ${target.toString()}`);
}

/**
 * The focused element matches :focus-visible and draws something for it: an outline or a box
 * shadow on itself, a ring on its active option (a listbox), on the element after it (a radio drawn
 * by its label) or on the box around it (the composer, the search field), or else an accent border
 * (a text field). In-page code as a string: the specs are type-checked without the DOM.
 */
const FOCUS_INDICATOR = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'nothing has focus';
  if (!el.matches(':focus-visible')) return el.tagName + ' is not :focus-visible';
  const drawn = (node) => {
    if (!node) return false;
    const s = getComputedStyle(node);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  };
  const active = el.getAttribute('aria-activedescendant');
  const box = el.closest('.composer-box, .search');
  const rings = [el, active ? document.getElementById(active) : null, el.nextElementSibling, box];
  if (rings.some(drawn)) return 'ok';
  const probe = document.createElement('div');
  probe.style.color = 'var(--accent)';
  document.body.append(probe);
  const accent = getComputedStyle(probe).color;
  probe.remove();
  if (getComputedStyle(box ?? el).borderColor === accent) return 'ok';
  return 'no focus indicator on ' + el.outerHTML.slice(0, 120);
})()`;

async function expectVisibleFocus(page: Page): Promise<void> {
  expect(await page.evaluate(FOCUS_INDICATOR)).toBe('ok');
}

const focused = (page: Page) => page.locator('*:focus');

test.describe('keyboard only', () => {
  test.skip(skip !== undefined, skip ?? '');

  let host: Awaited<ReturnType<typeof serveDemo>>;
  test.beforeAll(async () => {
    host = await serveDemo();
  });
  test.afterAll(async () => {
    await host?.close();
  });

  test.beforeEach(async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
    await page.goto(`${host.base}/demo.html?messages=50`);
    await expect(page.getByRole('navigation', { name: en.rail.label })).toBeVisible();
  });

  test('open a conversation from the list and send a message', async ({ page }) => {
    const list = page.getByRole('listbox', { name: en.chats.listLabel });
    await tabTo(page, list);
    // Arrows move the active row; Enter opens it.
    let opened = false;
    for (let i = 0; i < 12 && !opened; i++) {
      await page.keyboard.press('ArrowDown');
      const active = await list.getAttribute('aria-activedescendant');
      const text = active ? await page.locator(`[id="${active}"]`).innerText() : '';
      opened = text.includes('张伟');
    }
    expect(opened, 'ArrowDown reached 张伟').toBe(true);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: '张伟' })).toBeVisible();

    const box = page.getByRole('textbox', { name: en.composer.label });
    await tabTo(page, box);
    await page.keyboard.type('typed with the keyboard only');
    await page.keyboard.press('Enter');
    await expect(
      page.locator('.messages').getByText('typed with the keyboard only', { exact: true }),
    ).toBeVisible();
    await expect(box).toHaveValue('');
  });

  test('open the transfers view and accept a file offer', async ({ page }) => {
    await tabTo(page, page.getByRole('button', { name: en.rail.transfers }));
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: en.transfers.title })).toBeVisible();
    const offer = page.getByRole('listitem').filter({ hasText: '设计稿 v3.fig' });
    await tabTo(page, offer.getByRole('button', { name: en.files.accept, exact: true }));
    await page.keyboard.press('Space');
    await expect(offer.getByText(en.files.done, { exact: true })).toBeVisible({ timeout: 20_000 });
  });

  test('open settings and change the theme', async ({ page }) => {
    await tabTo(page, page.getByRole('button', { name: en.rail.settings }));
    await page.keyboard.press('Enter');
    const light = page.getByRole('radio', { name: en.settings.light });
    await tabTo(page, page.getByRole('radio', { checked: true }).and(page.locator('[name=theme]')));
    // Arrow keys move through a radio group and pick as they go.
    for (
      let i = 0;
      i < 3 && (await page.locator('html').getAttribute('data-theme')) !== 'dark';
      i++
    )
      await page.keyboard.press('ArrowRight');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect(page.getByRole('radio', { name: en.settings.dark })).toBeChecked();
    await expect(light).not.toBeChecked();
  });

  test('run the echo test', async ({ page }) => {
    await tabTo(page, page.getByRole('button', { name: en.rail.echo }));
    await page.keyboard.press('Enter');
    const target = page.getByRole('combobox', { name: en.echo.target });
    await tabTo(page, target);
    await page.keyboard.type('192.168.1.31:2425');
    await tabTo(page, page.getByRole('button', { name: en.echo.start }));
    await page.keyboard.press('Enter');
    await expect(page.getByText(/Finished in/)).toBeVisible({ timeout: 30_000 });
  });

  test('a dialog keeps focus inside, closes on Escape and gives focus back', async ({ page }) => {
    const opener = page.getByRole('button', { name: en.sidebar.addPeer });
    await tabTo(page, opener);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    // Twenty Tabs and Shift+Tabs never leave the dialog.
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press(key);
        expect(await focused(page).evaluate((el) => el.closest('dialog') !== null)).toBe(true);
        await expectVisibleFocus(page);
      }
    }
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(opener).toBeFocused();
  });
});
