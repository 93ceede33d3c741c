import { z } from 'zod';
import { ValidationError } from './errors.js';
import { idPattern } from './ids.js';

/**
 * Files attached to something on the marketplace: the drawings of a request,
 * a studio's proposal for its bid, the report of a milestone submission,
 * evidence in a dispute, a file in a contract's thread, an organisation's
 * verification evidence. A declared attachment is PENDING until the stored
 * object is confirmed to be exactly what was declared (size and SHA-256); only
 * then it counts (READY). Who may see it is who may see its parent.
 */
export const ATTACHMENT_STATUSES = ['PENDING', 'READY'] as const;
export type AttachmentStatus = (typeof ATTACHMENT_STATUSES)[number];

export const ATTACHMENT_PARENT_TYPES = ['REQUEST', 'BID', 'MILESTONE', 'DISPUTE', 'MESSAGE', 'ORGANISATION'] as const;
export type AttachmentParentType = (typeof ATTACHMENT_PARENT_TYPES)[number];

/** An upload URL is good for this long. */
export const UPLOAD_URL_SECONDS = 15 * 60;
/** A download URL is good for this long. */
export const DOWNLOAD_URL_SECONDS = 5 * 60;
/** A PENDING attachment nobody completed is gone after this long (and its item expires by TTL). */
export const PENDING_ATTACHMENT_SECONDS = 60 * 60;

/**
 * The allow-list: each content type with the file-name extensions it may carry.
 * A declared file must use one of these types, and its name must end in one of
 * that type's extensions, so a renamed executable is not let in as a "PDF".
 */
