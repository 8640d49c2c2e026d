import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';

/**
 * Debian's Chromium (apt `chromium`), never a downloaded one: `npx playwright install` is not
 * part of this project. CHROMIUM_PATH points elsewhere (another distribution's package).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Quiet and offline: no sandbox (CI runs as root), no GPU, no calls home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's Chromium with CHROMIUM_ARGS, for a spec's own pages (headless unless told). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export function chromiumAvailable(): { ok: true } | { ok: false; reason: string } {
  return fs.existsSync(CHROMIUM_PATH)
    ? { ok: true }
    : { ok: false, reason: `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)` };
}

/**
 * An executable that starts Chromium inside network namespace `ns`, for Playwright's
 * executablePath: a Pigeon host in a namespace listens on that namespace's 127.0.0.1, which the
 * browser reaches only from inside. `ip netns exec` exec()s in place, so Playwright's pid and
 * pipes are Chromium's own.
 */
export function chromiumInNamespace(ns: string, dir: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(ns)) throw new Error(`bad namespace name ${ns}`);
  const file = path.join(dir, `chromium-in-${ns}`);
  fs.writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM_PATH} "$@"\n`, {
    mode: 0o755,
  });
  return file;
}
