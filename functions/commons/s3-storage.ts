import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, PutObjectTaggingCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { attachmentDisposition } from '@sharedtech/core';
import type { AttachmentStorage, StoredObject, UploadTarget } from '@sharedtech/services';

/** Objects are put tagged as pending; the bucket's lifecycle rule expires those nobody completed. */
export const PENDING_TAG = 'upload=pending';
export const READY_TAG = { Key: 'upload', Value: 'ready' };

const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const base64ToHex = (base64: string) => Buffer.from(base64, 'base64').toString('hex');

/**
 * Attachments in an S3 bucket. Uploads are presigned PUTs whose signature
 * covers the declared length, type and SHA-256 checksum (S3 refuses a body that
 * differs: a bad digest or a bad signature) and the pending tag; downloads
 * are presigned GETs that name the file and never render inline.
 */
export function s3AttachmentStorage(options: { client: S3Client; bucket: string; now?: () => number }): AttachmentStorage {
  const { client, bucket } = options;
  const now = options.now ?? Date.now;
  return {
    async uploadTarget(object: StoredObject, expiresInSeconds: number): Promise<UploadTarget> {
      const command = new PutObjectCommand({
        Bucket: bucket,
        Key: object.key,
        ContentType: object.contentType,
        ContentLength: object.size,
        ChecksumSHA256: hexToBase64(object.sha256),
        Tagging: PENDING_TAG,
      });
      const headers = {
        'content-type': object.contentType,
        'x-amz-checksum-sha256': hexToBase64(object.sha256),
        'x-amz-tagging': PENDING_TAG,
      };
      const url = await getSignedUrl(client, command, {
        expiresIn: expiresInSeconds,
        // Signed headers: the client must send exactly these, and S3 checks the body against length and checksum.
        signableHeaders: new Set(['content-type', 'content-length', 'x-amz-checksum-sha256', 'x-amz-tagging']),
        unhoistableHeaders: new Set(['x-amz-checksum-sha256', 'x-amz-tagging']),
      });
      return { url, method: 'PUT', headers, expiresAt: new Date(now() + expiresInSeconds * 1000).toISOString() };
    },

    async downloadUrl(object: StoredObject, expiresInSeconds: number): Promise<string> {
      return getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: bucket,
          Key: object.key,
          ResponseContentType: object.contentType,
          ResponseContentDisposition: attachmentDisposition(object.name),
          ResponseCacheControl: 'private, no-store',
        }),
        { expiresIn: expiresInSeconds },
      );
    },

    async inspect(key: string) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
        const size = head.ContentLength ?? 0;
        // A full-object SHA-256 is what the signed PUT carried; anything else (never expected) is hashed here.
        if (head.ChecksumSHA256 && head.ChecksumType !== 'COMPOSITE') return { size, sha256: base64ToHex(head.ChecksumSHA256) };
        const body = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const hash = createHash('sha256');
        for await (const chunk of body.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
        return { size, sha256: hash.digest('hex') };
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === 'NotFound' || name === 'NoSuchKey') return undefined;
        throw error;
      }
    },

    async put(object: StoredObject, body: Uint8Array) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: object.key,
          Body: body,
          ContentType: object.contentType,
          ContentLength: object.size,
          ChecksumSHA256: hexToBase64(object.sha256),
          Tagging: PENDING_TAG,
        }),
      );
    },

    async confirm(key: string) {
      await client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [READY_TAG] } }));
    },

    async remove(key: string) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
