import type { Context } from 'hono';

/** A CSV file as a download (its body already UTF-8 text, BOM included where the export wants one). */
export const csvFile = (c: Context, file: { filename: string; body: string }) =>
  c.body(file.body, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${file.filename}"` });
