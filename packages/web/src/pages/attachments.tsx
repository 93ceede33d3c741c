import type { Hono } from 'hono';
import { ValidationError, WEB_UPLOAD_PATH } from '@sharedtech/core';
import { DeclareAttachmentSchema, completeAttachment, declareAttachment, listAttachments, readAttachment, uploadAttachment, type AttachmentView, type ServiceDeps } from '@sharedtech/services';
import type { Principal } from '@sharedtech/core';
import type { WebDeps } from '../deps.js';
import { flash, pageKit, pathParam, safeNext } from '../context.js';
import { parseInput } from '../forms.js';

/** The pages' plain upload form posts here (defined in core: the composition's body limit needs it without loading the pages). */

const hex = (buffer: ArrayBuffer) => Buffer.from(buffer).toString('hex');

/** A parent's attachments for a page, or none when the visitor may not see them (the section is then left out). */
export async function attachmentsFor(deps: ServiceDeps, principal: Principal, parent: string): Promise<{ items: AttachmentView[]; canUpload: boolean } | undefined> {
  return listAttachments(deps, principal, parent, { limit: 50 }).catch(() => undefined);
}

/**
 * `POST /attachments`: the plain form's upload (multipart: parent, back, file),
 * checked and stored like any other; `GET /attachments/<id>`: a download,
 * answered with a redirect to the attachment's short-lived URL.
 */
export function attachmentPages(web: Hono, deps: WebDeps) {
  const { page, action } = pageKit(deps);

  web.post(
    WEB_UPLOAD_PATH,
    action(async (c, ui) => {
      const body = await c.req.parseBody();
      const file = body.file;
      const parent = typeof body.parent === 'string' ? body.parent : '';
      const back = safeNext(typeof body.back === 'string' ? body.back : '/');
      if (typeof file === 'string' || !file || file.size === 0) {
        throw ValidationError.field('file', 'Choose a file to upload.', 'file_missing');
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      const sha256 = hex(await crypto.subtle.digest('SHA-256', bytes));
      const declaration = parseInput(DeclareAttachmentSchema, { parent, name: file.name, contentType: file.type || 'application/octet-stream', size: bytes.length, sha256 });
      await uploadAttachment(deps, ui.principal, declaration, bytes);
      flash(c, 'flash.attachmentUploaded');
      return c.redirect(back, 303);
    }),
  );

  // The page script's direct upload: declare (JSON), then the browser PUTs to the storage, then completes.
  web.post(
    '/attachments/declare',
    action(async (c, ui) => {
      const declaration = parseInput(DeclareAttachmentSchema, await c.req.json().catch(() => ({})));
      return c.json(await declareAttachment(deps, ui.principal, declaration), 201);
    }),
  );

  web.post(
    '/attachments/:id/complete',
    action(async (c, ui) => {
      const attachment = await completeAttachment(deps, ui.principal, pathParam(c));
      flash(c, 'flash.attachmentUploaded');
      return c.json(attachment, 200);
    }),
  );

  web.get(
    '/attachments/:id',
    page(async (c, ui) => {
      const attachment = await readAttachment(deps, ui.principal, pathParam(c));
      c.header('Cache-Control', 'no-store');
      return c.redirect(attachment.download.url, 302);
    }),
  );
}
