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
const ZOD_WITHOUT_LOCALES = fileURLToPath(new URL('./shims/zod', import.meta.url));

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
  // zod without its ~50 locales (see shims/zod/index.js): the same zod, 260 KiB less to load at every cold start.
  esbuildArgs: { '--alias': `zod=${ZOD_WITHOUT_LOCALES}` },
  banner: "import { createRequire as __sharedtechCreateRequire } from 'node:module'; const require = __sharedtechCreateRequire(import.meta.url);",
};

/** The script that rebuilds a function's bundle code-split (see ./split-bundle.mjs). */
const SPLIT_SCRIPT = fileURLToPath(new URL('./split-bundle.mjs', import.meta.url));

/**
 * The afterBundling command that replaces CDK's single-file bundle with the
 * same build, split: esbuild's options mirror BUNDLING (the same target,
 * format, minification, source maps, main fields, zod alias and banner), with
 * `splitting` and an output directory. `index.mjs` stays the entry; each
 * dynamic `import()` becomes a chunk loaded on first use, so the init loads
 * only what it runs (measured by the bench's cold start).
 */
export function splitBundleCommand(entry: string, outdir: string): string {
  const options = {
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent,
    mainFields: BUNDLING.mainFields,
    alias: { zod: ZOD_WITHOUT_LOCALES },
    banner: { js: BUNDLING.banner },
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  };
  return `node ${JSON.stringify(SPLIT_SCRIPT)} ${Buffer.from(JSON.stringify(options)).toString('base64')}`;
}

/**
 * Files the API function serves that are not code it imports: the browser
 * build of the API reference behind `/docs` (read from beside the bundle by
 * packages/api/src/docs.ts, under this name), kept out of the bundle so it
 * costs nothing at cold start.
 */
export const API_BUNDLED_FILES: Record<string, string> = {
  'api-reference.js': join(dirname(createRequire(import.meta.url).resolve('@scalar/api-reference')), 'browser', 'standalone.js'),
};
