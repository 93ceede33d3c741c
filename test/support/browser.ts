import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** Debian's Chromium, installed by `.ci/run` when missing. */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
export const SCREENSHOTS = resolve('test-results/screenshots');

export interface Browser {
  page: Page;
  context: BrowserContext;
  /** Content-Security-Policy violations and uncaught script errors seen so far, in any page. */
  problems: string[];
  /** Opens a path of the app and waits for the page to load. */
  go(path: string): Promise<Page>;
  /** Clicks something that submits a form or follows a link, and waits for the next page. */
  submit(target: Locator): Promise<void>;
  /** Signs out if needed, then signs in on the sign-in page as `sub` (picker if listed, else the free field). */
  signInAs(sub: string): Promise<void>;
  /** A full-page PNG in test-results/screenshots, numbered in the order taken. */
  shot(name: string, options?: { width?: number }): Promise<string>;
  close(): Promise<void>;
}

/**
 * The browser of a test file: opened in `beforeAll`, closed in `afterAll`,
 * usable from the tests as if it were open already (each property is read
 * from the open browser when used).
 */
export function suiteBrowser(baseUrl: string, prefix: string): Browser {
  let open: Browser | undefined;
  beforeAll(async () => {
    open = await openBrowser(baseUrl, prefix);
  });
  afterAll(async () => {
    await open?.close();
  });
  return new Proxy({} as Browser, {
    get(_target, property) {
      if (!open) throw new Error(`The ${prefix} browser opens in beforeAll; use it inside a test.`);
      return Reflect.get(open, property);
    },
  });
}

/**
 * A real Chromium with a fresh profile, pointed at a server on loopback. The
 * caller closes it in `afterAll`; the profile folder goes with it.
 */
export async function openBrowser(baseUrl: string, prefix: string): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const userDataDir = mkdtempSync(join(tmpdir(), 'sharedtech-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // A missing element fails the step well inside the test's own timeout, with Playwright's message.
  page.setDefaultTimeout(10_000);
  let counter = 0;
  const problems: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));

  const browser: Browser = {
    page,
    context,
    problems,
    async go(path) {
      await page.goto(new URL(path, baseUrl).toString(), { waitUntil: 'load' });
      return page;
    },
    async submit(target) {
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.click()]);
    },
    async signInAs(sub) {
      await browser.go('/signin');
      const signOut = page.locator('form[action="/signout"] button');
      if (await signOut.count()) {
        await browser.submit(signOut);
      }
      const choice = page.locator(`input[name="identity"][value="${sub}"]`);
      if (await choice.count()) await choice.check();
      else await page.fill('#f-other', sub);
      await browser.submit(page.locator('form[action="/signin"] button[type="submit"]'));
    },
    async shot(name, options = {}) {
      counter += 1;
      const path = join(SCREENSHOTS, `${prefix}-${String(counter).padStart(2, '0')}-${name}.png`);
      if (options.width) await page.setViewportSize({ width: options.width, height: 900 });
      await page.screenshot({ path, fullPage: true });
      if (options.width) await page.setViewportSize({ width: 1280, height: 900 });
      return path;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
  return browser;
}
