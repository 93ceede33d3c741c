import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PENDING_TAG, s3AttachmentStorage } from '@sharedtech/functions/commons/s3-storage';

const sha256 = createHash('sha256').update('drawing').digest('hex');
const object = { key: 'attachments/att_01JABCDEFGHJKMNPQRSTVWXYZ0', name: '夹具图纸 A.dwg', contentType: 'image/vnd.dwg', size: 7, sha256 };
const client = new S3Client({ region: 'cn-north-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' } });
const storage = s3AttachmentStorage({ client, bucket: 'sharedtech-attachments', now: () => Date.parse('2026-12-03T00:00:00Z') });

describe('S3 attachment storage: presigned URLs (no network)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-03T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('signs an upload to exactly the declared length, type, SHA-256 and pending tag, for the time asked', async () => {
    const target = await storage.uploadTarget(object, 900);
    const url = new URL(target.url);
    expect(url.host).toBe('sharedtech-attachments.s3.cn-north-1.amazonaws.com.cn');
    expect(url.pathname).toBe(`/${object.key}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toEqual(['content-length', 'content-type', 'host', 'x-amz-checksum-sha256', 'x-amz-tagging']);
    // The checksum and tag are headers the client must send (signed), not query parameters anyone could drop.
    expect(url.searchParams.has('x-amz-checksum-sha256')).toBe(false);
    expect(target).toMatchObject({
      method: 'PUT',
      expiresAt: '2026-12-03T00:15:00.000Z',
      headers: { 'content-type': 'image/vnd.dwg', 'x-amz-checksum-sha256': Buffer.from(sha256, 'hex').toString('base64'), 'x-amz-tagging': PENDING_TAG },
    });
  });

  it('binds the signature to the declaration: another length, type or hash is another signature', async () => {
    const signature = async (changes: Partial<typeof object>) => new URL((await storage.uploadTarget({ ...object, ...changes }, 900)).url).searchParams.get('X-Amz-Signature');
    const base = await signature({});
    expect(await signature({})).toBe(base);
    expect(await signature({ size: 8 })).not.toBe(base);
    expect(await signature({ contentType: 'application/pdf' })).not.toBe(base);
    expect(await signature({ sha256: 'ab'.repeat(32) })).not.toBe(base);
  });

  it('signs a short-lived download that always saves the file under its name', async () => {
    const url = new URL(await storage.downloadUrl(object, 300));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('response-content-type')).toBe('image/vnd.dwg');
    expect(url.searchParams.get('response-content-disposition')).toBe(`attachment; filename="____ A.dwg"; filename*=UTF-8''${encodeURIComponent(object.name)}`);
    expect(url.searchParams.get('response-cache-control')).toBe('private, no-store');
  });
});

describe('S3 attachment storage: checking and settling an upload', () => {
  const s3 = mockClient(client);
  beforeEach(() => s3.reset());

  it('reads size and SHA-256 from the object’s checksum, and says when nothing was uploaded', async () => {
    s3.on(HeadObjectCommand, { Key: object.key, ChecksumMode: 'ENABLED' }).resolves({ ContentLength: 7, ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'), ChecksumType: 'FULL_OBJECT' });
    expect(await storage.inspect(object.key)).toEqual({ size: 7, sha256 });
    s3.on(HeadObjectCommand, { Key: 'attachments/none' }).rejects(Object.assign(new Error('not found'), { name: 'NotFound' }));
    expect(await storage.inspect('attachments/none')).toBeUndefined();
  });

  it('hashes the object itself when it carries no full-object checksum', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 7 });
    s3.on(GetObjectCommand).resolves({ Body: (async function* () { yield Buffer.from('draw'); yield Buffer.from('ing'); })() as never });
    expect(await storage.inspect(object.key)).toEqual({ size: 7, sha256 });
  });

  it('marks a completed object ready (out of the abandoned-upload lifecycle rule), removes refused ones, stores server-side bodies with the checksum', async () => {
    await storage.confirm(object.key);
    expect(s3.commandCalls(PutObjectTaggingCommand)[0]!.args[0].input).toMatchObject({ Key: object.key, Tagging: { TagSet: [{ Key: 'upload', Value: 'ready' }] } });
    await storage.remove(object.key);
    expect(s3.commandCalls(DeleteObjectCommand)[0]!.args[0].input).toMatchObject({ Bucket: 'sharedtech-attachments', Key: object.key });
    await storage.put(object, Buffer.from('drawing'));
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({ Key: object.key, ContentLength: 7, ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'), Tagging: PENDING_TAG });
  });
});
