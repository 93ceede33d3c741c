import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { secretsManager } from '@sharedtech/functions/commons/clients';
import { identityFor, readClientSecret } from '@sharedtech/functions/commons/deps';

const secrets = mockClient(secretsManager);
afterEach(() => secrets.reset());

const arn = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:sharedtech/oidc-client-AbCdEf';
const common = { STAGE: 'cn', TABLE_NAME: 't', CURSOR_SECRET_ARN: arn, EVENT_BUS_NAME: 'b', JWT_AUDIENCE: 'sharedtech-web' };

describe('the identity of a deployed API function', () => {
  it.each([
    ['a bare string', 's3cret-value', 's3cret-value'],
    ['JSON with clientSecret', JSON.stringify({ clientSecret: 'from-json' }), 'from-json'],
    ['JSON with client_secret', JSON.stringify({ client_secret: 'snake' }), 'snake'],
  ])('reads the OIDC client secret stored as %s', async (_name, stored, expected) => {
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: stored });
    expect(await readClientSecret(arn)).toBe(expected);
  });

  it('fails the cold start when the secret holds no client secret', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ password: 'x' }) });
    await expect(readClientSecret(arn)).rejects.toThrow(/holds no client secret/);
  });

  it('starts even when the OpenID provider is down at cold start: tokens are then a 503, not a crash', async () => {
    // Prepare: an issuer on a loopback port nothing listens on.
    const config = { ...common, IDENTITY_PROVIDER: 'oidc' as const, JWT_ISSUER: 'http://127.0.0.1:9/realms/none' };

    // Act
    const { verifyToken, hostedSignIn } = await identityFor(config);

    // Assess
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: config.JWT_ISSUER, sub: 'x', aud: 'sharedtech-web', exp: 9e9 })).toString('base64url');
    await expect(verifyToken(`${header}.${payload}.c2ln`)).rejects.toMatchObject({ status: 503 });
    expect(() => hostedSignIn.authorizeUrl({ redirectUri: 'https://m/auth/callback', state: 's', codeChallenge: 'c' })).toThrow(expect.objectContaining({ status: 503 }));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('keeps Cognito as it was: the pool issuer and the hosted UI domain', async () => {
    const { hostedSignIn } = await identityFor({ ...common, JWT_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool', AUTH_BASE_URL: 'https://sharedtech-dev.auth.us-east-1.amazoncognito.com' });
    expect(hostedSignIn.authorizeUrl({ redirectUri: 'https://m/auth/callback', state: 's', codeChallenge: 'c' })).toMatch(/^https:\/\/sharedtech-dev\.auth\.us-east-1\.amazoncognito\.com\/oauth2\/authorize\?/);
  });
});
