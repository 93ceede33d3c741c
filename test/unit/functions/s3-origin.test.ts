import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { derivedBucketOrigin } from '@sharedtech/functions/commons/deps';
import { s3AttachmentStorage } from '@sharedtech/functions/commons/s3-storage';

const object = { key: 'attachments/att_01JABCDEFGHJKMNPQRSTVWXYZ0', name: 'a.pdf', contentType: 'application/pdf', size: 1, sha256: '0'.repeat(64) };

/** The origin the SDK itself puts in a presigned download and upload URL (presigning is local). */
async function sdkOrigins(bucket: string, region: string) {
  const client = new S3Client({ region, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' } });
  const storage = s3AttachmentStorage({ client, bucket });
  return [new URL(await storage.downloadUrl(object, 60)).origin, new URL((await storage.uploadTarget(object, 60)).url).origin];
}

describe('the attachment bucket origin of the page CSP, without loading the S3 client at init', () => {
  it.each([
    ['sharedtech-prod-attachments-1a2b3c', 'cn-north-1'],
    ['sharedtech-prod-attachments-1a2b3c', 'cn-northwest-1'],
    ['sharedtech-dev-attachmentbucket0a1b2c3d-xyz', 'us-east-1'],
    ['sharedtech-attachments', 'eu-central-1'],
    ['attachments.with.dots', 'cn-north-1'],
    ['attachments.with.dots', 'ap-southeast-1'],
  ])('is the origin the SDK presigns for bucket %s in %s', async (bucket, region) => {
    const derived = derivedBucketOrigin(bucket, { AWS_REGION: region });
    expect(await sdkOrigins(bucket, region)).toEqual([derived, derived]);
  });

  it('fails loudly without a region instead of guessing one', async () => {
    expect(() => derivedBucketOrigin('sharedtech-attachments', {})).toThrow(/AWS_REGION/);
  });
});
