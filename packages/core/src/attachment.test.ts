import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT_PARENT_PATTERN, allowedContentType, assertAllowedFile, attachmentDisposition, attachmentParentKey, isExpiredAttachment,
  parseAttachmentParent, uploadMismatch, type Attachment,
} from './attachment.js';
import { ValidationError } from './errors.js';

const ulid = '01JABCDEFGHJKMNPQRSTVWXYZ0';

describe('which files are accepted', () => {
  it('takes the allow-listed types when the name fits the type', () => {
    expect(allowedContentType('方案.pdf', 'application/pdf')).toBe('application/pdf');
    expect(allowedContentType('photo.JPG', 'image/jpeg')).toBe('image/jpeg');
    expect(allowedContentType('part.dwg', 'application/acad')).toBe('image/vnd.dwg');
    expect(allowedContentType('part.step', 'application/octet-stream')).toBe('model/step');
    expect(allowedContentType('mesh.stl', '')).toBe('model/stl');
    expect(allowedContentType('bundle.zip', 'application/x-zip-compressed')).toBe('application/zip');
  });

  it('refuses other types, names that do not fit, and names without an extension', () => {
    expect(allowedContentType('run.exe', 'application/x-msdownload')).toBeUndefined();
    expect(allowedContentType('run.exe', 'application/pdf')).toBeUndefined();
    expect(allowedContentType('page.html', 'text/html')).toBeUndefined();
    expect(allowedContentType('report', 'application/pdf')).toBeUndefined();
    expect(allowedContentType('script.js', 'application/octet-stream')).toBeUndefined();
    expect(() => assertAllowedFile('x.exe', 'application/x-msdownload')).toThrow(ValidationError);
  });
});

describe('what an attachment belongs to', () => {
  it('parses each kind of parent key and refuses anything else', () => {
    expect(parseAttachmentParent(attachmentParentKey.request(`req_${ulid}`))).toMatchObject({ type: 'REQUEST', id: `req_${ulid}` });
    expect(parseAttachmentParent(attachmentParentKey.milestone(`ctr_${ulid}`, 2))).toMatchObject({ type: 'MILESTONE', contractId: `ctr_${ulid}`, n: 2 });
    expect(parseAttachmentParent(attachmentParentKey.message(`ctr_${ulid}`, `msg_${ulid}`))).toMatchObject({ type: 'MESSAGE', contractId: `ctr_${ulid}`, id: `msg_${ulid}` });
    for (const bad of ['REQUEST:bid_' + ulid, 'MILESTONE:ctr_' + ulid + ':0', 'BID:', 'OTHER:req_' + ulid, `ORGANISATION:org_${ulid}x`]) {
      expect(parseAttachmentParent(bad)).toBeUndefined();
      expect(ATTACHMENT_PARENT_PATTERN.test(bad)).toBe(false);
    }
    expect(ATTACHMENT_PARENT_PATTERN.test(`DISPUTE:dsp_${ulid}`)).toBe(true);
  });
});

describe('checking an upload', () => {
  it('names the fields where the stored object differs from the declaration', () => {
    const declared = { size: 10, sha256: 'ab'.repeat(32) };
    expect(uploadMismatch(declared, { size: 10, sha256: 'AB'.repeat(32) })).toEqual([]);
    expect(uploadMismatch(declared, { size: 11, sha256: 'cd'.repeat(32) })).toEqual(['size', 'sha256']);
  });

  it('treats a PENDING attachment past its time as gone, never a READY one', () => {
    const pending = { status: 'PENDING', pendingUntil: new Date(1_000_000).toISOString() } as Attachment;
    expect(isExpiredAttachment(pending, new Date(999_000))).toBe(false);
    expect(isExpiredAttachment(pending, new Date(1_000_000))).toBe(true);
    expect(isExpiredAttachment({ ...pending, status: 'READY' }, new Date(2_000_000))).toBe(false);
  });

  it('always downloads, with the UTF-8 name', () => {
    expect(attachmentDisposition('图纸 "A".dwg')).toBe(`attachment; filename="__ _A_.dwg"; filename*=UTF-8''${encodeURIComponent('图纸 "A".dwg')}`);
  });
});
