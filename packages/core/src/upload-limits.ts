/*
 * The upload limits, in a module of their own without schemas: the
 * composition's body limit needs them on every request, cold starts included,
 * before (and without) loading the attachment rules and zod.
 */

/** 20 MiB a file. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/**
 * Where the pages' plain upload form posts, and the largest body it may send (a file of up to
 * MAX_ATTACHMENT_BYTES with the form's other fields). Here rather than in the web package because
 * the composition's body limit needs them before (and without) loading the pages.
 */
export const WEB_UPLOAD_PATH = '/attachments';
export const UPLOAD_MAX_BODY_BYTES = MAX_ATTACHMENT_BYTES + 256 * 1024;
