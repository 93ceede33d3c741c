import { describe, expect, it } from 'vitest';
import { readApiConfig } from '@sharedtech/functions/commons/config';

const base = {
  STAGE: 'cn',
  TABLE_NAME: 'SharedTech-cn-Stateful-Marketplace-1ABC',
  CURSOR_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:CursorSigningKey-AbCdEf',
  EVENT_BUS_NAME: 'SharedTechcnApiDomainEvents6A069E66',
  JWT_AUDIENCE: 'sharedtech-web',
};
const oidc = {
  ...base,
  IDENTITY_PROVIDER: 'oidc',
  JWT_ISSUER: 'https://id.consortium.example.cn/realms/sharedtech',
  OIDC_CLIENT_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:sharedtech/oidc-client-AbCdEf',
  ICP_RECORD_NUMBER: '京ICP备12345678号-1',
};

describe('function configuration: the identity provider of a stage', () => {
  it('reads an OpenID Provider stage: issuer, client, client secret ARN and the ICP number, no Cognito domain', () => {
    expect(readApiConfig(oidc)).toEqual(oidc);
    const { OIDC_CLIENT_SECRET_ARN: _secret, ICP_RECORD_NUMBER: _icp, ...publicClient } = oidc;
    expect(readApiConfig(publicClient)).toEqual(publicClient);
  });

  it('keeps Cognito the default, which needs its hosted-UI domain', () => {
    const cognito = { ...base, JWT_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool' };
    expect(() => readApiConfig(cognito)).toThrow(/AUTH_BASE_URL: is not set/);
    expect(readApiConfig({ ...cognito, AUTH_BASE_URL: 'https://sharedtech-dev.auth.us-east-1.amazoncognito.com' }).IDENTITY_PROVIDER).toBeUndefined();
  });

  it.each([
    [{ ...oidc, IDENTITY_PROVIDER: 'keycloak' }, /IDENTITY_PROVIDER/],
    [{ ...oidc, AUTH_BASE_URL: 'https://x.auth.cn-north-1.amazoncognito.com' }, /AUTH_BASE_URL: is for Cognito only/],
    [{ ...oidc, OIDC_CLIENT_SECRET_ARN: 'sharedtech/oidc-client' }, /OIDC_CLIENT_SECRET_ARN: must be a Secrets Manager secret ARN/],
    [{ ...oidc, JWT_ISSUER: 'http://id.consortium.example.cn' }, /JWT_ISSUER: must be an https URL/],
    [{ ...oidc, ICP_RECORD_NUMBER: '京'.repeat(65) }, /ICP_RECORD_NUMBER: must be 1 to 64 characters/],
    [{ ...oidc, ATTACHMENT_BUCKET: 'Attachments_Bucket' }, /ATTACHMENT_BUCKET: must be an S3 bucket name/],
    [{ ...oidc, OIDC_TOKEN_AUTH_METHOD: 'private_key_jwt' }, /OIDC_TOKEN_AUTH_METHOD: must be one of client_secret_basic, client_secret_post/],
    [{ ...oidc, JWT_AUDIENCE: '' }, /JWT_AUDIENCE: must not be empty/],
    [{ ...oidc, IDENTITY_PROVIDER: 'cognito', AUTH_BASE_URL: 'https://x.auth.us-east-1.amazoncognito.com' }, /OIDC_CLIENT_SECRET_ARN: is for IDENTITY_PROVIDER=oidc only/],
  ])('refuses a malformed identity configuration %#', (env, message) => {
    expect(() => readApiConfig(env)).toThrow(message);
  });
});
