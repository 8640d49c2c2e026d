/**
 * The steps every browser spec of the real app repeats: why it must skip on this machine, a page
 * of the app in one language and theme that reports what goes wrong in it, and a named
 * screenshot once the page has settled.
 */
import path from 'node:path';
import { expect, type Browser, type Page } from '@playwright/test';
import { pigeonBuilt, uiBuilt } from '../lab/pigeon-process';
import { chromiumAvailable } from './chromium';

/** Where the specs' screenshots go (e2e/artifacts/screens). */
export const SCREENS = path.resolve(__dirname, '../artifacts/screens');

/**
 * Why a spec of Pigeons on loopback addresses of their own cannot run here, or undefined: the
 * CLI and the renderer must be built, Chromium present, and 127.0.0.0/8 all local (Linux).
 */
export function loopbackSkipReason(...addresses: string[]): string | undefined {
  for (const c of [pigeonBuilt(), uiBuilt(), chromiumAvailable()]) if (!c.ok) return c.reason;
  if (process.platform !== 'linux') {
    const need = addresses.length > 1 ? 'engines need' : 'engine needs';
    return `the loopback ${need} ${addresses.join(' and ')} (Linux)`;
  }
  return undefined;
}

/** Writes the page's uncaught errors, and with `csp` the console's CSP complaints, to `problems`. */
export function recordPageProblems(p: Page, problems: string[], o: { csp: boolean }): Page {
  p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  if (o.csp) {
    p.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) problems.push(`csp: ${m.text()}`);
    });
  }
  return p;
}

/** Loads the app at `url` in `p` and waits for its shell. */
export async function gotoApp(p: Page, url: string): Promise<void> {
  await p.goto(url);
  await expect(p.locator('.shell')).toBeVisible();
}

export interface AppPageOptions {
  locale: string;
  colorScheme: 'light' | 'dark';
  /** Where the page's uncaught errors (and with `watchCsp`, CSP violations) are written. */
  problems: string[];
  /** Also count the console's Content-Security-Policy complaints as problems. */
  watchCsp?: boolean;
}

/**
 * The app at `url` in a fresh context of 1280×800 at scale 1 (screenshots of one size), once its
 * shell shows. Close it with `page.context().close()`.
 */
export async function openAppPage(browser: Browser, url: string, o: AppPageOptions): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    locale: o.locale,
    colorScheme: o.colorScheme,
  });
  const p = recordPageProblems(await ctx.newPage(), o.problems, { csp: o.watchCsp ?? false });
  await gotoApp(p, url);
  return p;
}

/** SCREENS/`name`.png, after a moment for transitions to finish. */
export async function shootScreen(p: Page, name: string): Promise<void> {
  await p.waitForTimeout(250);
  await p.screenshot({ path: path.join(SCREENS, `${name}.png`) });
}
