import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';

/** The documented 200 of a CSV export. */
export const csvResponse = (description: string) => ({ description, content: { 'text/csv': { schema: z.string() } } });

/** A CSV file (UTF-8, with the BOM the service wrote) as a download named `filename`. */
export const csvFile = (c: Context, file: { filename: string; body: string }) =>
  c.body(file.body, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${file.filename}"` });
