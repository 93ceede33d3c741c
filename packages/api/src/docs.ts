import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';

/** The file name the deployed bundle ships the reference script under, beside its own entry (see infra's bundling). */
export const REFERENCE_SCRIPT_FILE = 'api-reference.js';

/**
 * Only our own origin: the reference's script and our initialiser are files
 * here, the document it reads is `/openapi.json`, and its fonts are the
 * system's. Scalar inserts its styles at run time, hence inline styles.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>SharedTech Marketplace API · 共性技术服务平台 API</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="/docs/reference.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

/** Kept in a file of its own so the page needs no inline script under its CSP. */
const INIT = `Scalar.createApiReference('#app', {
  url: '/openapi.json',
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
  showDeveloperTools: 'never',
});
`;

/**
 * Where the installed `@scalar/api-reference` keeps its browser build: beside
 * the deployed bundle (copied there at bundling time), else in node_modules.
 */
async function readReferenceScript(): Promise<string> {
  const candidates: string[] = [fileURLToPath(new URL(`./${REFERENCE_SCRIPT_FILE}`, import.meta.url))];
  try {
    const packageEntry = createRequire(import.meta.url).resolve('@scalar/api-reference');
    candidates.push(join(dirname(packageEntry), 'browser', 'standalone.js'));
  } catch {
    // Not installed beside us: only the bundled copy can serve.
  }
  for (const candidate of candidates) {
    const script = await readFile(candidate, 'utf8').catch(() => undefined);
    if (script !== undefined) return script;
  }
  throw new Error('The API reference script is not installed (@scalar/api-reference).');
}

let referenceScript: Promise<string> | undefined;

const script = (c: Context, body: string) => {
  c.header('Content-Type', 'text/javascript; charset=utf-8');
  c.header('Cache-Control', 'public, max-age=3600');
  return c.body(body);
};

/**
 * `/docs`: the interactive API reference, served entirely from our own origin
 * so it renders on networks that block public CDNs. The 4.8 MB script is read
 * on the first request for it, never at start-up.
 */
export function mountApiReference(api: Pick<Hono<any>, 'get'>) {
  api.get('/docs', (c) => {
    c.header('Content-Security-Policy', DOCS_CSP);
    return c.html(PAGE);
  });
  api.get('/docs/init.js', (c) => script(c, INIT));
  api.get('/docs/reference.js', async (c) => {
    referenceScript ??= readReferenceScript().catch((error: unknown) => {
      referenceScript = undefined;
      throw error;
    });
    return script(c, await referenceScript);
  });
}
