import { describe, expect, it } from 'vitest';
import { ConfigError, readApiConfig, readJobsConfig } from '@sharedtech/functions/commons/config';

const complete = {
  STAGE: 'prod',
  TABLE_NAME: 'SharedTech-prod-Stateful-Marketplace-1ABC',
  CURSOR_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:CursorSigningKey-AbCdEf',
  EVENT_BUS_NAME: 'SharedTechprodApiDomainEvents6A069E66',
  JWT_ISSUER: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbCdEfGhI',
  JWT_AUDIENCE: '1example23456789',
  AUTH_BASE_URL: 'https://sharedtech-prod.auth.cn-north-1.amazoncognito.com',
};

describe('function configuration', () => {
  it('reads what the stack sets', () => {
    expect(readApiConfig(complete)).toEqual(complete);
    const { JWT_ISSUER: _issuer, JWT_AUDIENCE: _audience, AUTH_BASE_URL: _auth, ...jobs } = complete;
    expect(readJobsConfig(jobs)).toEqual(jobs);
  });

  it('fails at cold start naming every missing variable at once', () => {
    // Prepare
    const { TABLE_NAME: _table, JWT_AUDIENCE: _audience, ...partial } = complete;

    // Act
    let error: unknown;
    try {
      readApiConfig(partial);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(['TABLE_NAME: is not set', 'JWT_AUDIENCE: is not set']);
  });

  it.each([
    ['plain http to a remote host', 'http://cognito-idp.cn-north-1.amazonaws.com.cn/pool'],
    ['no URL at all', 'cognito-idp.cn-north-1.amazonaws.com.cn/pool'],
  ])('refuses an issuer that is %s', (_name, issuer) => {
    expect(() => readApiConfig({ ...complete, JWT_ISSUER: issuer })).toThrow(/JWT_ISSUER: must be an https URL/);
  });

  it('accepts plain http only on loopback (the offline test of the bundle)', () => {
    expect(readApiConfig({ ...complete, JWT_ISSUER: 'http://127.0.0.1:4321/pool' }).JWT_ISSUER).toBe('http://127.0.0.1:4321/pool');
  });

  it('does not need a token issuer for the jobs function', () => {
    expect(() => readJobsConfig({ STAGE: 'prod' })).toThrow(ConfigError);
    expect(() => readJobsConfig({ STAGE: 'prod' })).toThrow(/TABLE_NAME: is not set; CURSOR_SECRET_ARN: is not set; EVENT_BUS_NAME: is not set/);
  });
});
