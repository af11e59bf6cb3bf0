// What every browser test shares: the platform's URL and tokens from the
// environment, sign-in by the fragment handover, screenshots, and a check
// that no page logged an error (a failed request the test provokes on
// purpose — a 412, a 403 — is declared with allowHttpStatus).

import { expect, test as base, type BrowserContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the browser tests through cargo test --test console`);
  return value;
}

interface Fixtures {
  /** Declares that a request of this test answers with this status on purpose. */
  allowHttpStatus: (status: number) => void;
  /** A page signed in with a token (the admin token by default). */
  signIn: (page: Page, token?: string) => Promise<void>;
  /** A full-page screenshot at 1280 and 390 px widths. */
  screenshots: (page: Page, name: string) => Promise<void>;
}

export const test = base.extend<Fixtures & { pageErrors: string[] }>({
  pageErrors: [
    async ({ context }, use) => {
      const errors: string[] = [];
      watch(context, errors);
      await use(errors);
    },
    { auto: true },
  ],
  allowHttpStatus: async ({ pageErrors }, use, testInfo) => {
    const allowed = new Set<number>();
    await use((status) => allowed.add(status));
    const unexpected = pageErrors.filter((text) => {
      const status = /status of (\d{3})/.exec(text)?.[1];
      return !(status && text.startsWith('Failed to load resource') && allowed.has(Number(status)));
    });
    if (testInfo.status === testInfo.expectedStatus) {
      expect(unexpected, 'errors logged by the page').toEqual([]);
    }
  },
  signIn: async ({ allowHttpStatus }, use) => {
    void allowHttpStatus; // makes sure the error check runs in every test
    await use(async (page, token = required('CONSOLE_TOKEN')) => {
      await page.goto(`/#token=${token}`);
      await expect(page.getByRole('navigation', { name: 'Pages' })).toBeVisible();
      // The token left the address bar at once.
      expect(page.url()).not.toContain('token=');
    });
  },
  // Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
  // eslint-disable-next-line no-empty-pattern
  screenshots: async ({}, use) => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await use(async (page, name) => {
      const size = page.viewportSize() ?? { width: 1280, height: 900 };
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
      }
      await page.setViewportSize(size);
    });
  },
});

function watch(context: BrowserContext, errors: string[]): void {
  const attach = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  };
  context.pages().forEach(attach);
  context.on('page', attach);
}

export { expect };