export const ATTACHMENT_TYPES: Readonly<Record<string, readonly string[]>> = {
  'application/pdf': ['pdf'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'image/tiff': ['tif', 'tiff'],
  'text/plain': ['txt'],
  'text/csv': ['csv'],
  'application/msword': ['doc'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.ms-excel': ['xls'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.ms-powerpoint': ['ppt'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/vnd.oasis.opendocument.text': ['odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
  'application/vnd.oasis.opendocument.presentation': ['odp'],
  'application/zip': ['zip'],
  'application/x-7z-compressed': ['7z'],
  'application/vnd.rar': ['rar'],
  'application/gzip': ['gz', 'tgz'],
  'application/x-tar': ['tar'],
  'image/vnd.dwg': ['dwg'],
  'image/vnd.dxf': ['dxf'],
  'model/step': ['step', 'stp'],
  'model/iges': ['iges', 'igs'],
  'model/stl': ['stl'],
};

/** Content types browsers commonly report for the same files, mapped to the allow-list's. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  'application/x-zip-compressed': 'application/zip',
  'application/x-rar-compressed': 'application/vnd.rar',
  'application/x-gzip': 'application/gzip',
  'application/acad': 'image/vnd.dwg',
  'application/x-dwg': 'image/vnd.dwg',
  'application/dxf': 'image/vnd.dxf',
  'application/step': 'model/step',
  'application/iges': 'model/iges',
  'application/sla': 'model/stl',
  'model/x.stl-binary': 'model/stl',
  'image/jpg': 'image/jpeg',
};

export const extensionOf = (name: string) => /\.([a-z0-9]{1,5})$/i.exec(name)?.[1]?.toLowerCase();

/**
 * The allow-listed content type of a file: the declared one (or its common
 * alias) when the name's extension belongs to it; when nothing useful was
 * declared (`application/octet-stream`, empty), the type the extension names.
 * Undefined when the file is not allowed.
 */
export function allowedContentType(name: string, declared: string | undefined): string | undefined {
  const extension = extensionOf(name);
  if (!extension) return undefined;
  const base = (declared ?? '').split(';')[0]!.trim().toLowerCase();
  if (base === '' || base === 'application/octet-stream') {
    return Object.entries(ATTACHMENT_TYPES).find(([, extensions]) => extensions.includes(extension))?.[0];
  }
  const type = TYPE_ALIASES[base] ?? base;
  return ATTACHMENT_TYPES[type]?.includes(extension) ? type : undefined;
}

/** The declared type, normalised, or a 400 naming the field. */
export function assertAllowedFile(name: string, contentType: string): string {
  const type = allowedContentType(name, contentType);
  if (!type) {
    throw new ValidationError(
      `Files of type ${contentType || 'unknown'} named “${name}” are not accepted; allowed are PDF, images, office documents, archives and CAD drawings (DWG, DXF, STEP, IGES, STL).`,
      [{ path: 'contentType', code: 'file_type', message: 'This type of file is not accepted.' }],
      'FILE_TYPE_NOT_ALLOWED',
    );
  }
  return type;
}

const contractId = idPattern('contract').source.slice(1, -1);
const PARENT_PATTERNS: Record<AttachmentParentType, RegExp> = {
  REQUEST: new RegExp(`^REQUEST:(${idPattern('request').source.slice(1, -1)})$`),
  BID: new RegExp(`^BID:(${idPattern('bid').source.slice(1, -1)})$`),
  MILESTONE: new RegExp(`^MILESTONE:(${contractId}):([1-9][0-9]{0,2})$`),
  DISPUTE: new RegExp(`^DISPUTE:(${idPattern('dispute').source.slice(1, -1)})$`),
  MESSAGE: new RegExp(`^MESSAGE:(${contractId}):(${idPattern('message').source.slice(1, -1)})$`),
  ORGANISATION: new RegExp(`^ORGANISATION:(${idPattern('org').source.slice(1, -1)})$`),
};

/** What an attachment belongs to, parsed from its key (`MILESTONE:<contractId>:<n>`, `BID:<bidId>`, …). */
export type AttachmentParent =
  | { type: 'REQUEST' | 'BID' | 'DISPUTE' | 'ORGANISATION'; id: string; key: string }
  | { type: 'MILESTONE'; contractId: string; n: number; key: string }
  | { type: 'MESSAGE'; contractId: string; id: string; key: string };

/** One pattern for every well-formed parent key, for input schemas. */
export const ATTACHMENT_PARENT_PATTERN = new RegExp(Object.values(PARENT_PATTERNS).map((pattern) => `(?:${pattern.source})`).join('|'));

export function parseAttachmentParent(key: string): AttachmentParent | undefined {
  for (const type of ATTACHMENT_PARENT_TYPES) {
    const match = PARENT_PATTERNS[type].exec(key);
    if (!match) continue;
    if (type === 'MILESTONE') return { type, contractId: match[1]!, n: Number(match[2]), key };
    if (type === 'MESSAGE') return { type, contractId: match[1]!, id: match[2]!, key };
    return { type, id: match[1]!, key };
  }
  return undefined;
}

export const attachmentParentKey = {
  request: (requestId: string) => `REQUEST:${requestId}`,
  bid: (bidId: string) => `BID:${bidId}`,
  milestone: (contractId: string, n: number) => `MILESTONE:${contractId}:${n}`,
  dispute: (disputeId: string) => `DISPUTE:${disputeId}`,
  message: (contractId: string, messageId: string) => `MESSAGE:${contractId}:${messageId}`,
  organisation: (orgId: string) => `ORGANISATION:${orgId}`,
};

export const attachmentSchema = z.object({
  id: z.string(),
  /** The parent's key, e.g. `BID:bid_01J…`. */
  parent: z.string(),
  parentType: z.enum(ATTACHMENT_PARENT_TYPES),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  /** Lower-case hex SHA-256 of the content. */
  sha256: z.string(),
  status: z.enum(ATTACHMENT_STATUSES),
  ownerOrgId: z.string(),
  uploadedBy: z.string(),
  uploadedByName: z.string().optional(),
  /** Where the bytes are in the storage (never derived from the name). */
  objectKey: z.string(),
  createdAt: z.string(),
  completedAt: z.string().optional(),
  /** PENDING only: when the declaration is void if nobody completed it (the item's TTL follows it). */
  pendingUntil: z.string().optional(),
  version: z.number().int(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** A PENDING attachment nobody completed in time is treated as gone, before the TTL removes it. */
export const isExpiredAttachment = (attachment: Attachment, now: Date) =>
  attachment.status === 'PENDING' && attachment.pendingUntil !== undefined && Date.parse(attachment.pendingUntil) <= now.getTime();

/** A studio attaches its submission's files while the milestone is being delivered or reviewed. */
export const mayAttachToMilestone = (viewerOrgId: string | undefined, studioOrgId: string, milestoneStatus: string) =>
  viewerOrgId === studioOrgId && ['FUNDED', 'SUBMITTED'].includes(milestoneStatus);

/** Whether the stored object is what was declared; the mismatching fields otherwise. */
export function uploadMismatch(declared: { size: number; sha256: string }, stored: { size: number; sha256: string }): string[] {
  const fields: string[] = [];
  if (declared.size !== stored.size) fields.push('size');
  if (declared.sha256.toLowerCase() !== stored.sha256.toLowerCase()) fields.push('sha256');
  return fields;
}

/** The `Content-Disposition` of a download: always a download (never rendered inline on our origin), UTF-8 name. */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
