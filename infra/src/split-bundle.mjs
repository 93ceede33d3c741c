// The code-splitting step of every function's bundling (see ./bundling.ts,
// SPLIT_BUNDLE): CDK's NodejsFunction runs esbuild with `--outfile`, which
// cannot split, so its afterBundling hook runs this script, which builds the
// same entry with the same options again, split: `index.mjs` holds what the
// init needs and every `import()` of the code (the web pages, the S3 client,
// …) becomes a chunk under `chunks/`, loaded only when first used.
// Argument: the esbuild options as base64 JSON.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const options = JSON.parse(Buffer.from(process.argv[2] ?? '', 'base64').toString('utf8'));
// The unsplit output CDK's own esbuild run left is replaced.
for (const file of ['index.mjs', 'index.mjs.map']) rmSync(join(options.outdir, file), { force: true });
await build(options);
