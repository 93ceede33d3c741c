import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The repository root: the project root and lock file every function bundles from. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const FUNCTION_ENTRIES = {
  api: fileURLToPath(new URL('../../functions/api.ts', import.meta.url)),
  jobs: fileURLToPath(new URL('../../functions/jobs.ts', import.meta.url)),
} as const;

export const DEPS_LOCK_FILE = fileURLToPath(new URL('../../package-lock.json', import.meta.url));

/** What the bundles import as `zod`: zod itself, minus the locales (nothing here sets one). */
const ZOD_WITHOUT_LOCALES = fileURLToPath(new URL('./shims/zod.mjs', import.meta.url));

export const FUNCTION_RUNTIME = Runtime.NODEJS_22_X;

/**
 * How every function is bundled — used by the function construct and, through
 * a real synth, by the test that runs the API bundle. Local esbuild only (no
 * Docker); ESM so the entry points can await their configuration at init; the
 * AWS SDK is bundled so the deployed code runs the SDK version the tests ran,
 * not whatever the runtime ships. The banner gives CommonJS dependencies a
 * `require` inside the ES module.
 */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  bundleAwsSDK: true,
  forceDockerBundling: false,
  // zod without its ~50 locales (see shims/zod.mjs): the same zod, 260 KiB less to load at every cold start.
  esbuildArgs: { '--alias': `zod=${ZOD_WITHOUT_LOCALES}` },
  banner: "import { createRequire as __sharedtechCreateRequire } from 'node:module'; const require = __sharedtechCreateRequire(import.meta.url);",
};

/**
 * Files the API function serves that are not code it imports: the browser
 * build of the API reference behind `/docs` (read from beside the bundle by
 * packages/api/src/docs.ts, under this name), kept out of the bundle so it
 * costs nothing at cold start.
 */
export const API_BUNDLED_FILES: Record<string, string> = {
  'api-reference.js': join(dirname(createRequire(import.meta.url).resolve('@scalar/api-reference')), 'browser', 'standalone.js'),
};
