import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Input contracts carry their own documentation (component names, examples,
// descriptions) so the OpenAPI document and the pages' forms share one
// definition; the extension only attaches metadata and is idempotent.
extendZodWithOpenApi(z);

export { z };
