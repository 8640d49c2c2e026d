import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/support/chromium';

/**
 * End to end: `chromium` runs the built renderer against real Pigeon engines (the CLI's browser
 * host) on a namespace LAN with a real iptux; `electron` runs the packaged shell where an
 * Electron binary exists and reports skipped elsewhere. One worker: the suites share the kernel's
 * namespace table, and the machine's two cores.
 */
export default defineConfig({
  outputDir: 'e2e/artifacts/test-results',
  // list: one readable line per test for CI; then the reasons for anything skipped.
  reporter: [['list'], ['./e2e/support/skip-reasons-reporter.ts']],
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  projects: [
    {
      name: 'chromium',
      testDir: 'e2e/specs',
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 800 },
        launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
        screenshot: 'only-on-failure',
        trace: 'retain-on-failure',
      },
    },
    {
      name: 'electron',
      testDir: 'e2e/electron',
    },
  ],
});
