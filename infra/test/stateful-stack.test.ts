import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { TABLE, createTableInput } from '@sharedtech/data';
import { onlyResource, synthMarketplace } from './synth.js';

const dev = synthMarketplace();

describe('stateful stack', () => {
  it('creates the table from the shared definition, exactly as DynamoDB Local gets it', () => {
    // Prepare
    const local = createTableInput('Marketplace');

    // Act
    const table = onlyResource(dev.stateful, 'AWS::DynamoDB::Table');

    // Assess
    expect(table.Properties.KeySchema).toEqual(local.KeySchema);
    expect(table.Properties.AttributeDefinitions).toEqual(expect.arrayContaining(local.AttributeDefinitions!));
    expect(table.Properties.AttributeDefinitions).toHaveLength(local.AttributeDefinitions!.length);
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('protects the table: PITR, deletion protection, retained on delete, AWS managed encryption, TTL', () => {
    const table = onlyResource(dev.stateful, 'AWS::DynamoDB::Table');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    // SSEEnabled without a key id: the AWS managed key (aws/dynamodb), not the AWS owned one.
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TABLE.ttlAttribute, Enabled: true });
    // Domain events are published by the app after commit, so the table needs no stream.
    expect(table.Properties.StreamSpecification).toBeUndefined();
  });

  it('keeps identities in a retained user pool with MFA and a strong password policy', () => {
    const pool = onlyResource(dev.stateful, 'AWS::Cognito::UserPool');
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties).toMatchObject({
      DeletionProtection: 'ACTIVE',
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      UserPoolTier: 'ESSENTIALS',
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
    });
  });

  it('turns on Cognito threat protection (PLUS plan) where the stage asks for it, as prod does', () => {
    const prod = synthMarketplace({ stage: 'prod' });
    const pool = onlyResource(prod.stateful, 'AWS::Cognito::UserPool');
    expect(pool.Properties.UserPoolTier).toBe('PLUS');
    expect(pool.Properties.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
  });

  it('gives the pool a hosted sign-in domain named after the stage unless the stage names one', () => {
    dev.stateful.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'sharedtech-dev' });
    const named = synthMarketplace({ stage: 'prod', stages: { prod: { authDomainPrefix: 'consortium-market' } } });
    named.stateful.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'consortium-market' });
  });

  it('generates the cursor-signing key at deploy time, so no secret is in the template', () => {
    const secret = onlyResource(dev.stateful, 'AWS::SecretsManager::Secret');
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(secret.Properties.GenerateSecretString).toEqual({ ExcludePunctuation: true, PasswordLength: 64 });
    expect(secret.Properties.SecretString).toBeUndefined();
  });

  it('outputs the table name for operator commands', () => {
    const table = onlyResource(dev.stateful, 'AWS::DynamoDB::Table');
    dev.stateful.hasOutput('TableName', { Value: { Ref: table.logicalId } });
  });

  it('names no physical resource (CloudFormation or CDK generates every name)', () => {
    const namingKeys = ['TableName', 'UserPoolName', 'FunctionName', 'RoleName', 'TopicName', 'LogGroupName', 'AlarmName', 'Name'];
    const named = [dev.stateful, dev.api].flatMap((template) =>
      Object.values(template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>)
        .filter((resource) => namingKeys.some((key) => typeof resource.Properties?.[key] === 'string'))
        .map((resource) => resource.Type),
    );
    // A literal name only where the CloudFormation type requires one; CDK derives it from the construct path.
    // (References to other resources' names, such as a permission's FunctionName, are not literals.)
    expect(new Set(named)).toEqual(new Set(['AWS::Events::EventBus', 'AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Authorizer']));
    dev.api.hasResourceProperties('AWS::Events::EventBus', { Name: Match.stringLikeRegexp('^SharedTech.*DomainEvents') });
  });
});
