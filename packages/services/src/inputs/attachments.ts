import { ATTACHMENT_PARENT_PATTERN, MAX_ATTACHMENT_BYTES } from '@sharedtech/core';
import { PageQuerySchema } from './common.js';
import { z } from './zod.js';

export const AttachmentParentSchema = z
  .string()
  .max(120)
  .regex(ATTACHMENT_PARENT_PATTERN, 'Use REQUEST:<requestId>, BID:<bidId>, MILESTONE:<contractId>:<n>, DISPUTE:<disputeId>, MESSAGE:<contractId>:<messageId> or ORGANISATION:<orgId>.')
  .openapi({
    example: 'REQUEST:req_01JD6Q2XG3M4N5P6Q7R8S9T0VW',
    description: 'What the file belongs to: REQUEST:<requestId>, BID:<bidId>, MILESTONE:<contractId>:<n> (a milestone submission), DISPUTE:<disputeId>, MESSAGE:<contractId>:<messageId>, ORGANISATION:<orgId> (verification evidence).',
  });

/** A file name as people see it: no path, no control characters, an extension. */
export const AttachmentNameSchema = z
  .string()
  .trim()
  .min(3)
  .max(200)
  .regex(/^[^\u0000-\u001f\u007f/\\]+\.[A-Za-z0-9]{1,5}$/, 'Use a file name with an extension, without slashes or control characters.')
  .openapi({ example: '夹具图纸-A3.dwg' });

export const DeclareAttachmentSchema = z
  .object({
    parent: AttachmentParentSchema,
    name: AttachmentNameSchema,
    contentType: z.string().trim().min(1).max(120).openapi({ example: 'image/vnd.dwg', description: 'Must be on the allow-list and fit the name’s extension.' }),
    size: z.number().int().min(1).max(MAX_ATTACHMENT_BYTES).openapi({ example: 482_113, description: `Bytes; at most ${MAX_ATTACHMENT_BYTES} (20 MiB).` }),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'Give the SHA-256 of the content as 64 hexadecimal digits.').openapi({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }),
  })
  .strict()
  .openapi('DeclareAttachment');

export const AttachmentListQuerySchema = PageQuerySchema.extend({ parent: AttachmentParentSchema });
