import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

// One client per container, created at module scope so warm invocations reuse
// their connections. Region and credentials come from the Lambda environment;
// endpoints can be redirected with the SDK's standard AWS_ENDPOINT_URL_<SERVICE>
// variables (the offline bundle test points them at loopback stand-ins).
// The DynamoDB client is made by createDb (packages/data), also once per container.

export const eventBridge = new EventBridgeClient({ maxAttempts: 3 });

export const secretsManager = new SecretsManagerClient({ maxAttempts: 3 });

/** Attachment files: presigning needs no call; head, tag and delete do. */
export const s3 = new S3Client({ maxAttempts: 3 });
