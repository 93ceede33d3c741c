import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../support/browser.js';
import { startTestApi } from '../support/harness.js';

/**
 * `/docs` on a restricted network (colleges and government bodies often block
 * public CDNs): every request to another host is refused, and the reference
 * must still render the operations, served from our own origin only.
 */
const api = await startTestApi();
const ownOrigin = new URL(api.baseUrl).origin;

let browser: Browser;
const refusedHosts: string[] = [];
beforeAll(async () => {
  browser = await openBrowser(api.baseUrl, 'api-reference');
  await browser.context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin === ownOrigin || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    refusedHosts.push(url.host);
    return route.abort('blockedbyclient');
  });
});
afterAll(async () => {
  await browser?.close();
});

describe('the API reference at /docs', () => {
  it('sends a policy that allows only its own origin, and no inline script', async () => {
    const response = await fetch(`${api.baseUrl}/docs`);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toMatch(/https?:|unsafe-eval/);
    const html = await response.text();
    expect(html).not.toMatch(/<script>(?!<)|<script type="text\/javascript">|https?:\/\//);
    const script = await fetch(`${api.baseUrl}/docs/reference.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await script.text()).length).toBeGreaterThan(1_000_000);
  });

  it('renders the operations with every other host blocked, without a policy violation or script error', async () => {
    const page = await browser.go('/docs');
    // The first group is open with its operation; the others are listed by their tags.
    await page.getByText('Mint a signed JWT for an identity (local mode only)').first().waitFor({ state: 'visible', timeout: 20_000 });
    for (const tag of ['Technical requests', 'Bids', 'Contracts', 'Milestones', 'Disputes']) {
      await expect(page.getByText(tag, { exact: true }).count()).resolves.toBeGreaterThan(0);
    }
    await browser.shot('docs');
    expect(browser.problems).toEqual([]);
    // It did not even try another host (no fonts, telemetry or CDN to fall back on).
    expect(refusedHosts).toEqual([]);
  });
});
