import { defineConfig } from '@playwright/test';

// The browser tests run against a real platform that tests/tests/console.rs
// starts (Kafka, PostgreSQL, the three services, console-server); it passes
// the console's URL and tokens in CONSOLE_* variables. Debian's chromium is
// the browser: Playwright downloads none.
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  // The tests share one platform and one projector: one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.CONSOLE_URL,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    launchOptions: { executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
