// What the deployed bundles import as `zod` (esbuild `--alias:zod=`, see ../../bundling.ts):
// zod's own entry (node_modules/zod/index.js → v4/classic/external.js) minus
// `z.locales`, the error messages in ~50 languages. @hono/zod-openapi and
// @asteasolutions/zod-to-openapi pass the whole `z` namespace to
// extendZodWithOpenApi, so a bundler must keep every export of it; without
// this file that is 260 KiB of locales the app never uses (it sets none; zod
// registers English itself). Paths are relative, so the alias does not apply
// to them. The lambda-bundles test runs the bundle built with it.
// Also left out, as nothing here uses them: zod's schema compiler (`z.compile`,
// `withParser`) and `z.fromJSONSchema`, another 41 KiB on every cold start.
export * as core from './core.js';
export * from '../../../../node_modules/zod/v4/classic/schemas.js';
export * from '../../../../node_modules/zod/v4/classic/checks.js';
export * from '../../../../node_modules/zod/v4/classic/errors.js';
export * from '../../../../node_modules/zod/v4/classic/parse.js';
export * from '../../../../node_modules/zod/v4/classic/compat.js';
export { globalRegistry, registry, config, memoizer, $output, $input, $brand, clone, regexes, treeifyError, prettifyError, formatError, flattenError, TimePrecision, util, NEVER, INVALID, toZod, getDiscriminatedOption } from '../../../../node_modules/zod/v4/core/index.js';
export { toJSONSchema } from '../../../../node_modules/zod/v4/core/json-schema-processors.js';
export { deepPartial } from '../../../../node_modules/zod/v4/classic/deep-partial.js';
export { input, output } from '../../../../node_modules/zod/v4/classic/in-out.js';
export { ZodISODateTime, ZodISODate, ZodISOTime, ZodISODuration } from '../../../../node_modules/zod/v4/classic/iso.js';
export * as iso from '../../../../node_modules/zod/v4/classic/iso.js';
export * as coerce from '../../../../node_modules/zod/v4/classic/coerce.js';
export * as z from './index.js';
export { z as default } from './index.js';
