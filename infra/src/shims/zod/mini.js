// `zod/mini` as the bundles import it: the alias (`zod` → this folder, see
// ../../bundling.ts) maps the subpath here too. zod's functional API, which
// esbuild tree-shakes to what is used: what the init path validates with
// (the function's configuration, cursors) costs a few KiB, not all of zod.
import * as z from '../../../../node_modules/zod/v4/mini/external.js';
export * from '../../../../node_modules/zod/v4/mini/external.js';
export { z };
