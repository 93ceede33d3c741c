import { createRoute, z } from '@hono/zod-openapi';
import { attachmentSchema } from '@sharedtech/core';
import {
  AttachmentListQuerySchema, DeclareAttachmentSchema, completeAttachment, declareAttachment, listAttachments, readAttachment,
} from '@sharedtech/services';
import type { Context } from 'hono';
import type { ApiDeps } from '../deps.js';
import { errorResponses, idParam, jsonBody, jsonResponse } from '../openapi.js';
import { bearer, createRouter } from './router.js';

export const AttachmentSchema = attachmentSchema
  .omit({ uploadedBy: true, objectKey: true, pendingUntil: true, version: true })
  .openapi('Attachment');

const UploadTargetSchema = z
  .object({
    url: z.string().openapi({ description: 'PUT the file’s bytes here, with exactly these headers, before `expiresAt`.' }),
    method: z.literal('PUT'),
    headers: z.record(z.string(), z.string()),
    expiresAt: z.string(),
  })
  .openapi('UploadTarget');

const DeclaredAttachmentSchema = z.object({ attachment: AttachmentSchema, upload: UploadTargetSchema }).openapi('DeclaredAttachment');

const AttachmentDownloadSchema = AttachmentSchema.extend({
  download: z.object({ url: z.string(), expiresAt: z.string() }).openapi({ description: 'A short-lived URL that downloads the file.' }),
}).openapi('AttachmentDownload');

const AttachmentPageSchema = z
  .object({ items: z.array(AttachmentSchema), nextCursor: z.string().nullable(), canUpload: z.boolean() })
  .openapi('AttachmentPage');

const tags = ['Attachments'];
const AttachmentIdParam = idParam('attachment');

/** Storage URLs may be relative to this origin (the local storage); the API answers absolute ones. */
const absolute = (c: Context, url: string) => new URL(url, c.req.url).toString();

const uploadErrors = {
  ...errorResponses,
  422: { description: 'The stored file does not match its declaration (size or SHA-256); it was discarded.', content: errorResponses[400].content },
} as const;

/** `/v1/attachments`: declare a file, upload it to the URL answered, complete; download with a short-lived URL. */
export function attachmentRoutes(deps: ApiDeps) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post', path: '/', tags, security: bearer,
        summary: 'Declare a file (name, type, size, SHA-256, parent); answers where to PUT it. It counts once completed.',
        request: { body: jsonBody(DeclareAttachmentSchema) },
        responses: { 201: jsonResponse(DeclaredAttachmentSchema, 'The PENDING attachment and its upload URL'), ...errorResponses },
      }),
      async (c) => {
        const declared = await declareAttachment(deps, c.get('principal'), c.req.valid('json'));
        return c.json({ ...declared, upload: { ...declared.upload, url: absolute(c, declared.upload.url) } }, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/', tags, security: bearer,
        summary: 'The attachments of a parent, newest first (for those who may see the parent)',
        request: { query: AttachmentListQuerySchema },
        responses: { 200: jsonResponse(AttachmentPageSchema, 'A page of attachments'), ...errorResponses },
      }),
      async (c) => {
        const { parent, ...page } = c.req.valid('query');
        return c.json(await listAttachments(deps, c.get('principal'), parent, page), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/{id}', tags, security: bearer,
        summary: 'An attachment with a short-lived download URL (404 for anyone who may not see its parent)',
        request: { params: AttachmentIdParam },
        responses: { 200: jsonResponse(AttachmentDownloadSchema, 'The attachment'), ...errorResponses },
      }),
      async (c) => {
        const attachment = await readAttachment(deps, c.get('principal'), c.req.valid('param').id);
        return c.json({ ...attachment, download: { ...attachment.download, url: absolute(c, attachment.download.url) } }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/{id}/complete', tags, security: bearer,
        summary: 'Uploader: check the stored file against the declaration; READY on a match, discarded (422) otherwise',
        request: { params: AttachmentIdParam },
        responses: { 200: jsonResponse(AttachmentSchema, 'The READY attachment'), ...uploadErrors },
      }),
      async (c) => c.json(await completeAttachment(deps, c.get('principal'), c.req.valid('param').id), 200),
    );
}
