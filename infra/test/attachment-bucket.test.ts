import { describe, expect, it } from 'vitest';
import { synthMarketplace } from './synth.js';

const dev = synthMarketplace();
const cn = synthMarketplace({ stage: 'cn' });

const attachmentBucket = (template: typeof dev.stateful) => {
  const buckets = Object.values(template.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } }));
  expect(buckets).toHaveLength(1);
  return buckets[0] as { Properties: Record<string, any>; DeletionPolicy: string };
};

describe('the attachment bucket', () => {
  it('is private, encrypted, versioned, logged and retained', () => {
    const bucket = attachmentBucket(dev.stateful);
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: expect.anything(), LogFilePrefix: 'attachments/' },
    });
  });

  it('refuses every request without TLS', () => {
    const policies = Object.values(dev.stateful.findResources('AWS::S3::BucketPolicy')) as { Properties: { PolicyDocument: { Statement: Record<string, any>[] } } }[];
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
    expect(policies.length).toBe(2);
  });

  it('expires abandoned uploads, incomplete multipart uploads and old versions', () => {
    const rules = attachmentBucket(dev.stateful).Properties.LifecycleConfiguration.Rules as Record<string, any>[];
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Id: 'AbortIncompleteUploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
        expect.objectContaining({ Id: 'ExpireAbandonedUploads', TagFilters: [{ Key: 'upload', Value: 'pending' }], ExpirationInDays: 2, Status: 'Enabled' }),
        expect.objectContaining({ Id: 'ExpireOldVersions', NoncurrentVersionExpiration: { NoncurrentDays: 90 }, ExpiredObjectDeleteMarker: true }),
      ]),
    );
  });

  it('lets browsers PUT and GET with presigned URLs from the site only, where the site has a domain', () => {
    expect(attachmentBucket(cn.stateful).Properties.CorsConfiguration.CorsRules).toEqual([
      expect.objectContaining({ AllowedOrigins: ['https://market.example.cn'], AllowedMethods: ['PUT', 'GET'] }),
    ]);
  });

  it('grants the API function object actions under attachments/ only, and names the bucket in its environment', () => {
    const resources = dev.api.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
    const statements = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('s3:')));
    expect(statements).toHaveLength(1);
    expect([statements[0]!.Action].flat().sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject', 's3:PutObjectTagging']);
    expect(JSON.stringify(statements[0]!.Resource)).toContain('/attachments/*');
    expect(JSON.stringify(statements[0]!.Resource)).toContain('SharedTech-dev-Stateful-AttachmentBucketArn');
    const apiFunction = resources[dev.apiStack.getLogicalId(dev.apiStack.apiFunction.node.defaultChild as never)]!.Properties;
    expect(apiFunction.Environment.Variables.ATTACHMENT_BUCKET).toBeDefined();
    const jobsFunction = resources[dev.apiStack.getLogicalId(dev.apiStack.jobsFunction.node.defaultChild as never)]!.Properties;
    expect(jobsFunction.Environment.Variables.ATTACHMENT_BUCKET).toBeUndefined();
  });

  it('synthesises in the China stage with aws-cn ARNs', () => {
    expect(JSON.stringify(cn.stateful.toJSON())).not.toMatch(/arn:aws:/);
    attachmentBucket(cn.stateful);
  });
});
